// The asynchronous API with each kind of completion token an embedder uses: a future, a plain
// callback, a deferred operation, a coroutine; and the scanner's token form.
#include "client_test_util.hpp"

#include <epmdump/client/client.hpp>
#include <epmdump/client/scanner.hpp>
#include <epmdump/epm/ept_status.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/version.hpp>
#if BOOST_VERSION >= 108000
#include <boost/asio/deferred.hpp>
#endif

#include <doctest/doctest.h>

#include <future>
#include <optional>
#include <thread>

namespace asio = boost::asio;
using epmdump::test::scripted_server;
using epmdump::test::server_script;

namespace {

server_script five_entries()
{
    server_script s;
    s.entries = epmdump::test::sample_entries(5);
    return s;
}

} // namespace

TEST_CASE("async_enumerate with use_future on an executor gives a future of the host result")
{
    const auto s = five_entries();
    scripted_server server(s);
    asio::io_context io;
    auto f = epmdump::client::async_enumerate(io.get_executor(), epmdump::client::target("127.0.0.1", server.port()),
                                              fast_options(), asio::use_future);
    std::thread runner([&] { io.run(); });
    const auto r = f.get();
    runner.join();
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries == s.entries);
    CHECK(r.enumeration.status == epmdump::epm::enumeration_status::ok);
}

TEST_CASE("async_enumerate with a plain callback calls it once, on the operation's executor, never inside the call")
{
    const auto s = five_entries();
    scripted_server server(s);
    asio::io_context io;
    int calls = 0;
    bool on_executor = false;
    std::optional<epmdump::client::host_result> got;
    epmdump::client::async_enumerate(io.get_executor(), epmdump::client::target("127.0.0.1", server.port()),
                                     fast_options(),
                                     [&](std::exception_ptr e, epmdump::client::host_result r) {
                                         ++calls;
                                         on_executor = io.get_executor().running_in_this_thread();
                                         CHECK(!e);
                                         got = std::move(r);
                                     });
    CHECK(calls == 0);
    io.run();
    CHECK(calls == 1);
    CHECK(on_executor);
    REQUIRE(got);
    CHECK(got->enumeration.entries == s.entries);
}

TEST_CASE("a callback bound to a strand needs no executor argument and runs on that strand")
{
    const auto s = five_entries();
    scripted_server server(s);
    asio::io_context io;
    auto strand = asio::make_strand(io);
    bool on_strand = false;
    std::size_t entries = 0;
    epmdump::client::async_enumerate(epmdump::client::target("127.0.0.1", server.port()), fast_options(),
                                     asio::bind_executor(strand, [&](std::exception_ptr, epmdump::client::host_result r) {
                                         on_strand = strand.running_in_this_thread();
                                         entries = r.enumeration.entries.size();
                                     }));
    io.run();
    CHECK(on_strand);
    CHECK(entries == s.entries.size());
}

TEST_CASE("coroutines co_await async_enumerate without a token, with use_awaitable, and with an abort group")
{
    const auto s = five_entries();
    scripted_server server(s);
    asio::io_context io;
    std::size_t plain = 0, with_token = 0, with_group = 0;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            const epmdump::client::target t("127.0.0.1", server.port());
            plain = (co_await epmdump::client::async_enumerate(t, fast_options())).enumeration.entries.size();
            with_token = (co_await epmdump::client::async_enumerate(t, fast_options(), asio::use_awaitable))
                             .enumeration.entries.size();
            auto group = std::make_shared<epmdump::client::abort_group>();
            with_group = (co_await epmdump::client::async_enumerate(t, fast_options(), group, asio::use_awaitable))
                             .enumeration.entries.size();
        },
        asio::detached);
    io.run();
    CHECK(plain == s.entries.size());
    CHECK(with_token == s.entries.size());
    CHECK(with_group == s.entries.size());
}

TEST_CASE("an aborted group ends an operation started with a callback as cancelled")
{
    const auto s = five_entries();
    scripted_server server(s);
    asio::io_context io;
    auto group = std::make_shared<epmdump::client::abort_group>();
    group->abort_all();
    std::optional<epmdump::client::host_result> got;
    epmdump::client::async_enumerate(io.get_executor(), epmdump::client::target("127.0.0.1", server.port()),
                                     fast_options(), group,
                                     [&](std::exception_ptr, epmdump::client::host_result r) { got = std::move(r); });
    io.run();
    REQUIRE(got);
    REQUIRE(got->error);
    CHECK(got->error->code == epmdump::client::client_errc::cancelled);
    CHECK(server.log().connections == 0);
}

#if BOOST_VERSION >= 108000
TEST_CASE("a deferred async_enumerate connects nowhere until it is launched")
{
    const auto s = five_entries();
    scripted_server server(s);
    asio::io_context io;
    auto op = epmdump::client::async_enumerate(io.get_executor(), epmdump::client::target("127.0.0.1", server.port()),
                                               fast_options(), asio::deferred);
    io.run();
    io.restart();
    CHECK(server.log().connections == 0);
    std::size_t entries = 0;
    std::move(op)([&](std::exception_ptr, epmdump::client::host_result r) { entries = r.enumeration.entries.size(); });
    io.run();
    CHECK(entries == s.entries.size());
    CHECK(server.log().connections == 1);
}
#endif

TEST_CASE("async_map with use_future returns the towers of a registered interface")
{
    server_script s;
    s.entries = {epmdump::test::make_entry("12345778-1234-abcd-ef00-0123456789ab", 0, 0, "ncacn_ip_tcp", "0.0.0.0",
                                           "49153", "lsarpc")};
    scripted_server server(s);
    asio::io_context io;
    auto f = epmdump::client::async_map(io.get_executor(), epmdump::client::target("127.0.0.1", server.port()),
                                        s.entries.front().interface, "ncacn_ip_tcp", fast_options(), asio::use_future);
    io.run();
    const auto r = f.get();
    CHECK_MESSAGE(!r.error, (r.error ? r.error->message() : std::string()));
    REQUIRE(r.registered());
    CHECK(r.towers.front().where.endpoint == "49153");
}

TEST_CASE("scanner::async_run with use_future reports every host and the summary")
{
    const auto s = five_entries();
    scripted_server server(s);
    asio::io_context io;
    epmdump::client::scan_options o;
    o.client = fast_options();
    epmdump::client::scanner sc(io.get_executor(), o);
    int left = 3;
    std::size_t results = 0;
    auto f = sc.async_run(
        [&]() -> std::optional<epmdump::client::target> {
            if (left == 0) return std::nullopt;
            --left;
            return epmdump::client::target("127.0.0.1", server.port());
        },
        [&](epmdump::client::host_result&& r) { results += r.enumeration.entries.size() == s.entries.size() ? 1 : 0; },
        asio::use_future);
    io.run();
    const auto summary = f.get();
    CHECK(summary.started == 3);
    CHECK(summary.answered == 3);
    CHECK(results == 3);
}

// The README's one-liner: a string literal is a target and {} the default options. Compiled, never run:
// a test touches no address but loopback.
static_assert(requires { epmdump::client::enumerate("10.0.0.5", {}); });
static_assert(requires { epmdump::client::map("10.0.0.5", epmdump::epm::syntax_id{}, "ncacn_ip_tcp", {}); });

TEST_CASE("use_future without an executor is refused from the call, before any connection")
{
    const auto s = five_entries();
    scripted_server server(s);
    CHECK_THROWS_AS(epmdump::client::async_enumerate(epmdump::client::target("127.0.0.1", server.port()),
                                                     fast_options(), asio::use_future),
                    std::invalid_argument);
    CHECK(server.log().connections == 0);
}
