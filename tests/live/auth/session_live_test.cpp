// ept_lookup with Kerberos against the Samba AD DC (realm EPMTEST.LAN, tests/live/auth/
// auth-peer.sh's user and krb5.conf): the session's legs, header signing, padding and per-PDU
// protection as a real server checks them, at connect, integrity and privacy, for Kerberos and
// SPNEGO; the endpoint set equals the anonymous one; a request whose signature we break is
// refused by the server.
#include "auth_peer.hpp"

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

std::vector<std::string> keys(const std::vector<epm::endpoint_entry>& entries)
{
    std::vector<std::string> out;
    for (const auto& e : entries)
        out.push_back(to_string(e.interface.id) + " v" + std::to_string(e.interface.major) + "." +
                      std::to_string(e.interface.minor) + " " + to_string(e.where) + " " + e.annotation);
    std::sort(out.begin(), out.end());
    return out;
}

std::string describe(const host_result& r) { return r.error ? r.error->message() : std::string("ok"); }

// Breaks the signature of every request after protecting it: the server must refuse.
class corrupting_context final : public security_context
{
public:
    explicit corrupting_context(std::unique_ptr<security_context> real) : real_(std::move(real)) {}
    epm::auth_type type() const noexcept override { return real_->type(); }
    auth_result<leg> step(std::span<const std::byte> t) override { return real_->step(t); }
    std::size_t signature_length() const noexcept override { return real_->signature_length(); }
    std::size_t verifier_length(bool seal) const noexcept override { return real_->verifier_length(seal); }
    auth_result<void> protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                              std::span<const std::byte> trailer, std::span<std::byte> signature) override
    {
        auto r = real_->protect(seal, header, body, trailer, signature);
        if (r && !signature.empty()) signature.back() ^= std::byte{0x01};
        return r;
    }
    auth_result<void> unprotect(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                                std::span<const std::byte> trailer, std::span<const std::byte> signature) override
    {
        return real_->unprotect(sealed, header, body, trailer, signature);
    }
    std::string principal() const override { return real_->principal(); }

private:
    std::unique_ptr<security_context> real_;
};

class corrupting_provider final : public security_provider
{
public:
    explicit corrupting_provider(std::shared_ptr<const security_provider> real) : real_(std::move(real)) {}
    epm::auth_type type() const noexcept override { return real_->type(); }
    auth_result<std::unique_ptr<security_context>> new_context(std::string_view host) const override
    {
        auto c = real_->new_context(host);
        if (!c) return c.error();
        return std::unique_ptr<security_context>(std::make_unique<corrupting_context>(std::move(*c)));
    }
    std::string principal() const override { return real_->principal(); }

private:
    std::shared_ptr<const security_provider> real_;
};

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
            CHECK(keys(r.enumeration.entries) == keys(anonymous.enumeration.entries));
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
        o.security = std::make_shared<corrupting_provider>(provider(peer, epm::auth_type::kerberos));
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
