// Authenticated conversations over loopback: the Asio driver runs the security context's legs
// off the I/O thread, and the scripted server verifies (and unseals) every request with the
// test mechanism (support/test_mechanism.hpp), and signs (and seals) its answers. Lookup, map,
// verification pings and the management probe all authenticate when options.security is set.
#include "client_test_util.hpp"
#include "support/test_mechanism.hpp"

#include <epmdump/client/client.hpp>
#include <epmdump/client/probe.hpp>
#include <epmdump/epm/ept_interface.hpp>

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <optional>

using namespace epmdump;
using namespace epmdump::client;
using epmdump::test::scripted_server;
using epmdump::test::server_auth;
using epmdump::test::server_script;

namespace {

client_options auth_options(std::shared_ptr<test::test_provider> provider, epm::auth_level level)
{
    auto o = fast_options();
    o.security = std::move(provider);
    o.auth_level = level;
    return o;
}

std::shared_ptr<test::test_provider> provider(test::mech_settings m = {})
{
    return std::make_shared<test::test_provider>(std::move(m));
}

server_script authenticating(std::size_t entries = 120)
{
    server_script s;
    s.entries = test::sample_entries(entries); // several pages and fragments
    s.auth = server_auth{};
    s.auth->require = true;
    return s;
}

} // namespace

TEST_CASE("an authenticated enumeration over loopback gets every entry at connect, integrity and privacy")
{
    for (auto level : {epm::auth_level::connect, epm::auth_level::integrity, epm::auth_level::privacy})
    {
        CAPTURE(epm::to_string(level));
        scripted_server server(authenticating());
        auto p = provider();
        auto o = auth_options(p, level);
        o.limits.max_ents = 50;
        auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
        REQUIRE_MESSAGE(!r.error, describe(r));
        CHECK(r.enumeration.entries == test::sample_entries(120));
        REQUIRE(r.enumeration.auth);
        CHECK(r.enumeration.auth->type == epm::auth_type::kerberos);
        CHECK(r.enumeration.auth->level == level);
        CHECK(r.enumeration.auth->principal == "tester@EPMTEST.LAN");
        const auto log = server.log();
        CHECK(log.auth_binds == 1);
        CHECK(log.auth3s == 1);
        CHECK(log.auth_level == static_cast<std::uint8_t>(level));
        CHECK(log.header_sign_offered);
        if (level == epm::auth_level::connect)
            CHECK(log.verified_fragments == 0);
        else
            CHECK(log.verified_fragments == log.lookups + log.frees);
        CHECK(log.rejected_fragments == 0);
        CHECK(p->hosts() == std::vector<std::string>{"127.0.0.1"});
    }
}

TEST_CASE("an authenticated enumeration with an SPNEGO-like mechanism runs its alter_context leg over loopback")
{
    test::mech_settings m;
    m.type = epm::auth_type::negotiate;
    m.legs = test::mech_legs::alter;
    scripted_server server(authenticating(10));
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, auth_options(provider(m), epm::auth_level::privacy));
    REQUIRE_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries.size() == 10);
    CHECK(server.log().auth_alters == 1);
    CHECK(server.log().auth3s == 0);
    CHECK(server.log().verified_fragments >= 1);
}

TEST_CASE("responses fragmented to the client's max_recv_frag each verify, with the verifier inside the fragment size")
{
    auto s = authenticating(200);
    s.max_xmit_frag = 1432;
    scripted_server server(s);
    auto o = auth_options(provider(), epm::auth_level::privacy);
    o.max_recv_frag = 1432;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    REQUIRE_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries.size() == 200);
    CHECK(r.stats.response_fragments > 10);
}

TEST_CASE("an authenticated ept_map, verification pings and the management probe all bind with the context")
{
    auto s = authenticating(0);
    const epm::syntax_id lsarpc{*parse_uuid("12345778-1234-abcd-ef00-0123456789ab"), 0, 0};
    s.mgmt = test::mgmt_style::answers;
    s.mgmt_if_ids = {lsarpc};
    s.accepted = {lsarpc};
    scripted_server server(s);
    const auto port = std::to_string(server.port());
    s.entries = {test::make_entry("12345778-1234-abcd-ef00-0123456789ab", 0, 0, "ncacn_ip_tcp", "0.0.0.0", port, "lsarpc")};
    scripted_server mapper(s);
    auto p = provider();

    auto m = map(target{"127.0.0.1", mapper.port(), {}}, lsarpc, "ncacn_ip_tcp", auth_options(p, epm::auth_level::privacy));
    CHECK_MESSAGE(!m.error, (m.error ? m.error->message() : ""));
    CHECK(m.towers.size() == 1);
    CHECK(mapper.log().auth_binds == 1);

    auto o = auth_options(p, epm::auth_level::integrity);
    o.verify = true;
    auto r = enumerate(target{"127.0.0.1", mapper.port(), {}}, o);
    REQUIRE_MESSAGE(!r.error, describe(r));
    REQUIRE(r.enumeration.entries.size() == 1);
    CHECK(r.enumeration.entries[0].ping == epm::ping_status::pinged);
    CHECK(server.log().auth_binds == 1); // the ping's bind

    probe_options po;
    po.base = auth_options(p, epm::auth_level::privacy);
    po.identify = false;
    const auto probed = probe_port("localhost", "127.0.0.1", server.port(), po);
    CHECK(server.log().auth_binds == 2);
    CHECK(server.log().verified_fragments >= 1); // inq_if_ids, signed and sealed
    CHECK(std::any_of(probed.interfaces.begin(), probed.interfaces.end(),
                      [&](const epm::served_interface& i) { return i.interface == lsarpc; }));
    // The SPN host is the name the user gave: the mapper's target, and the probe's.
    const auto hosts = p->hosts();
    CHECK(std::count(hosts.begin(), hosts.end(), "localhost") == 1);
}

