#pragma once
// What a long live run (the scan, probe) does beside its work on the io_context: Ctrl-C stops
// it (a second one ends the process at once, status 130), and the progress line is redrawn
// every 250 ms while it runs.
#include "progress.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>

namespace epmdump::app {

class run_controls
{
public:
    // `stop` runs on the io_context at the first SIGINT/SIGTERM; `counts` feeds the line.
    run_controls(boost::asio::io_context& io, progress_line& progress, std::function<progress_counts()> counts,
                 std::function<void()> stop);
    run_controls(const run_controls&) = delete;
    run_controls& operator=(const run_controls&) = delete;

    // The run has ended: no more signals handled, no more redraws.
    void finish();
    bool interrupted() const noexcept { return interrupted_; }

private:
    void on_signal(const boost::system::error_code& ec);
    void tick(const boost::system::error_code& ec);

    progress_line& progress_;
    std::function<progress_counts()> counts_;
    std::function<void()> stop_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer ticker_;
    bool finished_ = false;
    bool interrupted_ = false;
};

} // namespace epmdump::app
