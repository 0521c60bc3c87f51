// NTLM (auth type 10) against the Samba AD DC: ept_lookup at connect, integrity and privacy lists
// what the anonymous lookup lists (at connect without asking NTLM to sign or seal: impacket's
// rpcmap.py, which asks, is refused); a wrong password and a broken signature are refused by the
// server, each as a typed auth failure. Users: tests/live/auth/auth-peer.sh.
#include <epmdump/auth/ntlm_provider.hpp>
#include <epmdump/auth/ntlmv2.hpp>
#include <epmdump/client/client.hpp>

#include "auth_peer.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
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

std::vector<std::string> listing(const host_result& r)
{
    std::vector<std::string> out;
    for (const auto& e : r.enumeration.entries)
        out.push_back(to_string(e.interface.id) + " v" + std::to_string(e.interface.major) + " " + to_string(e.where));
    std::sort(out.begin(), out.end());
    return out;
}

// A provider whose contexts flip one bit of every signature they write: the server must notice.
class corrupting_context final : public security_context
{
public:
    explicit corrupting_context(std::unique_ptr<security_context> inner) : inner_(std::move(inner)) {}
    epm::auth_type type() const noexcept override { return inner_->type(); }
    auth_result<leg> step(std::span<const std::byte> token) override { return inner_->step(token); }
    std::size_t signature_length() const noexcept override { return inner_->signature_length(); }
    auth_result<void> protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                              std::span<const std::byte> trailer, std::span<std::byte> signature) override
    {
        auto r = inner_->protect(seal, header, body, trailer, signature);
        if (r && signature.size() > 8) signature[8] ^= std::byte{0x01}; // a checksum byte
        return r;
    }
    auth_result<void> unprotect(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                                std::span<const std::byte> trailer, std::span<const std::byte> signature) override
    {
        return inner_->unprotect(sealed, header, body, trailer, signature);
    }
    std::string principal() const override { return inner_->principal(); }

private:
    std::unique_ptr<security_context> inner_;
};

class corrupting_provider final : public security_provider
{
public:
    explicit corrupting_provider(std::shared_ptr<const security_provider> inner) : inner_(std::move(inner)) {}
    epm::auth_type type() const noexcept override { return inner_->type(); }
    auth_result<std::unique_ptr<security_context>> new_context(std::string_view host) const override
    {
        auto c = inner_->new_context(host);
        if (!c) return c.error();
        return std::unique_ptr<security_context>(std::make_unique<corrupting_context>(std::move(*c)));
    }
    std::string principal() const override { return inner_->principal(); }

private:
    std::shared_ptr<const security_provider> inner_;
};

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
        CHECK(listing(r) == listing(anonymous));
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
    const char* rpcmap = "/usr/share/doc/python3-impacket/examples/rpcmap.py";
    std::FILE* f = std::fopen(rpcmap, "r");
    if (!f) EPMDUMP_SKIP(std::string("impacket's rpcmap.py is not installed: ") + rpcmap);
    std::fclose(f);
    const std::string command = "timeout 20 /usr/bin/python3 " + std::string(rpcmap) + " -auth-rpc '" + peer.domain + "/" +
                                peer.user + ":" + peer.password + "' -auth-level 2 'ncacn_ip_tcp:" + peer.address +
                                "[135]' 2>&1";
    std::string out;
    if (std::FILE* p = popen(command.c_str(), "r"))
    {
        char buf[4096];
        while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
        pclose(p);
    }
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
        o.security = std::make_shared<corrupting_provider>(provider(peer, peer.password));
        o.auth_level = level;
        const auto r = enumerate(target{peer.address, 0, {}}, o);
        REQUIRE(r.error.has_value());
        CHECK(r.enumeration.entries.empty());
        MESSAGE(r.error->message());
    }
}
