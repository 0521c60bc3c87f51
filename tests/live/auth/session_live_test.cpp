// ept_lookup with Kerberos against the Samba AD DC (realm EPMTEST.LAN, tests/live/auth/
// auth-peer.sh's user and krb5.conf): the session's legs, header signing, padding and per-PDU
// protection as a real server checks them, at connect, integrity and privacy, for Kerberos and
// SPNEGO; the endpoint set equals the anonymous one; a request whose signature we break is
// refused by the server.
#include "auth_peer.hpp"
#include "live_auth_helpers.hpp"

#include <epmdump/auth/credentials.hpp>
#include <epmdump/client/client.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

using namespace epmdump;
using namespace epmdump::client;

namespace {

std::string dc_address()
{
    auto a = test::env("EPMDUMP_SAMBA_ADDRESS");
    return a ? *a : std::string();
}

client_options live_options()
{
    client_options o;
    o.timeouts.connect = std::chrono::seconds(5);
    o.timeouts.bind = std::chrono::seconds(5);
    o.timeouts.host = std::chrono::seconds(30);
    return o;
}

std::shared_ptr<const security_provider> provider(const test::auth_peer& peer, epm::auth_type type)
{
    auth::credentials c;
    c.type = type;
    c.user = peer.user;
    c.password = auth::secret(peer.password);
    c.spn = peer.spn; // the DC is reached by address: its SPN is given, as --spn does
    auto p = auth::make_security_provider(std::move(c));
    REQUIRE_MESSAGE(p.has_value(), (p ? std::string() : p.error().detail));
    return *p;
}

std::string describe(const host_result& r) { return r.error ? r.error->message() : std::string("ok"); }

} // namespace

TEST_CASE("live: ept_lookup with Kerberos and SPNEGO at connect, integrity and privacy gives the anonymous endpoint set")
{
    REQUIRE_AUTH_PEER(peer);
    const auto address = dc_address();
    if (address.empty()) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set: the Samba AD DC peer is not running");
    test::krb5_world world(peer.krb5_config);
    const auto anonymous = enumerate(target{address, 135, {}}, live_options());
    REQUIRE_MESSAGE(!anonymous.error, describe(anonymous));
    REQUIRE(anonymous.enumeration.entries.size() > 10);
    for (auto type : {epm::auth_type::kerberos, epm::auth_type::negotiate})
    {
        const auto p = provider(peer, type);
        for (auto level : {epm::auth_level::connect, epm::auth_level::integrity, epm::auth_level::privacy})
        {
            CAPTURE(epm::to_string(type));
            CAPTURE(epm::to_string(level));
            auto o = live_options();
            o.security = p;
            o.auth_level = level;
            o.limits.max_ents = 10; // several protected calls and responses, each verified
            const auto r = enumerate(target{address, 135, {}}, o);
            CHECK_MESSAGE(!r.error, describe(r));
            if (r.error) continue;
            CHECK(test::endpoint_set(r.enumeration) == test::endpoint_set(anonymous.enumeration));
            REQUIRE(r.enumeration.auth);
            CHECK(r.enumeration.auth->type == type);
            CHECK(r.enumeration.auth->level == level);
            CHECK(r.enumeration.auth->principal.find(peer.user) != std::string::npos);
            CHECK(r.stats.calls >= 6); // paging at 10 entries a call
        }
    }
}

TEST_CASE("live: the AD DC refuses a request whose Kerberos signature we broke, and we say the server refused us")
{
    REQUIRE_AUTH_PEER(peer);
    const auto address = dc_address();
    if (address.empty()) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set: the Samba AD DC peer is not running");
    test::krb5_world world(peer.krb5_config);
    for (auto level : {epm::auth_level::integrity, epm::auth_level::privacy})
    {
        CAPTURE(epm::to_string(level));
        auto o = live_options();
        o.security = std::make_shared<test::tampering_provider>(provider(peer, epm::auth_type::kerberos));
        o.auth_level = level;
        const auto r = enumerate(target{address, 135, {}}, o);
        REQUIRE(r.error);
        INFO(describe(r));
        CHECK(r.enumeration.entries.empty());
        // Samba faults the PDU with RPC_S_SEC_PKG_ERROR and ends the connection.
        CHECK(r.error->code == client_errc::auth_failed);
        CHECK(r.error->status == 0x721u);
        CHECK(r.error->auth == epm::auth_errc::credentials_refused);
    }
}
