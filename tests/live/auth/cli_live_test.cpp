// The epmdump executable with credentials against the Samba AD DC (issue #15), end to end: the
// listing equals the anonymous one, tshark on the peer's veth sees the bind's auth type and level
// and signed / sealed requests, failures are typed within the deadlines, one credential set scans
// the AD DC and the standalone server, and impacket's rpcmap.py agrees level by level.
// Users and krb5.conf: tests/live/auth/auth-peer.sh (EPMDUMP_KRB5_CONFIG, EPMDUMP_AUTH_*).
#include "auth_peer.hpp"
#include "live_auth_helpers.hpp"
#include "tshark_capture.hpp"

#include "e2e/run_process.hpp"
#include "live/endpoint_set.hpp"
#include "live/rpcmap_output.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <fstream>
#include <unistd.h>

using namespace epmdump;
using json = nlohmann::json;

namespace {

constexpr const char* veth = "sambaepm-h"; // the AD DC peer's veth, host side (its README)
constexpr const char* rpcmap = test::rpcmap_script;
constexpr const char* mgmt_uuid = test::mgmt_interface_uuid;
constexpr const char* ntlmssp_oid = "1.3.6.1.4.1.311.2.2.10";

// The password reaches epmdump the way the README tells admins to pass it: EPMDUMP_PASSWORD.
class password_env
{
public:
    explicit password_env(const std::string& password) { ::setenv("EPMDUMP_PASSWORD", password.c_str(), 1); }
    ~password_env() { ::unsetenv("EPMDUMP_PASSWORD"); }
    password_env(const password_env&) = delete;
    password_env& operator=(const password_env&) = delete;
};

test::process_result run_epmdump_args(std::vector<std::string> args, const char* wrapper = nullptr)
{
    std::vector<std::string> argv{"-q", "-f", "json", "--connect-timeout", "3", "--timeout", "5", "--host-timeout", "15"};
    argv.insert(argv.end(), args.begin(), args.end());
    if (wrapper == nullptr) return test::run_process(EPMDUMP_EXE, argv, {}, std::nullopt, std::chrono::seconds(60));
    // faketime -f OFFSET epmdump ...: the clock of epmdump alone moves.
    std::vector<std::string> wrapped{"-f", wrapper, EPMDUMP_EXE};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return test::run_process("/usr/bin/faketime", wrapped, {}, std::nullopt, std::chrono::seconds(60));
}

std::vector<json> lines(const std::string& out)
{
    std::vector<json> v;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) v.push_back(json::parse(line));
    return v;
}

using test::endpoint_set;

const std::vector<std::string>& anonymous_set(const std::string& address)
{
    static std::map<std::string, std::vector<std::string>> cache;
    auto it = cache.find(address);
    if (it != cache.end()) return it->second;
    const auto r = run_epmdump_args({address});
    REQUIRE(r.exit_code == 0);
    const auto hosts = lines(r.out);
    REQUIRE(hosts.size() == 1);
    return cache[address] = endpoint_set(hosts[0]);
}

struct live_env
{
    std::string address;
    test::auth_peer peer;
};

