#include "run_controls.hpp"

#include <csignal>
#include <cstdlib>

namespace epmdump::app {

run_controls::run_controls(boost::asio::io_context& io, progress_line& progress, std::function<progress_counts()> counts,
                           std::function<void()> stop)
    : progress_(progress), counts_(std::move(counts)), stop_(std::move(stop)), signals_(io, SIGINT, SIGTERM), ticker_(io)
{
    signals_.async_wait([this](const boost::system::error_code& ec, int) { on_signal(ec); });
    if (progress_.enabled()) tick({});
}

void run_controls::finish()
{
    finished_ = true;
    signals_.cancel();
    ticker_.cancel();
}

void run_controls::on_signal(const boost::system::error_code& ec)
{
    if (ec || finished_) return;
    if (interrupted_) std::_Exit(130); // a second Ctrl-C: the user means it
    interrupted_ = true;
    stop_();
    signals_.async_wait([this](const boost::system::error_code& e, int) { on_signal(e); });
}

void run_controls::tick(const boost::system::error_code& ec)
{
    if (ec || finished_) return;
    progress_.draw(counts_());
    ticker_.expires_after(std::chrono::milliseconds(250));
    ticker_.async_wait([this](const boost::system::error_code& e) { tick(e); });
}

} // namespace epmdump::app
