// epmdump_auth against the Samba AD DC's real KDC (realm EPMTEST.LAN): credentials acquired once,
// the first leg of Kerberos and SPNEGO contexts, and each failure an admin can act on, typed.
// The contexts are then accepted with real GSS-API and the DC's own keys (its keytab), so the
// three DCE-style legs and the per-PDU protection are checked before a session carries them.
// Needs tests/live/auth/auth-peer.sh's exports (scripts/start-peers.sh): without them every case
// reports itself skipped (a failure under EPMDUMP_REQUIRE_LIVE).
#include "auth_peer.hpp"

#include <epmdump/auth/credentials.hpp>

#include <doctest/doctest.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace epmdump;
using namespace epmdump::test;
using epm::auth_errc;

namespace {

auth::credentials password_credentials(epm::auth_type type, std::string user,
                                       std::string_view password)
{
    auth::credentials c;
    c.type = type;
    c.user = std::move(user);
    c.password = auth::secret(password);
    return c;
}

std::string run(const std::string& command)
{
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buf;
    while (auto n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
    pclose(pipe);
    return out;
}

// kinit (MIT's own tool) into the test's cache, the password on stdin.
void kinit(const auth_peer& p, const krb5_world& w)
{
    const auto out = run("printf '%s\\n' \"$EPMDUMP_AUTH_PASSWORD\" | kinit -c 'FILE:" + w.cache() + "' '" + p.user +
                         "' >/dev/null 2>&1 && echo kinit-ok");
    REQUIRE_MESSAGE(out == "kinit-ok\n", "kinit failed for " << p.user);
}

bool contains(std::span<const std::byte> haystack, std::initializer_list<unsigned> needle)
{
    std::vector<std::byte> n;
    for (auto b : needle) n.push_back(static_cast<std::byte>(b));
    return std::search(haystack.begin(), haystack.end(), n.begin(), n.end()) != haystack.end();
}

// DER of the OIDs in the tokens: SPNEGO 1.3.6.1.5.5.2, NTLMSSP 1.3.6.1.4.1.311.2.2.10.
constexpr std::initializer_list<unsigned> spnego_oid{0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
constexpr std::initializer_list<unsigned> ntlmssp_oid{0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

client::auth_failure failure_of(const auth_peer& p, auth::credentials c, std::string_view host = {})
{
    auto provider = auth::make_security_provider(std::move(c));
    if (!provider) return provider.error();
    auto context = (*provider)->new_context(host.empty() ? std::string_view(p.host) : host);
    if (!context) return context.error();
    auto leg = (*context)->step({});
    if (!leg) return leg.error();
    FAIL("the credentials and the first leg were accepted");
    return {};
}

std::string probe(const std::string& args) { return run(std::string(EPMDUMP_AUTH_PROBE) + " " + args + " 2>&1"); }

bool have(const char* tool) { return run(std::string("command -v ") + tool + " >/dev/null && echo yes") == "yes\n"; }

} // namespace

TEST_CASE("Kerberos: a password gets one TGT for the run, and every host's first leg is an AP-REQ from it")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    const auto trace = w.path("trace");
    ::setenv("KRB5_TRACE", trace.c_str(), 1);
    auto provider = auth::make_security_provider(password_credentials(epm::auth_type::kerberos, p.user, p.password));
    REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().detail));
    CHECK((*provider)->type() == epm::auth_type::kerberos);
    CHECK((*provider)->principal() == p.user + "@" + p.realm);
    for (int host = 0; host < 3; ++host)
    {
        auto context = (*provider)->new_context(p.host);
        REQUIRE(context.has_value());
        auto leg = (*context)->step({});
        REQUIRE_MESSAGE(leg.has_value(), (leg ? "" : leg.error().detail));
        CHECK_FALSE(leg->complete); // DCE style: the AP-REP and our answer follow
        REQUIRE(leg->token.size() > 100);
        // DCE style: a bare AP-REQ ([APPLICATION 14], no GSS-API framing), pvno 5, msg-type 14,
        // ap-options mutual-required.
        CHECK(leg->token[0] == std::byte{0x6e});
        CHECK(contains(std::span(leg->token).first(32), {0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x0e,
                                                         0xa2, 0x07, 0x03, 0x05, 0x00, 0x20, 0x00, 0x00, 0x00}));
        CHECK((*context)->principal() == p.user + "@" + p.realm);
    }
    ::unsetenv("KRB5_TRACE");
    std::ifstream in(trace);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t as_requests = 0;
    for (auto at = text.find("Getting initial credentials for"); at != std::string::npos;
         at = text.find("Getting initial credentials for", at + 1))
        ++as_requests;
    CHECK(as_requests == 1);                                 // one TGT, whatever the number of hosts
    CHECK(text.find(p.password) == std::string::npos);       // MIT's trace never saw the password
}