#define REQUIRE_LIVE_AUTH(var)                                                                                     \
    const auto var##_address = test::env("EPMDUMP_SAMBA_ADDRESS");                                                 \
    if (!var##_address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set: the Samba peer was not started");          \
    REQUIRE_AUTH_PEER(var##_peer);                                                                                 \
    const live_env var{*var##_address, var##_peer}

std::vector<std::string> user_args(const live_env& env, const std::string& type, const std::string& level)
{
    if (type == "ntlm") return {"-U", "EPMTEST\\" + env.peer.user, "--auth-type", "ntlm", "--auth-level", level};
    // Kerberos: no DNS here, so the DC's name comes with --spn and the address is the target.
    return {"-U", env.peer.user + "@" + env.peer.realm, "--auth-type", type, "--auth-level", level, "--spn", env.peer.spn};
}

int wire_type(const std::string& type) { return type == "ntlm" ? 10 : type == "kerberos" ? 16 : 9; }
int wire_level(const std::string& level) { return level == "connect" ? 2 : level == "integrity" ? 5 : 6; }

// One authenticated listing under tshark: same endpoints as anonymously, auth as asked, and on the
// wire a bind with that auth type and level whose requests are signed (and sealed) at that level.
void check_listing_on_the_wire(const live_env& env, const std::string& type, const std::string& level,
                               std::vector<std::string> args)
{
    if (!test::have_tshark() || !test::have_interface(veth))
        EPMDUMP_SKIP(std::string("tshark or the peer's veth ") + veth + " is missing: no capture evidence");
    const auto& anonymous = anonymous_set(env.address);
    test::krb5_world world(env.peer.krb5_config);
    test::tshark_capture capture(veth, env.address, world.path("run.pcap"));
    INFO("tshark: " << capture.log());
    REQUIRE(capture.start());
    const double started = test::now_epoch();
    args.push_back(env.address);
    const auto r = run_epmdump_args(args);
    const double ended = test::now_epoch();
    capture.stop();

    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const auto hosts = lines(r.out);
    REQUIRE(hosts.size() == 1);
    const auto& host = hosts[0];
    INFO("host: " << host.dump().substr(0, 400));
    CHECK(host.at("status") == "ok");
    CHECK(endpoint_set(host) == anonymous);
    REQUIRE(host.contains("auth"));
    CHECK(host.at("auth").at("type") == type);
    if (type == "negotiate") CHECK(host.at("auth").at("mechanism") == "ntlm");
    CHECK(host.at("auth").at("level") == level);

    // Our streams: begun during the run, bound with this auth type and level (the peer is shared).
    int ours = 0;
    std::string dissected;
    const auto streams = test::dissect(capture.file(), &dissected);
    std::ostringstream seen;
    for (const auto& [id, s] : streams)
        seen << "stream " << id << " at " << std::fixed << s.first_time << ": " << s.bind_auth.size() << " auth binds, "
             << s.requests << " requests\n";
    INFO("run " << std::fixed << started << " - " << ended << "; " << dissected << "; tshark saw:\n" << seen.str());
    for (const auto& [id, s] : streams)
    {
        if (s.first_time < started - 0.5 || s.first_time > ended + 0.5) continue;
        if (!s.bind_auth.count({wire_type(type), wire_level(level)})) continue;
        if (type == "ntlm" && !s.ntlm_users.empty() && !s.ntlm_users.count(env.peer.user)) continue;
        // Negotiate without Kerberos: SPNEGO offered and chose NTLMSSP, the AUTHENTICATE inside
        // is our user's, and both mechListMICs went by (ours in alter_context, the server's back).
        if (type == "negotiate" && (s.spnego_mechs != std::set<std::string>{ntlmssp_oid} ||
                                    !s.ntlm_users.count(env.peer.user) || s.spnego_mics < 2))
            continue;
        // Other runs against the shared peer (another test of this suite too) may match as well:
        // at least one matching stream must be ours, whole and right.
        const bool protected_right =
            level == "connect" ? s.signed_requests == 0
                               : s.signed_requests == s.requests && s.request_levels == std::set<int>{wire_level(level)} &&
                                     s.sealed_requests == (level == "privacy" ? s.requests : 0);
        if (s.requests >= 1 && s.responses >= 1 && s.faults == 0 && protected_right) ++ours;
    }
    CHECK(ours >= 1);
}

} // namespace

TEST_CASE("NTLM at level integrity: epmdump -U lists the anonymous endpoints, and tshark sees signed requests")
{
    REQUIRE_LIVE_AUTH(env);
    password_env pw(env.peer.password);
    check_listing_on_the_wire(env, "ntlm", "integrity", user_args(env, "ntlm", "integrity"));
}

TEST_CASE("NTLM at level privacy: epmdump -U lists the anonymous endpoints, and tshark sees sealed requests")
{
    REQUIRE_LIVE_AUTH(env);
    password_env pw(env.peer.password);
    check_listing_on_the_wire(env, "ntlm", "privacy", user_args(env, "ntlm", "privacy"));
}

TEST_CASE("negotiate at level integrity without Kerberos: auth type 9 on the wire, SPNEGO carrying NTLMSSP, signed requests")
{
    REQUIRE_LIVE_AUTH(env);
    password_env pw(env.peer.password);
    // The address has no host/ principal in the KDC: Negotiate takes NTLM, inside SPNEGO.
    check_listing_on_the_wire(env, "negotiate", "integrity",
                              {"-U", "EPMTEST\\" + env.peer.user, "--auth-level", "integrity"});
}

TEST_CASE("negotiate at level privacy without Kerberos: auth type 9 on the wire, SPNEGO carrying NTLMSSP, sealed requests")
{
    REQUIRE_LIVE_AUTH(env);
    password_env pw(env.peer.password);
    check_listing_on_the_wire(env, "negotiate", "privacy", {"-U", "EPMTEST\\" + env.peer.user, "--auth-level", "privacy"});
}

TEST_CASE("Kerberos at level privacy with a password: the anonymous endpoints, sealed requests on the wire")
{
    REQUIRE_LIVE_AUTH(env);
    password_env pw(env.peer.password);
    check_listing_on_the_wire(env, "kerberos", "privacy", user_args(env, "kerberos", "privacy"));
}

TEST_CASE("epmdump -k with the ticket kinit left in KRB5CCNAME lists the anonymous endpoints, sealed")
{
    REQUIRE_LIVE_AUTH(env);
    test::krb5_world world(env.peer.krb5_config);
    const auto kinit = test::run_process("/usr/bin/kinit", {env.peer.user + "@" + env.peer.realm}, env.peer.password + "\n",
                                         std::nullopt, std::chrono::seconds(20));
    INFO("kinit: " << kinit.err);
    REQUIRE(kinit.exit_code == 0);
    const auto r = run_epmdump_args({"-k", "--auth-level", "privacy", "--spn", env.peer.spn, env.address});
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const auto hosts = lines(r.out);
    REQUIRE(hosts.size() == 1);
    CHECK(endpoint_set(hosts[0]) == anonymous_set(env.address));
    CHECK(hosts[0].at("auth").at("type") == "kerberos");
    CHECK(hosts[0].at("auth").at("principal") == env.peer.user + "@" + env.peer.realm);
}

namespace {

// A typed failure, within the deadlines. Credentials that cannot be acquired at all end the run
// before any host: one line on stderr naming the reason, exit 4, no host object (SCHEMA.md). A
// failure of the host's own context (a service ticket refused for skew) is that host's JSON line:
// error.kind auth_failed, error.reason the word, exit 1.
void check_typed_failure(const test::process_result& r, const char* reason)
{
    INFO("exit " << r.exit_code << ", stderr: " << r.err << " stdout: " << r.out);
    CHECK(r.seconds < 15); // --host-timeout 15; the KDC answers (or is refused) at once
    if (r.exit_code == 4)
    {
        CHECK(r.out.empty());
        CHECK(r.err.find(std::string(": ") + reason + ":") != std::string::npos);
        return;
    }
    CHECK(r.exit_code == 1);
    const auto hosts = lines(r.out);
    REQUIRE(hosts.size() == 1);
    CHECK(hosts[0].at("status") == "error");
    CHECK(hosts[0].at("error").at("kind") == "auth_failed");
    CHECK(hosts[0].at("error").value("reason", "") == reason);
}

} // namespace

TEST_CASE("Kerberos with a wrong password fails before any host as wrong_password")
{
    REQUIRE_LIVE_AUTH(env);
    test::krb5_world world(env.peer.krb5_config);
    password_env pw("not-" + env.peer.password);
    check_typed_failure(run_epmdump_args({"-U", env.peer.user + "@" + env.peer.realm, "--auth-type", "kerberos", "--spn",
                                       env.peer.spn, env.address}),
                              "wrong_password");
}

TEST_CASE("Kerberos for a user the KDC does not know fails as unknown_user")
{
    REQUIRE_LIVE_AUTH(env);
    test::krb5_world world(env.peer.krb5_config);
    password_env pw(env.peer.password);
    check_typed_failure(run_epmdump_args({"-U", "nosuchuser@" + env.peer.realm, "--auth-type", "kerberos", "--spn",
                                       env.peer.spn, env.address}),
                              "unknown_user");
}

TEST_CASE("-k with an empty ticket cache fails as no_credentials")
{
    REQUIRE_LIVE_AUTH(env);
    test::krb5_world world(env.peer.krb5_config); // KRB5CCNAME: a fresh folder's cache that does not exist
    check_typed_failure(run_epmdump_args({"-k", "--spn", env.peer.spn, env.address}), "no_credentials");
}

TEST_CASE("Kerberos with an unreachable KDC fails as kdc_unreachable, at once")
{
    REQUIRE_LIVE_AUTH(env);
    test::krb5_world world(env.peer.krb5_config);
    // A KDC on a loopback port nobody listens on: refused at once, no other address touched.
    world.use_config(world.write_config(env.peer.krb5_config, "", "127.0.0.1:9"));
    password_env pw(env.peer.password);
    check_typed_failure(run_epmdump_args({"-U", env.peer.user + "@" + env.peer.realm, "--auth-type", "kerberos", "--spn",
                                       env.peer.spn, env.address}),
                              "kdc_unreachable");
}

TEST_CASE("Kerberos from a clock two hours ahead (faketime) fails as clock_skew")
{
    REQUIRE_LIVE_AUTH(env);
    if (!std::filesystem::exists("/usr/bin/faketime")) EPMDUMP_SKIP("faketime is not installed (apt install faketime)");
    test::krb5_world world(env.peer.krb5_config);
    password_env pw(env.peer.password);
    check_typed_failure(run_epmdump_args({"-U", env.peer.user + "@" + env.peer.realm, "--auth-type", "kerberos", "--spn",
                                       env.peer.spn, env.address},
                                      "+2h"),
                              "clock_skew");
}

TEST_CASE("negotiate to an address the KDC has no principal for carries NTLM in SPNEGO, and with --spn it is Kerberos (issue 15's command)")
{
    REQUIRE_LIVE_AUTH(env);
    password_env pw(env.peer.password);
    test::krb5_world world(env.peer.krb5_config);
    for (const bool with_spn : {false, true})
    {
        CAPTURE(with_spn);
        std::vector<std::string> args{"-U", "EPMTEST\\" + env.peer.user, "--auth-level", "privacy"};
        if (with_spn)
        {
            args.push_back("--spn");
            args.push_back(env.peer.spn);
        }
        args.push_back(env.address);
        const auto r = run_epmdump_args(args);
        INFO("stderr: " << r.err);
        CHECK(r.exit_code == 0);
        const auto hosts = lines(r.out);
        REQUIRE(hosts.size() == 1);
        CHECK(hosts[0].at("status") == "ok");
        CHECK(endpoint_set(hosts[0]) == anonymous_set(env.address));
        CHECK(hosts[0].at("auth").at("type") == "negotiate");
        CHECK(hosts[0].at("auth").at("mechanism") == (with_spn ? "kerberos" : "ntlm"));
        CHECK(hosts[0].at("auth").at("level") == "privacy");
    }
}

TEST_CASE("one NTLM credential scans the AD DC and the standalone samba-dcerpcd: the DC lists, the standalone one refuses the credentials")
{
    REQUIRE_LIVE_AUTH(env);
    const auto standalone = test::env("EPMDUMP_SAMBA_SA_ADDRESS");
    if (!standalone) EPMDUMP_SKIP("EPMDUMP_SAMBA_SA_ADDRESS is not set: the standalone peer was not started");
    password_env pw(env.peer.password);
    auto args = user_args(env, "ntlm", "privacy");
    args.push_back(env.address);
    args.push_back(*standalone);
    const auto r = run_epmdump_args(args);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 1); // one host failed
    std::map<std::string, json> by_target;
    for (auto& h : lines(r.out)) by_target[h.at("target").get<std::string>()] = h;
    REQUIRE(by_target.size() == 2);
    const auto& dc = by_target.at(env.address);
    CHECK(dc.at("status") == "ok");
    CHECK(endpoint_set(dc) == anonymous_set(env.address));
    // samba-dcerpcd has no domain: it binds the account it does not know (the same bind
    // succeeds at level connect, 38 entries), then cannot check our signature, and answers the
    // signed request with nca_proto_error: after rpc_auth3, its only way to refuse these
    // credentials. One line of the scan, the others go on.
    const auto& sa = by_target.at(*standalone);
    MESSAGE("standalone: " << sa.at("error").dump());
    CHECK(sa.at("status") == "error");
    CHECK(sa.at("error").at("kind") == "auth_failed");
    CHECK(sa.at("error").at("reason") == "credentials_refused");
    CHECK(sa.at("error").at("message").get<std::string>().find("nca_proto_error") != std::string::npos);
    CHECK(sa.at("auth").at("type") == "ntlm");
}

namespace {

// rpcmap.py's interfaces on ncacn_ip_tcp:ADDRESS[135] at one auth level, mgmt left out; nullopt
// when it failed (its last line says why).
std::optional<std::set<std::string>> rpcmap_at(const live_env& env, int level, std::string& said)
{
    const auto r = test::run_rpcmap(env.address, "EPMTEST", env.peer.user, env.peer.password, level);
    said = r.out;
    auto out = test::rpcmap_interfaces(r.out);
    if (out.empty()) return std::nullopt;
    return out;
}

} // namespace

TEST_CASE("epmdump probe with NTLM agrees with impacket's rpcmap.py -auth-level on port 135, level by level")
{
    REQUIRE_LIVE_AUTH(env);
    if (!std::filesystem::exists(rpcmap)) EPMDUMP_SKIP(std::string("impacket's rpcmap.py is not installed: ") + rpcmap);
    password_env pw(env.peer.password);
    for (const std::string level : {"connect", "integrity", "privacy"})
    {
        CAPTURE(level);
        std::string said;
        const auto theirs = rpcmap_at(env, wire_level(level), said);
        std::vector<std::string> args{"probe", "-q", "-f", "json", "--connect-timeout", "3", "--timeout", "5"};
        for (auto& a : user_args(env, "ntlm", level)) args.push_back(a);
        args.push_back(env.address + ":135");
        const auto r = test::run_process(EPMDUMP_EXE, args, {}, std::nullopt, std::chrono::seconds(60));
        INFO("rpcmap: " << said << "\nepmdump: " << r.out << r.err);
        const auto ports = lines(r.out);
        REQUIRE(ports.size() == 1);
        // The record says as whom and at which level the port was asked (SCHEMA.md, Probe object).
        CHECK(ports[0].at("auth") == json{{"type", "ntlm"}, {"level", level}, {"principal", "EPMTEST\\" + env.peer.user}});
        std::set<std::string> ours;
        for (const auto& i : ports[0].at("interfaces"))
            if (i.at("uuid") != mgmt_uuid) ours.insert(i.at("uuid").get<std::string>() + " v" + i.at("version").get<std::string>());
        MESSAGE("level " << level << ": rpcmap " << (theirs ? std::to_string(theirs->size()) + " interfaces" : "failed")
                         << ", epmdump mgmt " << ((ports[0].at("mgmt_answered") == true) ? "answered" : "refused"));
        if (theirs)
        {
            CHECK(ports[0].at("mgmt_answered") == true);
            CHECK(ours == *theirs);
        }
        else if (level == "connect")
            // rpcmap asks NTLM to sign and seal at level 2 and is faulted; epmdump asks neither there.
            CHECK(ports[0].at("mgmt_answered") == true);
        else
            CHECK(ports[0].at("mgmt_answered") == false); // the server refused both clients at this level
    }
}

TEST_CASE("epmdump probe and the exchange report with Kerberos say so: JSON auth on the port record and the report")
{
    REQUIRE_LIVE_AUTH(env);
    test::krb5_world world(env.peer.krb5_config);
    password_env pw(env.peer.password);
    const json expected{{"type", "kerberos"}, {"level", "integrity"}, {"principal", env.peer.user + "@" + env.peer.realm}};
    std::vector<std::string> probe{"probe", "-q", "-f", "json", "--connect-timeout", "3", "--timeout", "5"};
    for (auto& a : user_args(env, "kerberos", "integrity")) probe.push_back(a);
    probe.push_back(env.address + ":135");
    const auto p = test::run_process(EPMDUMP_EXE, probe, {}, std::nullopt, std::chrono::seconds(60));
    INFO("probe: " << p.out << p.err);
    CHECK(p.exit_code == 0);
    const auto ports = lines(p.out);
    REQUIRE(ports.size() == 1);
    CHECK(ports[0].at("state") == "rpc");
    CHECK(ports[0].at("mgmt_answered") == true);
    CHECK(ports[0].at("auth") == expected);

    std::vector<std::string> exchange{"exchange", "-f", "json", "--no-probe", "--connect-timeout", "3", "--timeout", "5"};
    for (auto& a : user_args(env, "kerberos", "integrity")) exchange.push_back(a);
    exchange.push_back(env.address);
    const auto x = test::run_process(EPMDUMP_EXE, exchange, {}, std::nullopt, std::chrono::seconds(60));
    INFO("exchange: " << x.out << x.err);
    CHECK(x.exit_code == 1); // a Samba DC is no Exchange server: not_exchange
    const auto report = json::parse(x.out);
    CHECK(report.at("verdict") == "not_exchange");
    CHECK(report.at("auth") == expected);
}

namespace {

bool can_unshare() { return ::access("/usr/bin/unshare", X_OK) == 0 && ::geteuid() == 0; }

// epmdump in a mount namespace of its own where /etc/hosts is `hosts` and /etc/nsswitch.conf says
// "hosts: files": the reverse lookup sees only what the test wrote (no DNS, nothing else touched).
test::process_result run_epmdump_resolving(const test::krb5_world& world, const std::string& hosts,
                                           std::vector<std::string> args)
{
    const auto hosts_file = world.path("hosts");
    const auto nss_file = world.path("nsswitch.conf");
    std::ofstream(hosts_file) << "127.0.0.1 localhost\n" << hosts;
    std::ofstream(nss_file) << "hosts: files\n";
    std::vector<std::string> argv{"-m", "--propagation", "private", "--", "/bin/sh", "-c",
                                  "mount --bind \"$1\" /etc/hosts && mount --bind \"$2\" /etc/nsswitch.conf && "
                                  "shift 2 && exec \"$@\"",
                                  "sh", hosts_file, nss_file, EPMDUMP_EXE,
                                  "-q", "-f", "json", "--connect-timeout", "3", "--timeout", "5", "--host-timeout", "15"};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_process("/usr/bin/unshare", argv, {}, std::nullopt, std::chrono::seconds(60));
}

} // namespace

TEST_CASE("--spn-reverse-lookup: Kerberos to an address succeeds with host/<PTR name>, where the address alone is spn_unknown")
{
    REQUIRE_LIVE_AUTH(env);
    if (!can_unshare()) EPMDUMP_SKIP("unshare(1) as root is needed for a private /etc/hosts");
    test::krb5_world world(env.peer.krb5_config);
    password_env pw(env.peer.password);
    const std::string ptr = env.address + " " + env.peer.host + "\n";
    const std::vector<std::string> kerberos{"-U", env.peer.user + "@" + env.peer.realm, "--auth-type", "kerberos",
                                            "--auth-level", "privacy"};

    auto without = kerberos;
    without.push_back(env.address);
    check_typed_failure(run_epmdump_resolving(world, ptr, without), "spn_unknown");

    auto with = kerberos;
    with.insert(with.end(), {"--spn-reverse-lookup", env.address});
    const auto r = run_epmdump_resolving(world, ptr, with);
    INFO("exit " << r.exit_code << ", stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const auto hosts = lines(r.out);
    REQUIRE(hosts.size() == 1);
    CHECK(hosts[0].at("status") == "ok");
    CHECK(hosts[0].at("auth").at("type") == "kerberos");
    CHECK(hosts[0].at("auth").at("level") == "privacy");
    CHECK(endpoint_set(hosts[0]) == anonymous_set(env.address));
}

TEST_CASE("--spn-reverse-lookup: an address without a PTR name fails that host as spn_lookup_failed, and --spn overrides")
{
    REQUIRE_LIVE_AUTH(env);
    if (!can_unshare()) EPMDUMP_SKIP("unshare(1) as root is needed for a private /etc/hosts");
    test::krb5_world world(env.peer.krb5_config);
    password_env pw(env.peer.password);
    const std::vector<std::string> kerberos{"-U", env.peer.user + "@" + env.peer.realm, "--auth-type", "kerberos",
                                            "--spn-reverse-lookup"};
    auto no_name = kerberos;
    no_name.push_back(env.address);
    const auto failed = run_epmdump_resolving(world, "", no_name);
    check_typed_failure(failed, "spn_lookup_failed");
    CHECK(failed.out.find(env.address) != std::string::npos);

    auto named = kerberos;
    named.insert(named.end(), {"--spn", env.peer.spn, env.address});
    const auto r = run_epmdump_resolving(world, "", named);
    INFO("exit " << r.exit_code << ", stderr: " << r.err);
    CHECK(r.exit_code == 0);
}
