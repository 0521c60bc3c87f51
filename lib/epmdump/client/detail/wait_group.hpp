#pragma once
// Waits for a set of coroutines spawned on one executor (a Go-style wait group over a timer
// that is cancelled when the last one finishes). Single-threaded use only.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>

namespace epmdump::client::detail {

class wait_group
{
public:
    explicit wait_group(const boost::asio::any_io_executor& ex)
        : timer_(ex, boost::asio::steady_timer::time_point::max())
    {
    }
    void add() noexcept { ++pending_; }
    void done()
    {
        if (--pending_ == 0) timer_.cancel();
    }
    std::size_t pending() const noexcept { return pending_; }
    boost::asio::awaitable<void> wait()
    {
        while (pending_ > 0)
        {
            boost::system::error_code ec;
            co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        }
    }

private:
    boost::asio::steady_timer timer_;
    std::size_t pending_ = 0;
};

} // namespace epmdump::client::detail