TEST_CASE("Negotiate: the first leg for a host the KDC knows is SPNEGO offering Kerberos only (NTLM goes in a SPNEGO of its own)")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    auto provider = auth::make_security_provider(password_credentials(epm::auth_type::negotiate, p.user, p.password));
    REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().detail));
    CHECK((*provider)->type() == epm::auth_type::negotiate);
    auto context = (*provider)->new_context(p.host);
    REQUIRE(context.has_value());
    auto leg = (*context)->step({});
    REQUIRE_MESSAGE(leg.has_value(), (leg ? "" : leg.error().detail));
    REQUIRE(leg->token.size() > 100);
    CHECK(leg->token[0] == std::byte{0x60});
    CHECK(contains(std::span(leg->token).first(12), spnego_oid));
    // mechTypes: Kerberos alone.
    CHECK(contains(std::span(leg->token).first(40), {0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02}));
    CHECK_FALSE(contains(leg->token, ntlmssp_oid));
}

TEST_CASE("Kerberos -k: the ticket cache kinit filled is used as it is, without a password")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    kinit(p, w);
    auth::credentials c;
    c.type = epm::auth_type::kerberos;
    c.use_ccache = true;
    auto provider = auth::make_security_provider(std::move(c));
    REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().detail));
    CHECK((*provider)->principal() == p.user + "@" + p.realm);
    auto context = (*provider)->new_context(p.host);
    REQUIRE(context.has_value());
    auto leg = (*context)->step({});
    REQUIRE_MESSAGE(leg.has_value(), (leg ? "" : leg.error().detail));
    CHECK(leg->token.size() > 100);
}

TEST_CASE("Kerberos: a wrong password is wrong_password, said by the KDC")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    const auto f = failure_of(p, password_credentials(epm::auth_type::kerberos, p.user, "Not-The-Pa55word"));
    CHECK(f.reason == auth_errc::wrong_password);
    CHECK(f.detail.find("Not-The-Pa55word") == std::string::npos);
    MESSAGE(f.detail);
}

TEST_CASE("Kerberos: a user the KDC does not know is unknown_user")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    const auto f = failure_of(p, password_credentials(epm::auth_type::kerberos, "epmnosuchuser", p.password));
    CHECK(f.reason == auth_errc::unknown_user);
    MESSAGE(f.detail);
}

TEST_CASE("Kerberos: a disabled account is account_unusable")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    const auto f = failure_of(p, password_credentials(epm::auth_type::negotiate, p.disabled_user, p.password));
    CHECK(f.reason == auth_errc::account_unusable);
    MESSAGE(f.detail);
}

TEST_CASE("Kerberos -k: a missing or empty ticket cache is no_credentials")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    auth::credentials c;
    c.type = epm::auth_type::kerberos;
    c.use_ccache = true;
    auto f = failure_of(p, std::move(c));
    CHECK(f.reason == auth_errc::no_credentials);
    MESSAGE(f.detail);
    // A cache that names the user but holds no ticket (kinit, then its tickets removed).
    kinit(p, w);
    REQUIRE(run("kdestroy -c 'FILE:" + w.cache() + "' && echo gone") == "gone\n");
    std::ofstream(w.cache()).close(); // an empty file
    auth::credentials empty;
    empty.type = epm::auth_type::negotiate;
    empty.use_ccache = true;
    f = failure_of(p, std::move(empty));
    CHECK(f.reason == auth_errc::no_credentials);
    MESSAGE(f.detail);
}