TEST_CASE("without credentials a server that refuses anonymous callers is access_denied: anonymous_refused")
{
    scripted_server server(authenticating(5));
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::access_denied);
    CHECK(r.error->auth == epm::auth_errc::anonymous_refused);
    CHECK(r.enumeration.error->kind == epm::failure_kind::access_denied);
    CHECK(r.enumeration.error->reason == epm::auth_errc::anonymous_refused);
    CHECK_FALSE(r.enumeration.auth);
}

TEST_CASE("a server refusing the credentials is auth_failed: credentials_refused, never an anonymous retry")
{
    auto s = authenticating(5);
    s.auth->refuse = true;
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, auth_options(provider(), epm::auth_level::privacy));
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::auth_failed);
    CHECK(r.error->auth == epm::auth_errc::credentials_refused);
    CHECK(r.enumeration.error->kind == epm::failure_kind::auth_failed);
    CHECK(server.log().connections == 1);
    CHECK(server.log().binds == 1);
}

TEST_CASE("a server that answers at a lower level, or with a bad signature, is bad_verifier over loopback")
{
    for (int variant = 0; variant < 2; ++variant)
    {
        auto s = authenticating(5);
        if (variant == 0) s.auth->answer_level = 5;
        else s.auth->corrupt_signature = true;
        scripted_server server(s);
        auto r = enumerate(target{"127.0.0.1", server.port(), {}}, auth_options(provider(), epm::auth_level::privacy));
        REQUIRE(r.error);
        CHECK(r.error->code == client_errc::auth_failed);
        CHECK(r.error->auth == epm::auth_errc::bad_verifier);
        CHECK(r.enumeration.entries.empty());
    }
}

TEST_CASE("a mechanism failing in its first leg fails the host with its reason, in phase auth, before connecting a bind")
{
    test::mech_settings m;
    m.fail_at_leg = 0;
    m.failure = {epm::auth_errc::kdc_unreachable, "Cannot contact any KDC for realm 'EPMTEST.LAN'"};
    scripted_server server(authenticating(5));
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, auth_options(provider(m), epm::auth_level::privacy));
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::auth_failed);
    CHECK(r.error->phase == phase::auth);
    CHECK(r.error->auth == epm::auth_errc::kdc_unreachable);
    CHECK(r.enumeration.error->reason == epm::auth_errc::kdc_unreachable);
    CHECK(server.log().binds == 0);
}

namespace {
// A mechanism whose first leg blocks until the test lets it go, as a KDC that never answers does.
class stuck_provider final : public security_provider
{
public:
    explicit stuck_provider(std::shared_future<void> gate) : gate_(std::move(gate)) {}
    epm::auth_type type() const noexcept override { return epm::auth_type::kerberos; }
    auth_result<std::unique_ptr<security_context>> new_context(std::string_view) const override
    {
        gate_.wait();
        return auth_failure{epm::auth_errc::kdc_unreachable, "too late"};
    }
    std::string principal() const override { return "stuck@EPMTEST.LAN"; }

private:
    std::shared_future<void> gate_;
};
} // namespace

TEST_CASE("a leg that outlasts the bind timeout is a timeout in phase auth, while the leg still waits off the I/O thread")
{
    scripted_server server(authenticating(5));
    std::promise<void> release;
    auto o = fast_options();
    o.security = std::make_shared<stuck_provider>(release.get_future().share());
    o.timeouts.bind = std::chrono::milliseconds(200);
    std::optional<host_result> result;
    {
        boost::asio::io_context io;
        async_enumerate(io.get_executor(), target{"127.0.0.1", server.port(), {}}, o,
                        [&](std::exception_ptr, host_result r) { result = std::move(r); });
        io.run(); // returns once the host is done: the stuck leg is no I/O work
        release.set_value(); // the pool joins when io goes
    }
    REQUIRE(result);
    REQUIRE(result->error);
    CHECK(result->error->code == client_errc::timeout);
    CHECK(result->error->phase == phase::auth);
    CHECK(server.log().binds == 0);
}
