#pragma once
// The threads a security context's legs run on (a Kerberos leg may wait for a KDC): one small
// pool per execution context, made on first use and joined when the context shuts down, so the
// I/O thread never blocks and nothing outlives the io_context that asked (internal).
#include <boost/asio/execution_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <memory>
#include <mutex>

namespace epmdump::client::detail {

class auth_threads final : public boost::asio::execution_context::service
{
public:
    using key_type = auth_threads;
    static boost::asio::execution_context::id id;
    // Legs at once across all hosts of the context; the rest wait their turn.
    static constexpr std::size_t threads = 4;

    explicit auth_threads(boost::asio::execution_context& owner) : service(owner) {}
    boost::asio::thread_pool& pool();

private:
    void shutdown() override;

    std::mutex mutex_;
    std::unique_ptr<boost::asio::thread_pool> pool_;
};

} // namespace epmdump::client::detail
