// NTLM (auth type 10) against the Samba AD DC: ept_lookup at connect, integrity and privacy lists
// what the anonymous lookup lists (at connect without asking NTLM to sign or seal: impacket's
// rpcmap.py, which asks, is refused); a wrong password and a broken signature are refused by the
// server, each as a typed auth failure. Users: tests/live/auth/auth-peer.sh.
#include <epmdump/auth/ntlm_provider.hpp>
#include <epmdump/auth/ntlmv2.hpp>
#include <epmdump/client/client.hpp>

#include "auth_peer.hpp"
#include "live_auth_helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace epmdump;
using namespace epmdump::client;

namespace {

using epmdump::test::env;

struct ntlm_peer
{
    std::string address, domain, user, password;
};

std::optional<ntlm_peer> find_ntlm_peer()
{
    auto address = env("EPMDUMP_SAMBA_ADDRESS");
    auto domain = env("EPMDUMP_AUTH_DOMAIN");
    auto user = env("EPMDUMP_AUTH_USER");
    auto password = env("EPMDUMP_AUTH_PASSWORD");
    if (!address || !domain || !user || !password) return std::nullopt;
    return ntlm_peer{*address, *domain, *user, *password};
}

#define REQUIRE_NTLM_PEER(var)                                                                                      \
    const auto var##_found = find_ntlm_peer();                                                                      \
    if (!var##_found)                                                                                               \
        EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS / EPMDUMP_AUTH_DOMAIN, _USER, _PASSWORD are not set: no AD DC peer "    \
                     "with test users (scripts/start-peers.sh, tests/live/auth/auth-peer.sh)");                    \
    const ntlm_peer& var = *var##_found

client_options live_options()
{
    client_options o;
    o.timeouts.connect = std::chrono::seconds(5);
    o.timeouts.host = std::chrono::seconds(30);
    return o;
}

std::shared_ptr<const security_provider> provider(const ntlm_peer& p, std::string_view password)
{
    auth::credentials c;
    c.type = epm::auth_type::ntlm;
    c.user = p.domain + "\\" + p.user;
    c.password = auth::secret(password);
    auto r = auth::make_ntlm_provider(c);
    REQUIRE(r.has_value());
    return *r;
}

} // namespace

TEST_CASE("ept_lookup with NTLM at connect, integrity and privacy lists what the anonymous lookup lists")
{
    REQUIRE_NTLM_PEER(peer);
    const auto anonymous = enumerate(target{peer.address, 0, {}}, live_options());
    REQUIRE_MESSAGE(!anonymous.error, anonymous.error->message());
    REQUIRE_FALSE(anonymous.enumeration.entries.empty());
    const auto shared = provider(peer, peer.password); // one identity for every host and level
    for (auto level : {epm::auth_level::connect, epm::auth_level::integrity, epm::auth_level::privacy})
    {
        CAPTURE(epm::to_string(level));
        auto o = live_options();
        o.security = shared;
        o.auth_level = level;
        const auto r = enumerate(target{peer.address, 0, {}}, o);
        REQUIRE_MESSAGE(!r.error, r.error->message());
        CHECK(test::endpoint_set(r.enumeration) == test::endpoint_set(anonymous.enumeration));
        REQUIRE(r.enumeration.auth.has_value());
        CHECK(r.enumeration.auth->type == epm::auth_type::ntlm);
        CHECK(r.enumeration.auth->level == level);
        CHECK(r.enumeration.auth->principal == peer.domain + "\\" + peer.user);
    }
}

TEST_CASE("impacket's rpcmap.py -auth-level 2 asks NTLM to sign and seal at connect level and the AD DC faults its first call")
{
    // Why epmdump asks for neither at connect: the same server, the same user, impacket's NTLM.
    REQUIRE_NTLM_PEER(peer);
    if (!std::filesystem::exists(test::rpcmap_script))
        EPMDUMP_SKIP(std::string("impacket's rpcmap.py is not installed: ") + test::rpcmap_script);
    const auto r = test::run_rpcmap(peer.address, peer.domain, peer.user, peer.password, 2);
    const std::string out = r.out + r.err;
    CHECK_MESSAGE(out.find("fault status code: 00000001") != std::string::npos, out);
}

TEST_CASE("an NT hash in place of the password authenticates at privacy")
{
    REQUIRE_NTLM_PEER(peer);
    auth::credentials c;
    c.type = epm::auth_type::ntlm;
    c.user = peer.user;
    c.domain = peer.domain;
    // The hash as --nt-hash gives it: MD4 of the UTF-16LE password, computed by OpenSSL here.
    std::string error;
    const auto primitives = auth::ntlm::crypto::make(error);
    REQUIRE_MESSAGE(primitives, error);
    c.nt_hash = auth::ntlm::nt_hash_of_password(*primitives, peer.password);
    auto p = auth::make_ntlm_provider(c);
    REQUIRE(p.has_value());
    auto o = live_options();
    o.security = *p;
    o.auth_level = epm::auth_level::privacy;
    const auto r = enumerate(target{peer.address, 0, {}}, o);
    REQUIRE_MESSAGE(!r.error, r.error->message());
    CHECK_FALSE(r.enumeration.entries.empty());
}

TEST_CASE("a wrong NTLM password is the server's refusal, typed auth_failed with the reason credentials_refused")
{
    REQUIRE_NTLM_PEER(peer);
    auto o = live_options();
    o.security = provider(peer, peer.password + "-wrong");
    o.auth_level = epm::auth_level::privacy;
    const auto r = enumerate(target{peer.address, 0, {}}, o);
    REQUIRE(r.error.has_value());
    CHECK(r.error->code == client_errc::auth_failed);
    CHECK(r.error->auth == epm::auth_errc::credentials_refused);
    CHECK(r.enumeration.entries.empty());
    REQUIRE(r.enumeration.error.has_value());
    CHECK(r.enumeration.error->kind == epm::failure_kind::auth_failed);
}

TEST_CASE("a request whose NTLM signature is broken is refused by the server, at integrity and at privacy")
{
    REQUIRE_NTLM_PEER(peer);
    for (auto level : {epm::auth_level::integrity, epm::auth_level::privacy})
    {
        CAPTURE(epm::to_string(level));
        auto o = live_options();
        o.security = std::make_shared<test::tampering_provider>(provider(peer, peer.password));
        o.auth_level = level;
        const auto r = enumerate(target{peer.address, 0, {}}, o);
        REQUIRE(r.error.has_value());
        CHECK(r.enumeration.entries.empty());
        MESSAGE(r.error->message());
    }
}
