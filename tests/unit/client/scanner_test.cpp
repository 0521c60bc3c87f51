// Many hosts on one io_context: bounded concurrency, lazy targets, streaming results,
// the rate limit, and stopping in the middle.
#include "client_test_util.hpp"

#include <epmdump/client/scanner.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace epmdump;
using namespace epmdump::client;
using epmdump::test::scripted_server;
using epmdump::test::server_script;

namespace {

std::vector<std::string> loopback_block(int third_octet, int count)
{
    std::vector<std::string> out;
    for (int i = 1; i <= count; ++i) out.push_back("127.0." + std::to_string(third_octet) + "." + std::to_string(i));
    return out;
}

struct run_result
{
    scan_summary summary;
    std::vector<host_result> results;
    std::size_t pulled = 0;
    std::size_t max_in_flight = 0;
    std::size_t pulled_at_first_result = 0;
    double seconds = 0;
};

run_result scan(const std::vector<std::string>& hosts, std::uint16_t port, scan_options o,
                std::function<void(scanner&, boost::asio::io_context&)> also = {})
{
    boost::asio::io_context io;
    scanner sc(io.get_executor(), o);
    run_result out;
    std::size_t next = 0;
    auto source = [&]() -> std::optional<target> {
        if (next >= hosts.size()) return std::nullopt;
        ++out.pulled;
        return target{hosts[next++], port, {}};
    };
    auto sink = [&](host_result&& r) {
        if (out.results.empty()) out.pulled_at_first_result = out.pulled;
        out.max_in_flight = std::max(out.max_in_flight, sc.in_flight() + 1);
        out.results.push_back(std::move(r));
    };
    const auto started = std::chrono::steady_clock::now();
    boost::asio::co_spawn(io, sc.run(source, sink), [&](std::exception_ptr e, scan_summary s) {
        if (e) std::rethrow_exception(e);
        out.summary = s;
    });
    if (also) also(sc, io);
    io.run();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

} // namespace

TEST_CASE("a scan of 40 loopback endpoint mappers reports every host once with bounded concurrency")
{
    server_script s;
    s.entries = test::sample_entries(20);
    const auto hosts = loopback_block(31, 40);
    scripted_server server(s, hosts);
    scan_options o;
    o.concurrency = 4;
    o.client = fast_options();
    auto r = scan(hosts, server.port(), o);
    CHECK(r.summary.finished == 40);
    CHECK(r.summary.answered == 40);
    CHECK(r.summary.failed == 0);
    REQUIRE(r.results.size() == 40);
    std::set<std::string> seen;
    for (const auto& h : r.results)
    {
        CHECK(h.enumeration.entries == s.entries);
        seen.insert(h.enumeration.target);
    }
    CHECK(seen.size() == 40);
    CHECK(r.max_in_flight <= 4);
    // Targets are pulled as slots free up: the first result arrives long before the last pull.
    CHECK(r.pulled_at_first_result <= 5);
}

TEST_CASE("failed hosts are results too: refused and answered hosts in one scan")
{
    server_script s;
    s.entries = test::sample_entries(2);
    scripted_server server(s, loopback_block(32, 3));
    auto hosts = loopback_block(32, 3);
    hosts.push_back("127.0.33.1"); // nothing listens there
    scan_options o;
    o.concurrency = 2;
    o.client = fast_options();
    auto r = scan(hosts, server.port(), o);
    CHECK(r.summary.answered == 3);
    CHECK(r.summary.failed == 1);
    const auto refused = std::count_if(r.results.begin(), r.results.end(), [](const host_result& h) {
        return h.error && h.error->code == client_errc::refused && h.enumeration.target == "127.0.33.1";
    });
    CHECK(refused == 1);
}

TEST_CASE("the rate limit spaces the starts of new hosts")
{
    server_script s;
    const auto hosts = loopback_block(34, 6);
    scripted_server server(s, hosts);
    scan_options o;
    o.concurrency = 6;
    o.rate = 20; // one start every 50 ms: the sixth at 250 ms
    o.client = fast_options();
    auto r = scan(hosts, server.port(), o);
    CHECK(r.summary.answered == 6);
    CHECK(r.seconds >= 0.24);
}

TEST_CASE("stop() ends a scan at once: hosts in flight are reported as cancelled")
{
    server_script s;
    s.silent = true;
    const auto hosts = loopback_block(35, 10);
    scripted_server server(s, hosts);
    scan_options o;
    o.concurrency = 3;
    o.client = fast_options();
    o.client.timeouts.bind = std::chrono::seconds(30);
    o.client.timeouts.host = std::chrono::seconds(30);
    auto r = scan(hosts, server.port(), o, [&](scanner& sc, boost::asio::io_context& io) {
        auto t = std::make_shared<boost::asio::steady_timer>(io, std::chrono::milliseconds(200));
        t->async_wait([t, &sc](auto) { sc.stop(); });
    });
    CHECK(r.summary.stopped);
    CHECK(r.summary.cancelled == 3);
    CHECK(r.summary.finished == 0);
    REQUIRE(r.results.size() == 3);
    for (const auto& h : r.results)
    {
        REQUIRE(h.error.has_value());
        CHECK(h.error->code == client_errc::cancelled);
        CHECK(h.enumeration.status != epm::enumeration_status::ok);
    }
    CHECK(r.pulled == 3);
    CHECK(r.seconds < 5);
}
