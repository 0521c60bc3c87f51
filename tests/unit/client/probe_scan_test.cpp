// Scheduling host x port probes: the global and per-host bounds, lazy port lists, the rate,
// stopping, and --registered (the mapper's ncacn_ip_tcp ports first, with their entries).
// The prober here only records what it is asked and answers `closed` a tick later: these tests
// are about which probes start when, not about what a port serves (probe_test.cpp is).
#include "client_test_util.hpp"
#include "support/sample_entries.hpp"

#include <epmdump/client/probe_scan.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

using namespace epmdump;
using namespace epmdump::client;
namespace asio = boost::asio;

namespace {

struct observed
{
    std::vector<epm::probe_report> reports;
    std::size_t in_flight = 0, max_in_flight = 0;
    std::map<std::string, std::size_t> host_in_flight, host_max;
    std::vector<std::pair<std::string, std::uint16_t>> asked;
    std::map<std::uint16_t, transport> asked_over; // the transport each port was probed over
    probe_scan_summary summary;
    double seconds = 0;
};

port_list ports(std::string_view text)
{
    std::string error;
    return *port_list::parse(text, error);
}

// Records concurrency, then answers `closed` after `delay`.
port_prober recording_prober(observed& o, std::chrono::milliseconds delay)
{
    return [&o, delay](std::string target, std::string address, std::uint16_t port, probe_options options,
                       std::chrono::steady_clock::time_point, std::shared_ptr<abort_group>) -> asio::awaitable<epm::port_probe> {
        o.asked.emplace_back(address, port);
        o.asked_over[port] = options.base.transport;
        o.max_in_flight = std::max(o.max_in_flight, ++o.in_flight);
        o.host_max[address] = std::max(o.host_max[address], ++o.host_in_flight[address]);
        asio::steady_timer t(co_await asio::this_coro::executor, delay);
        co_await t.async_wait(asio::use_awaitable);
        --o.in_flight;
        --o.host_in_flight[address];
        epm::port_probe p;
        p.target = std::move(target);
        p.address = std::move(address);
        p.port = port;
        p.state = epm::port_state::closed;
        co_return p;
    };
}

observed run_scan(std::vector<probe_job> jobs, probe_scan_options o, std::chrono::milliseconds delay = {},
                  std::function<void(probe_scanner&, const epm::probe_report&)> also = {})
{
    observed out;
    asio::io_context io;
    probe_scanner sc(io.get_executor(), o, recording_prober(out, delay));
    std::size_t next = 0;
    auto source = [&]() -> asio::awaitable<std::optional<probe_job>> {
        if (next >= jobs.size()) co_return std::nullopt;
        co_return std::move(jobs[next++]);
    };
    const auto started = std::chrono::steady_clock::now();
    asio::co_spawn(io, sc.run(source, [&](epm::probe_report&& r) {
        out.reports.push_back(std::move(r));
        if (also) also(sc, out.reports.back());
    }), [&](std::exception_ptr e, probe_scan_summary s) {
        if (e) std::rethrow_exception(e);
        out.summary = s;
    });
    io.run();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

probe_scan_options bounds(std::size_t concurrency, std::size_t per_host)
{
    probe_scan_options o;
    o.concurrency = concurrency;
    o.per_host = per_host;
    o.probe.base = fast_options();
    return o;
}

} // namespace

TEST_CASE("every port of every host is probed once, never more at once than the concurrency allows")
{
    std::vector<probe_job> jobs;
    for (const char* h : {"127.0.0.1", "127.0.0.2", "127.0.0.3"}) jobs.push_back({target{h}, ports("1-10000"), false});
    const auto o = run_scan(jobs, bounds(32, 16));
    CHECK(o.reports.size() == 30000);
    CHECK(o.summary.ports_finished == 30000);
    CHECK(o.summary.ports_started == 30000);
    CHECK(o.summary.ports_known == 30000);
    CHECK(o.summary.hosts_started == 3);
    CHECK(o.max_in_flight == 32); // reached, never passed
    std::set<std::pair<std::string, std::uint16_t>> unique(o.asked.begin(), o.asked.end());
    CHECK(unique.size() == 30000);
    for (const auto& [host, n] : o.host_max) CHECK(n <= 16);
}

TEST_CASE("one host's probes stay within the per-host limit even when the global one allows more")
{
    const auto o = run_scan({{target{"127.0.0.1"}, ports("1000-1199"), false}}, bounds(64, 4));
    CHECK(o.reports.size() == 200);
    CHECK(o.host_max.at("127.0.0.1") == 4);
    CHECK(o.max_in_flight == 4);
}

TEST_CASE("ports are probed in ascending order, each report naming its target, address and port")
{
    const auto o = run_scan({{target{"127.0.0.1", 0, "loop"}, ports("445,135,80"), false}}, bounds(1, 1));
    REQUIRE(o.reports.size() == 3);
    CHECK(o.reports[0].probe.port == 80);
    CHECK(o.reports[1].probe.port == 135);
    CHECK(o.reports[2].probe.port == 445);
    CHECK(o.reports[0].probe.target == "loop");
    CHECK(o.reports[0].probe.address == "127.0.0.1");
    CHECK(o.reports[0].scope == epm::probe_scope::port);
    CHECK_FALSE(o.reports[0].registered);
}

TEST_CASE("the rate spaces probe starts evenly")
{
    auto opts = bounds(64, 64);
    opts.rate = 100; // 20 starts: at least 190 ms apart from first to last
    const auto o = run_scan({{target{"127.0.0.1"}, ports("1-20"), false}}, opts);
    CHECK(o.reports.size() == 20);
    CHECK(o.seconds >= 0.18);
}

TEST_CASE("stop() starts no more probes, and the ones in flight are still reported")
{
    const auto o = run_scan({{target{"127.0.0.1"}, ports("1-65535"), false}}, bounds(8, 8), std::chrono::milliseconds(1),
                            [](probe_scanner& sc, const epm::probe_report&) {
                                if (sc.summary().ports_finished == 20) sc.stop();
                            });
    CHECK(o.summary.stopped);
    CHECK(o.summary.ports_started < 40);
    CHECK(o.reports.size() == o.summary.ports_started);
}

TEST_CASE("--registered probes the mapper's ncacn_ip_tcp ports first, each with the entries registered there")
{
    test::server_script script;
    script.entries = {test::make_entry("12345778-1234-abcd-ef00-0123456789ab", 0, 0, "ncacn_ip_tcp", "0.0.0.0", "49153", "lsa"),
                      test::make_entry("367abb81-9844-35f1-ad32-98f038001003", 2, 0, "ncacn_ip_tcp", "0.0.0.0", "49152", "svcctl"),
                      test::make_entry("12345778-1234-abcd-ef00-0123456789ac", 1, 0, "ncacn_ip_tcp", "0.0.0.0", "49153", "samr"),
                      test::make_entry("12345778-1234-abcd-ef00-0123456789ab", 0, 0, "ncacn_np", "\\\\DC", "\\PIPE\\lsass")};
    test::scripted_server server(script);
    const auto o = run_scan({{target{"127.0.0.1", server.port()}, ports("135,49153"), true}}, bounds(4, 1));
    REQUIRE(o.reports.size() == 3);
    CHECK(o.reports[0].probe.port == 49152);
    CHECK(o.reports[1].probe.port == 49153);
    CHECK(o.reports[2].probe.port == 135); // given too; 49153 only once
    REQUIRE(o.reports[0].registered);
    CHECK(o.reports[0].registered->size() == 1);
    REQUIRE(o.reports[1].registered);
    CHECK(o.reports[1].registered->size() == 2);
    REQUIRE(o.reports[2].registered);
    CHECK(o.reports[2].registered->empty());
    CHECK(o.summary.ports_known == 3);
    CHECK(o.summary.hosts_failed == 0);
}

TEST_CASE("--registered asks the mapper over the run's transport but probes its ncacn_ip_tcp ports over plain TCP")
{
    // `probe --registered --transport http` (or smb): the registered ports are TCP endpoints, with
    // no ncacn_http banner and no SMB in front; a port the user gave keeps the run's transport.
    test::server_script script;
    script.http_banner = true;
    script.entries = {test::make_entry("12345778-1234-abcd-ef00-0123456789ab", 0, 0, "ncacn_ip_tcp", "0.0.0.0", "49153", "lsa")};
    test::scripted_server server(script);
    auto options = bounds(4, 1);
    options.probe.base.transport = transport::ncacn_http;
    const auto o = run_scan({{target{"127.0.0.1", server.port()}, ports("593"), true}}, options);
    REQUIRE(o.reports.size() == 2);
    CHECK(o.summary.hosts_failed == 0);
    CHECK(o.asked_over.at(49153) == transport::ncacn_ip_tcp);
    CHECK(o.asked_over.at(593) == transport::ncacn_http);
}

TEST_CASE("--registered against a mapper that cannot be reached reports the host as failed and probes nothing")
{
    const auto port = test::closed_port();
    const auto o = run_scan({{target{"127.0.0.1", port}, {}, true}}, bounds(4, 1));
    REQUIRE(o.reports.size() == 1);
    const auto& r = o.reports[0];
    CHECK(r.scope == epm::probe_scope::host);
    CHECK(r.probe.state == epm::port_state::error);
    CHECK(r.probe.port == port);
    REQUIRE(r.probe.error);
    CHECK(r.probe.error->kind == epm::failure_kind::refused);
    CHECK(o.summary.hosts_failed == 1);
    CHECK(o.asked.empty());
}
