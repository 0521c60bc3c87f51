#include <epmdump/client/detail/wait_group.hpp>
#include <epmdump/client/scanner.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace epmdump::client {

// Spelled here, not in the headers: a user's `using namespace` must not meet them.
namespace asio = boost::asio;
using steady_clock = std::chrono::steady_clock;

scanner::scanner(asio::any_io_executor ex, scan_options options)
    : ex_(std::move(ex)), options_(std::move(options)), group_(std::make_shared<abort_group>()), slot_(ex_), pacing_(ex_)
{
    options_.concurrency = std::max<std::size_t>(1, options_.concurrency);
}

void scanner::stop()
{
    summary_.stopped = true;
    group_->abort_all(client_errc::cancelled);
    slot_.cancel();
    pacing_.cancel();
}

asio::awaitable<bool> scanner::wait_for_start()
{
    boost::system::error_code ec;
    while (in_flight() >= options_.concurrency && !summary_.stopped)
    {
        slot_.expires_at(steady_clock::time_point::max());
        co_await slot_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (options_.rate <= 0 || summary_.stopped) co_return !summary_.stopped;
    // Evenly spaced starts: the next one waits until its booked time.
    const auto interval = std::chrono::duration_cast<steady_clock::duration>(std::chrono::duration<double>(1.0 / options_.rate));
    const auto now = steady_clock::now();
    const auto at = std::max(now, next_start_);
    next_start_ = at + interval;
    if (at > now)
    {
        pacing_.expires_at(at);
        co_await pacing_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return !summary_.stopped;
}

asio::awaitable<void> scanner::host(target t, result_fn& on_result)
{
    auto r = co_await async_enumerate(std::move(t), options_.client, group_);
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

asio::awaitable<scan_summary> scanner::run(source_fn source, result_fn on_result)
{
    async_source_fn pull = [&source]() -> asio::awaitable<std::optional<target>> { co_return source(); };
    co_return co_await run(std::move(pull), std::move(on_result));
}

asio::awaitable<scan_summary> scanner::run(async_source_fn source, result_fn on_result)
{
    // One dispatcher pulls a target whenever a slot is free, so a source that waits (a slow
    // list) delays only new starts, never the hosts already in flight.
    detail::wait_group hosts(ex_);
    std::exception_ptr first_error;
    while (co_await wait_for_start())
    {
        auto t = co_await source();
        if (!t || summary_.stopped) break;
        ++summary_.started;
        hosts.add();
        asio::co_spawn(ex_, host(std::move(*t), on_result), [&](const std::exception_ptr& e) {
            // A throwing result handler (a full disk under the output) ends the scan.
            if (e && !first_error)
            {
                first_error = e;
                stop();
            }
            slot_.cancel();
            hosts.done();
        });
    }
    co_await hosts.wait();
    if (first_error) std::rethrow_exception(first_error);
    co_return summary_;
}

} // namespace epmdump::client
