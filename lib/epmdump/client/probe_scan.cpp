#include <epmdump/client/probe_scan.hpp>

#include <epmdump/client/client.hpp>
#include <epmdump/client/detail/name_lookup.hpp>
#include <epmdump/client/detail/wait_group.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace epmdump::client {

namespace asio = boost::asio;
using steady_clock = std::chrono::steady_clock;

struct probe_scanner::host_state
{
    explicit host_state(const asio::any_io_executor& ex) : probes(ex) {}
    std::string name;    // as the user gave it
    std::string address; // every port of the host is probed at this one
    std::optional<std::vector<epm::endpoint_entry>> registered; // --registered: the mapper's entries
    std::size_t in_flight = 0;
    detail::wait_group probes;
};

namespace {

struct resolved
{
    std::string address;
    std::optional<failure> error;
};

// The host's first address (a literal as it is), within the resolve timeout: one lookup per
// host, however many ports, so every port's report names the same address.
asio::awaitable<resolved> resolve_host(const std::string& host, timeouts::duration limit, const abort_group& group)
{
    boost::system::error_code ec;
    if (const auto literal = asio::ip::make_address(host, ec); !ec) co_return resolved{literal.to_string(), {}};
    const auto ex = co_await asio::this_coro::executor;
    const auto lookup = detail::name_lookup::start(ex, host, 135);
    const auto deadline = steady_clock::now() + limit;
    asio::steady_timer wait(ex);
    std::optional<detail::lookup_answer> answer;
    // Polled, 1 ms up to 32 ms apart (as connection.cpp does): a silent name server's lookup is
    // left to end on its own thread.
    for (auto pause = std::chrono::milliseconds(1); !(answer = lookup->answer()) && !group.aborted();
         pause = std::min(pause * 2, std::chrono::milliseconds(32)))
    {
        if (steady_clock::now() >= deadline)
            co_return resolved{{}, failure{client_errc::timeout, phase::resolve, {}, {}, "no answer to the name lookup"}};
        wait.expires_after(pause);
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!answer) co_return resolved{{}, failure{client_errc::cancelled, phase::resolve, {}, {}, {}}};
    if (answer->error || answer->endpoints.empty())
    {
        auto f = answer->error ? classify(answer->error, phase::resolve)
                               : failure{client_errc::resolve_failed, phase::resolve, {}, {}, "no address"};
        if (f.code == client_errc::io_error) f.code = client_errc::resolve_failed;
        co_return resolved{{}, f};
    }
    co_return resolved{answer->endpoints.front().address().to_string(), {}};
}

std::vector<epm::endpoint_entry> registered_on(const std::vector<epm::endpoint_entry>& entries, std::uint16_t port)
{
    std::vector<epm::endpoint_entry> out;
    for (const auto& e : entries)
        if (e.where.protseq == "ncacn_ip_tcp" && epm::port_of(e) == port) out.push_back(e);
    return out;
}

epm::probe_report host_failure(const std::string& name, const std::string& address, std::uint16_t port,
                               epm::enumeration_error error)
{
    epm::probe_report r;
    r.scope = epm::probe_scope::host;
    r.probe.target = name;
    r.probe.address = address;
    r.probe.port = port;
    r.probe.state = epm::port_state::error;
    r.probe.error = std::move(error);
    return r;
}

} // namespace

probe_scanner::probe_scanner(asio::any_io_executor ex, probe_scan_options options, port_prober prober)
    : ex_(std::move(ex)), options_(std::move(options)), prober_(std::move(prober)),
      group_(std::make_shared<abort_group>()), slot_(ex_, steady_clock::time_point::max())
{
    options_.concurrency = std::max<std::size_t>(1, options_.concurrency);
    options_.per_host = std::max<std::size_t>(1, options_.per_host);
}

void probe_scanner::stop()
{
    summary_.stopped = true;
    group_->abort_all(client_errc::cancelled);
    slot_.cancel();
}

void probe_scanner::report(epm::probe_report&& r, result_fn& on_result)
{
    if (on_result) on_result(std::move(r));
}

