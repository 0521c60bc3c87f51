// The server really checks our verifiers: through the client library, an ept_lookup whose first
// request's signature has one bit flipped (a security_context decorator around the real NTLM or
// Kerberos context) is refused by the Samba AD DC, while the same run untouched succeeds.
#include "auth_peer.hpp"
#include "live_auth_helpers.hpp"

#include <epmdump/auth/credentials.hpp>
#include <epmdump/client/client.hpp>

#include <doctest/doctest.h>

#include <cstdlib>

using namespace epmdump;

namespace {

client::client_options options(std::shared_ptr<const client::security_provider> p, epm::auth_level level)
{
    client::client_options o;
    o.timeouts.connect = std::chrono::seconds(5);
    o.timeouts.host = std::chrono::seconds(20);
    o.security = std::move(p);
    o.auth_level = level;
    return o;
}

std::shared_ptr<const client::security_provider> provider(const test::auth_peer& peer, epm::auth_type type)
{
    auth::credentials c;
    c.type = type;
    c.user = type == epm::auth_type::ntlm ? "EPMTEST\\" + peer.user : peer.user + "@" + peer.realm;
    c.password = auth::secret(peer.password);
    if (type != epm::auth_type::ntlm) c.spn = peer.spn; // no DNS: the DC's name comes with the SPN
    auto p = auth::make_security_provider(std::move(c));
    INFO((p ? std::string() : p.error().detail));
    REQUIRE(p.has_value());
    return *p;
}

void check_tampered_request_refused(epm::auth_type type, epm::auth_level level)
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set: the Samba peer was not started");
    REQUIRE_AUTH_PEER(peer);
    test::krb5_world world(peer.krb5_config);
    const auto real = provider(peer, type);
    const client::target t(*address);

    const auto untouched = client::enumerate(t, options(real, level));
    INFO("untouched: " << (untouched.enumeration.error ? untouched.enumeration.error->message : "ok"));
    REQUIRE(untouched.enumeration.status == epm::enumeration_status::ok);
    CHECK(untouched.enumeration.entries.size() >= 50);
    REQUIRE(untouched.enumeration.auth); // it did authenticate, at the level asked for
    CHECK(untouched.enumeration.auth->type == type);
    CHECK(untouched.enumeration.auth->level == level);

    auto tamper = std::make_shared<test::tampering_provider>(real);
    const auto r = client::enumerate(t, options(tamper, level));
    CHECK(tamper->contexts() == 1);
    CHECK(r.enumeration.entries.empty());
    CHECK(r.enumeration.status == epm::enumeration_status::error);
    REQUIRE(r.enumeration.error);
    MESSAGE("a flipped signature bit at " << epm::to_string(level) << " with " << epm::to_string(type) << ": "
                                          << epm::to_string(r.enumeration.error->kind) << ": "
                                          << r.enumeration.error->message);
    // The server's refusal: Samba answers the request it cannot verify with a fault,
    // nca_s_fault_sec_pkg_error (0x00000721), which the session names in the message.
    CHECK(r.enumeration.error->message.find("0x00000721") != std::string::npos);
}

} // namespace

TEST_CASE("the AD DC refuses an NTLM-signed ept_lookup whose signature has one bit flipped (integrity and privacy)")
{
    for (auto level : {epm::auth_level::integrity, epm::auth_level::privacy})
    {
        CAPTURE(epm::to_string(level));
        check_tampered_request_refused(epm::auth_type::ntlm, level);
    }
}

TEST_CASE("the AD DC refuses a Kerberos-sealed ept_lookup whose wrap token has one bit flipped")
{
    check_tampered_request_refused(epm::auth_type::kerberos, epm::auth_level::privacy);
}
