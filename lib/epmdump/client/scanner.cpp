#include <epmdump/client/detail/wait_group.hpp>
#include <epmdump/client/scanner.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace epmdump::client {

scanner::scanner(asio::any_io_executor ex, scan_options options)
    : ex_(std::move(ex)), options_(options), group_(std::make_shared<abort_group>())
{
    options_.concurrency = std::max<std::size_t>(1, options_.concurrency);
}

void scanner::stop()
{
    summary_.stopped = true;
    group_->abort_all(client_errc::cancelled);
    for (auto& t : pacing_) t->cancel();
}

asio::awaitable<bool> scanner::wait_for_slot(std::size_t index)
{
    if (options_.rate <= 0) co_return !summary_.stopped;
    // Evenly spaced starts: each worker books the next free start time, then sleeps until it.
    const auto interval = std::chrono::duration_cast<steady_clock::duration>(std::chrono::duration<double>(1.0 / options_.rate));
    const auto now = steady_clock::now();
    const auto at = std::max(now, next_start_);
    next_start_ = at + interval;
    if (at > now)
    {
        auto& timer = *pacing_[index];
        timer.expires_at(at);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return !summary_.stopped;
}

asio::awaitable<void> scanner::worker(std::size_t index, source_fn& source, result_fn& on_result)
{
    while (!summary_.stopped)
    {
        if (!co_await wait_for_slot(index)) break;
        auto t = source();
        if (!t) break;
        ++summary_.started;
        auto r = co_await async_enumerate(std::move(*t), options_.client, group_);
        if (r.error && r.error->code == client_errc::cancelled)
            ++summary_.cancelled; // still reported: the output accounts for every host started
        else
        {
            ++summary_.finished;
            if (r.enumeration.status == epm::enumeration_status::ok)
                ++summary_.answered;
            else
                ++summary_.failed;
        }
        if (on_result) on_result(std::move(r));
    }
}

asio::awaitable<scan_summary> scanner::run(source_fn source, result_fn on_result)
{
    detail::wait_group workers(ex_);
    std::exception_ptr first_error;
    pacing_.clear();
    for (std::size_t i = 0; i < options_.concurrency; ++i) pacing_.push_back(std::make_unique<asio::steady_timer>(ex_));
    for (std::size_t i = 0; i < options_.concurrency; ++i)
    {
        workers.add();
        asio::co_spawn(ex_, worker(i, source, on_result), [&](const std::exception_ptr& e) {
            // A throwing result handler (a full disk under the output) ends the scan.
            if (e && !first_error)
            {
                first_error = e;
                stop();
            }
            workers.done();
        });
    }
    co_await workers.wait();
    if (first_error) std::rethrow_exception(first_error);
    co_return summary_;
}

} // namespace epmdump::client