TEST_CASE("Kerberos: a KDC nobody answers for is kdc_unreachable, at once")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    // A loopback port held (bound, not listening) so that nobody answers on it, TCP or UDP.
    const int held = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(held >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(held, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(held, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    const auto port = std::to_string(ntohs(a.sin_port));
    w.use_config(w.write_config(p.krb5_config, "", "127.0.0.1:" + port));
    const auto started = std::chrono::steady_clock::now();
    const auto f = failure_of(p, password_credentials(epm::auth_type::kerberos, p.user, p.password));
    const auto took = std::chrono::steady_clock::now() - started;
    ::close(held);
    CHECK(f.reason == auth_errc::kdc_unreachable);
    CHECK(took < std::chrono::seconds(20)); // refused at once: far below MIT's retry loop
    MESSAGE(f.detail);
    // A realm krb5.conf does not name: no KDC to ask.
    w.use_config(p.krb5_config);
    const auto g = failure_of(p, password_credentials(epm::auth_type::kerberos, p.user + "@NOWHERE.INVALID", p.password));
    CHECK(g.reason == auth_errc::kdc_unreachable);
    MESSAGE(g.detail);
}

TEST_CASE("Kerberos: a service principal the KDC does not know is spn_unknown (--spn, or host/ADDRESS)")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    auto c = password_credentials(epm::auth_type::kerberos, p.user, p.password);
    c.spn = "host/nosuch.epmtest.lan";
    auto f = failure_of(p, std::move(c));
    CHECK(f.reason == auth_errc::spn_unknown);
    MESSAGE(f.detail);
    // Without --spn, the host as given: the DC's address is no principal's name (Kerberos alone;
    // negotiate takes NTLM there, live_auth_e2e shows it).
    f = failure_of(p, password_credentials(epm::auth_type::kerberos, p.user, p.password), "10.200.0.2");
    CHECK(f.reason == auth_errc::spn_unknown);
    MESSAGE(f.detail);
}

TEST_CASE("Kerberos: a clock two hours ahead of the KDC's is clock_skew (faketime), for the TGT and for a ticket")
{
    REQUIRE_AUTH_PEER(p);
    if (!have("faketime")) EPMDUMP_SKIP("faketime is not installed (scripts/install-deps.sh --test)");
    krb5_world w(p.krb5_config);
    // MIT corrects its clock from the KDC's answer by default (kdc_timesync); with it off, as
    // for a cache shared with other tools, the skew is an error the admin must fix.
    w.use_config(w.write_config(p.krb5_config, "  kdc_timesync = 0\n"));
    // Not skewed, the probe works: the skew, not the probe, makes the error below.
    auto out = probe("kerberos -U " + p.user + " " + p.host);
    CHECK(out.rfind("ok " + p.user + "@", 0) == 0);
    out = run("faketime -f +2h " + std::string(EPMDUMP_AUTH_PROBE) + " kerberos -U " + p.user + " " + p.host + " 2>&1");
    CHECK(out.rfind("error clock_skew:", 0) == 0);
    MESSAGE(out);
    // A TGT from now, a service ticket asked for two hours later: the KDC refuses the TGS-REQ.
    kinit(p, w);
    out = run("faketime -f +2h " + std::string(EPMDUMP_AUTH_PROBE) + " kerberos -k " + p.host + " 2>&1");
    CHECK(out.rfind("error clock_skew:", 0) == 0);
    MESSAGE(out);
}

TEST_CASE("Kerberos -k: a cache whose TGT has expired is credentials_expired (faketime: 11 hours later)")
{
    REQUIRE_AUTH_PEER(p);
    if (!have("faketime")) EPMDUMP_SKIP("faketime is not installed (scripts/install-deps.sh --test)");
    krb5_world w(p.krb5_config);
    kinit(p, w);
    const auto out = run("faketime -f +11h " + std::string(EPMDUMP_AUTH_PROBE) + " kerberos -k " + p.host + " 2>&1");
    CHECK(out.rfind("error credentials_expired:", 0) == 0);
    MESSAGE(out);
}