// A global and a per-host slot, then the rate's booked start. The slot timer never expires:
// every release cancels it, waking each waiter to look again (waiters never re-arm it, which
// would cancel the others' waits).
asio::awaitable<bool> probe_scanner::acquire(host_state& h)
{
    boost::system::error_code ec;
    while (!summary_.stopped && (in_flight_ >= options_.concurrency || h.in_flight >= options_.per_host))
        co_await slot_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (summary_.stopped) co_return false;
    ++in_flight_;
    ++h.in_flight;
    if (options_.rate > 0)
    {
        const auto interval = std::chrono::duration_cast<steady_clock::duration>(std::chrono::duration<double>(1.0 / options_.rate));
        const auto at = std::max(steady_clock::now(), next_start_);
        next_start_ = at + interval;
        // Slept in short steps, so stop() ends a wait booked far ahead at once.
        asio::steady_timer pacing(ex_);
        while (!summary_.stopped && steady_clock::now() < at)
        {
            pacing.expires_at(std::min(at, steady_clock::now() + std::chrono::milliseconds(50)));
            co_await pacing.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        if (summary_.stopped)
        {
            release(h);
            co_return false;
        }
    }
    co_return true;
}

void probe_scanner::release(host_state& h)
{
    --in_flight_;
    --h.in_flight;
    slot_.cancel();
}

asio::awaitable<void> probe_scanner::probe_one(std::shared_ptr<host_state> h, std::uint16_t port, bool registered_port,
                                               result_fn& on_result)
{
    const auto deadline = steady_clock::now() + options_.probe.base.timeouts.host;
    probe_options options = options_.probe;
    if (registered_port)
    {
        options.base.transport = transport::ncacn_ip_tcp;
        options.base.pipe.clear();
    }
    epm::probe_report r;
    r.probe = co_await prober_(h->name, h->address, port, std::move(options), deadline, group_);
    release(*h);
    if (r.probe.error && r.probe.error->kind == epm::failure_kind::cancelled)
        ++summary_.ports_cancelled; // still reported: the output accounts for every port started
    else
    {
        ++summary_.ports_finished;
        if (r.probe.state == epm::port_state::error) ++summary_.ports_error;
    }
    if (h->registered) r.registered = registered_on(*h->registered, port);
    report(std::move(r), on_result);
}

asio::awaitable<void> probe_scanner::host(probe_job job, result_fn& on_result)
{
    auto h = std::make_shared<host_state>(ex_);
    h->name = job.host.name();
    const auto found = co_await resolve_host(job.host.host, options_.probe.base.timeouts.resolve, *group_);
    if (found.error)
    {
        if (found.error->code != client_errc::cancelled) ++summary_.hosts_failed;
        report(host_failure(h->name, {}, 0, to_enumeration_error(*found.error)), on_result);
        co_return;
    }
    h->address = found.address;

    port_list registered_ports;
    if (job.registered)
    {
        if (!co_await acquire(*h)) co_return;
        target mapper{h->address, job.host.port, h->name};
        mapper.via = job.host.via;
        auto r = co_await async_enumerate(std::move(mapper), options_.probe.base, group_);
        release(*h);
        auto& e = r.enumeration;
        if (e.status != epm::enumeration_status::ok)
        {
            const bool cancelled = r.error && r.error->code == client_errc::cancelled;
            if (!cancelled) ++summary_.hosts_failed;
            report(host_failure(h->name, e.address.empty() ? h->address : e.address, e.port,
                                e.error.value_or(epm::enumeration_error{epm::failure_kind::incomplete, "the listing did not end"})),
                   on_result);
            if (cancelled) co_return;
        }
        for (const auto& entry : e.entries)
            if (const auto p = epm::port_of(entry); p && entry.where.protseq == "ncacn_ip_tcp" && *p != 0)
                registered_ports.add(port_range{*p, *p});
        h->registered = std::move(e.entries);
    }
    summary_.ports_known += registered_ports.size() + job.ports.size();

    auto start = [&](std::uint16_t port, bool registered_port) {
        ++summary_.ports_started;
        h->probes.add();
        asio::co_spawn(ex_, probe_one(h, port, registered_port, on_result), [this, h](const std::exception_ptr& e) {
            // A throwing result handler (a full disk under the output) ends the scan.
            if (e && !first_error_)
            {
                first_error_ = e;
                stop();
            }
            h->probes.done();
        });
    };
    bool going = true;
    for (std::uint64_t i = 0; going && i < registered_ports.size(); ++i)
        if ((going = co_await acquire(*h))) start(registered_ports.at(i), true);
    for (std::uint64_t i = 0; going && i < job.ports.size(); ++i)
    {
        const auto port = job.ports.at(i);
        if (registered_ports.contains(port))
        {
            --summary_.ports_known; // counted twice above
            continue;
        }
        if ((going = co_await acquire(*h))) start(port, false);
    }
    co_await h->probes.wait();
}

asio::awaitable<probe_scan_summary> probe_scanner::run(async_source_fn source, result_fn on_result)
{
    // Hosts in flight are bounded like probes: each holds at most a name lookup and its counters.
    detail::wait_group hosts(ex_);
    boost::system::error_code ec;
    while (!summary_.stopped)
    {
        while (!summary_.stopped && hosts_in_flight_ >= options_.concurrency)
            co_await slot_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (summary_.stopped) break;
        auto job = co_await source();
        if (!job || summary_.stopped) break;
        ++summary_.hosts_started;
        ++hosts_in_flight_;
        hosts.add();
        asio::co_spawn(ex_, host(std::move(*job), on_result), [&](const std::exception_ptr& e) {
            if (e && !first_error_)
            {
                first_error_ = e;
                stop();
            }
            --hosts_in_flight_;
            slot_.cancel();
            hosts.done();
        });
    }
    co_await hosts.wait();
    if (first_error_) std::rethrow_exception(first_error_);
    co_return summary_;
}

} // namespace epmdump::client
