#pragma once
// Many hosts on one io_context: at most `concurrency` conversations at once, an optional rate
// limit on new ones, results handed out as each host finishes. Targets are pulled one at a time
// from a source, so memory follows the concurrency, not the number of targets.
//
// Executor rules: a scanner lives on the executor it is given, and that executor must run one
// handler at a time (an io_context run by one thread, or a strand): the scanner has no lock.
// run()/async_run(), stop(), summary() and in_flight() are called on it; the source and the
// result callback are invoked on it, one at a time, never concurrently with each other. To
// stop from another thread (a signal), asio::post a call to stop() onto that executor.
#include <epmdump/client/client.hpp>
#include <epmdump/client/connection.hpp>
#include <epmdump/session/options.hpp>
#include <epmdump/client/target.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace epmdump::client {

struct scan_options
{
    std::size_t concurrency = 64; // hosts in flight
    double rate = 0;              // new hosts per second; 0: as fast as the concurrency allows
    client_options client{};
};

struct scan_summary
{
    std::uint64_t started = 0;
    std::uint64_t finished = 0;  // ran to their end (answered or failed)
    std::uint64_t answered = 0;  // status ok
    std::uint64_t failed = 0;    // status incomplete or error
    std::uint64_t cancelled = 0; // in flight when stop() came: reported as cancelled, with what they had
    bool stopped = false;
};

class scanner
{
public:
    using source_fn = std::function<std::optional<target>()>;
    // A source that may wait (a list read on another thread) without holding the hosts in flight.
    using async_source_fn = std::function<boost::asio::awaitable<std::optional<target>>()>;
    using result_fn = std::function<void(host_result&&)>;

    scanner(boost::asio::any_io_executor ex, scan_options options);

    // Pulls targets until the source is empty (or stop()), reporting every host it started:
    // each finished one, and at stop() each one in flight (error cancelled, entries so far).
    boost::asio::awaitable<scan_summary> run(source_fn source, result_fn on_result);
    boost::asio::awaitable<scan_summary> run(async_source_fn source, result_fn on_result);

    // The same with any completion token (use_future, a callback, deferred, use_awaitable):
    // completes with void(std::exception_ptr, scan_summary); the pointer holds what a result
    // callback threw. The handler runs on its associated executor, by default the scanner's.
    template <class Source, class Token>
    auto async_run(Source source, result_fn on_result, Token&& token)
    {
        return boost::asio::co_spawn(ex_, run(std::move(source), std::move(on_result)), std::forward<Token>(token));
    }

    // Takes no more targets and aborts the conversations in flight (call on the executor).
    void stop();
    const scan_summary& summary() const noexcept { return summary_; }
    std::size_t in_flight() const noexcept { return summary_.started - summary_.finished - summary_.cancelled; }

private:
    boost::asio::awaitable<void> host(target t, result_fn& on_result);
    boost::asio::awaitable<bool> wait_for_start();

    boost::asio::any_io_executor ex_;
    scan_options options_;
    std::shared_ptr<abort_group> group_;
    boost::asio::steady_timer slot_;   // the dispatcher sleeps here while every slot is taken
    boost::asio::steady_timer pacing_; // ... and here until the rate limit's next start
    std::chrono::steady_clock::time_point next_start_{};
    scan_summary summary_;
};

} // namespace epmdump::client
