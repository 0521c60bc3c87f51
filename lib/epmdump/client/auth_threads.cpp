#include <epmdump/client/detail/auth_threads.hpp>

namespace epmdump::client::detail {

boost::asio::execution_context::id auth_threads::id;

boost::asio::thread_pool& auth_threads::pool()
{
    std::lock_guard lock(mutex_);
    if (!pool_) pool_ = std::make_unique<boost::asio::thread_pool>(threads);
    return *pool_;
}

void auth_threads::shutdown()
{
    std::unique_ptr<boost::asio::thread_pool> pool;
    {
        std::lock_guard lock(mutex_);
        pool = std::move(pool_);
    }
    // A leg still waiting for its KDC finishes on its own: its work owns what it touches.
    if (pool) pool->join();
}

} // namespace epmdump::client::detail
