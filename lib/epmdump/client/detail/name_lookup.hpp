#pragma once
// Name resolution on a small bounded set of threads per execution context. Asio's resolver runs
// every lookup of an io_context on one background thread and cannot cut a lookup short, so one
// silent DNS server would hold each host past its resolve timeout and queue every other host's
// lookup behind it. Here at most max_name_lookups getaddrinfo calls run at once, later ones wait
// in order, and the caller polls the answer and may leave at its deadline: a lookup nobody
// waits for any more is dropped from the queue, and a worker thread touches nothing but the
// shared queue state, so it may outlive the caller and the io_context.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::client::detail {

// getaddrinfo calls in flight per execution context; a silent name server holds each for its
// own timeout (30 s and more), so this is also how many such names can stall side by side.
inline constexpr std::size_t max_name_lookups = 16;

struct lookup_answer
{
    boost::system::error_code error;
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
};

class name_lookup
{
public:
    name_lookup(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {}

    // Starts resolving host:port (numeric port, every address family) on the name lookup
    // threads of `ex`'s execution context.
    static std::shared_ptr<name_lookup> start(const boost::asio::any_io_executor& ex, const std::string& host,
                                              std::uint16_t port);

    // The answer once the lookup has ended.
    std::optional<lookup_answer> answer() const;

    const std::string& host() const noexcept { return host_; }
    std::uint16_t port() const noexcept { return port_; }
    void finish(lookup_answer a);

private:
    std::string host_;
    std::uint16_t port_;
    mutable std::mutex mutex_;
    std::optional<lookup_answer> answer_;
};

// A queue served by at most `max_threads` detached threads, started on demand and ended when the
// queue is empty (no idle thread stays behind). The resolve function is the blocking lookup.
class name_lookup_pool
{
public:
    using resolve_fn = std::function<lookup_answer(const std::string& host, std::uint16_t port)>;

    explicit name_lookup_pool(std::size_t max_threads = max_name_lookups, resolve_fn resolve = {});
    ~name_lookup_pool();
    name_lookup_pool(const name_lookup_pool&) = delete;
    name_lookup_pool& operator=(const name_lookup_pool&) = delete;

    std::shared_ptr<name_lookup> start(const std::string& host, std::uint16_t port);

    // Lookups waiting for a thread, and threads at work (for tests).
    std::size_t queued() const;
    std::size_t threads() const;

    // Drops the queue; running lookups end on their own and are not replaced.
    void close();

    struct state;

private:
    std::shared_ptr<state> state_;
};

// The resolver's blocking call, as the pool runs it.
lookup_answer resolve_blocking(const std::string& host, std::uint16_t port);

// One pool per execution context, shut down with it.
class name_lookup_service : public boost::asio::execution_context::service
{
public:
    static boost::asio::execution_context::id id;
    explicit name_lookup_service(boost::asio::execution_context& ctx);
    name_lookup_pool& pool() noexcept { return pool_; }

private:
    void shutdown() override;
    name_lookup_pool pool_;
};

} // namespace epmdump::client::detail
