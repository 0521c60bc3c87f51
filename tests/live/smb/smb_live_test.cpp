// The epmdump executable over SMB (ncacn_np, \pipe\epmapper) against the real Samba servers:
// the AD DC (signing required) with NTLM and Kerberos, on 445 and on 139, agreeing with the TCP
// 135 listing and with impacket's rpcdump.py -port 445; smbd beside the standalone peer's
// samba-dcerpcd (scripts/smb-peer.sh); an smbd requiring SMB 3.1.1 encryption
// (tests/live/smb/encrypted-smbd.sh), where a null session is refused with a typed error; and
// --transport auto falling back to SMB on a host whose TCP 135 refuses (smb-only-host.sh).
#include "live/auth/auth_peer.hpp"

#include "e2e/run_process.hpp"
#include "live/endpoint_set.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace epmdump;
using json = nlohmann::json;

namespace {

// The password reaches epmdump the way the README tells admins to pass it: EPMDUMP_PASSWORD.
class password_env
{
public:
    explicit password_env(const std::string& password) { ::setenv("EPMDUMP_PASSWORD", password.c_str(), 1); }
    ~password_env() { ::unsetenv("EPMDUMP_PASSWORD"); }
    password_env(const password_env&) = delete;
    password_env& operator=(const password_env&) = delete;
};

// `command`: a subcommand (probe, map) before the options; empty: the default enumeration.
test::process_result run_epmdump(std::vector<std::string> args, const std::string& command = {})
{
    std::vector<std::string> argv{"-q", "-f", "json", "--connect-timeout", "3", "--timeout", "5", "--host-timeout", "15"};
    if (!command.empty()) argv.insert(argv.begin(), command);
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_process(EPMDUMP_EXE, argv, {}, std::nullopt, std::chrono::seconds(60));
}

json one_host(const test::process_result& r)
{
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    std::istringstream in(r.out);
    std::string line;
    REQUIRE(std::getline(in, line));
    return json::parse(line);
}

using test::endpoint_set;

const std::vector<std::string>& tcp_set(const std::string& address)
{
    static std::map<std::string, std::vector<std::string>> cache;
    if (auto it = cache.find(address); it != cache.end()) return it->second;
    const auto r = run_epmdump({address});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto set = endpoint_set(one_host(r));
    REQUIRE_FALSE(set.empty());
    return cache[address] = set;
}

// The host answered over SMB with the TCP listing of `tcp_address`.
void check_same_as_tcp(const test::process_result& r, const std::string& tcp_address, std::uint16_t port)
{
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const auto host = one_host(r);
    CHECK(host.value("transport", "") == "ncacn_np");
    CHECK(host.at("port") == port);
    CHECK(host.at("status") == "ok");
    CHECK(endpoint_set(host) == tcp_set(tcp_address));
}

// impacket's rpcdump.py output as the same "uuid vX.Y binding" lines (its UUID line, then the
// bindings under it).
std::vector<std::string> impacket_set(const std::string& out)
{
    std::vector<std::string> set;
    std::istringstream in(out);
    std::string uuid;
    for (std::string line; std::getline(in, line);)
    {
        if (line.starts_with("UUID    : "))
        {
            std::istringstream words(line.substr(10));
            std::string id, version;
            words >> id >> version;
            std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
            uuid = id + " " + version;
        }
        else if (!uuid.empty() && line.starts_with("          ") && line.find(':') != std::string::npos)
            set.push_back(uuid + " " + line.substr(line.find_first_not_of(' ')));
        else if (line.empty())
            uuid.clear();
    }
    std::sort(set.begin(), set.end());
    return set;
}

// --transport smb as user@REALM with a service ticket for the DC's SPN, in a krb5 world of its own.
test::process_result run_kerberos_smb(const test::auth_peer& peer, const std::string& address, const std::string& type,
                                      std::vector<std::string> extra = {})
{
    test::krb5_world world(peer.krb5_config);
    password_env pw(peer.password);
    std::vector<std::string> args{"--transport", "smb", "-U", peer.user + "@" + peer.realm, "--auth-type", type,
                                  "--spn", peer.spn};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(address);
    return run_epmdump(args);
}

struct dc_env
{
    std::string address;
    test::auth_peer peer;
};

} // namespace

TEST_CASE("over SMB 445 with NTLM the AD DC lists the same endpoints as over TCP 135, and the record says ncacn_np")
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set (scripts/start-peers.sh)");
    REQUIRE_AUTH_PEER(peer);
    password_env pw(peer.password);
    const auto r = run_epmdump({"--transport", "smb", "-U", "EPMTEST\\" + peer.user, "--auth-type", "ntlm", *address});
    check_same_as_tcp(r, *address, 445);
    // The bind inside the SMB session is anonymous (as impacket's rpcdump); auth names the SMB session's.
    const auto host = one_host(r);
    REQUIRE(host.contains("auth"));
    CHECK(host["auth"]["type"] == "ntlm");
    CHECK(host["auth"]["level"] == "integrity"); // the DC requires signing
}

TEST_CASE("over SMB with Kerberos in SPNEGO (a service ticket for the DC's SPN) the AD DC lists the same endpoints")
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set (scripts/start-peers.sh)");
    REQUIRE_AUTH_PEER(peer);
    const auto r = run_kerberos_smb(peer, *address, "negotiate");
    check_same_as_tcp(r, *address, 445);
    CHECK(one_host(r)["auth"]["type"] == "negotiate");
    CHECK(one_host(r)["auth"]["mechanism"] == "kerberos"); // what SPNEGO carried, as a TCP record says it
}

TEST_CASE("over SMB, negotiate to an address the KDC has no principal for falls back to NTLM, and auth.mechanism says ntlm as over TCP")
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set (scripts/start-peers.sh)");
    REQUIRE_AUTH_PEER(peer);
    test::krb5_world world(peer.krb5_config);
    password_env pw(peer.password);
    // No --spn: host/ADDRESS is no principal the KDC knows.
    const std::vector<std::string> who{"-U", peer.user + "@" + peer.realm, "--auth-type", "negotiate", *address};
    std::vector<std::string> smb{"--transport", "smb"};
    smb.insert(smb.end(), who.begin(), who.end());
    const auto over_smb = run_epmdump(smb);
    check_same_as_tcp(over_smb, *address, 445);
    const auto over_tcp = run_epmdump(who);
    REQUIRE_MESSAGE(over_tcp.exit_code == 0, over_tcp.err);
    CHECK(one_host(over_smb)["auth"]["mechanism"] == "ntlm");
    CHECK(one_host(over_smb)["auth"]["mechanism"] == one_host(over_tcp)["auth"]["mechanism"]);
}

TEST_CASE("over SMB with --auth-type kerberos the session setup carries a mutual SPNEGO Kerberos token and the AD DC lists the same endpoints")
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set (scripts/start-peers.sh)");
    REQUIRE_AUTH_PEER(peer);
    // The bind's DCE-style AP-REQ in SESSION_SETUP was refused (STATUS_INVALID_PARAMETER).
    const auto r = run_kerberos_smb(peer, *address, "kerberos");
    check_same_as_tcp(r, *address, 445);
    const auto host = one_host(r);
    REQUIRE(host.contains("auth"));
    CHECK(host["auth"]["type"] == "kerberos");
    CHECK(host["auth"]["level"] == "integrity"); // the DC requires signing, keyed by the Kerberos session key
    CHECK(host["auth"]["principal"] == peer.user + "@" + peer.realm);
    CHECK_FALSE(host["auth"].contains("mechanism")); // as over TCP: only negotiate names one
}

TEST_CASE("over SMB with --auth-type kerberos and --auth-level the bind inside the pipe keeps its own DCE-style Kerberos")
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set (scripts/start-peers.sh)");
    REQUIRE_AUTH_PEER(peer);
    const auto r = run_kerberos_smb(peer, *address, "kerberos", {"--auth-level", "privacy"});
    check_same_as_tcp(r, *address, 445);
    const auto host = one_host(r);
    REQUIRE(host.contains("auth"));
    CHECK(host["auth"]["type"] == "kerberos");
    CHECK(host["auth"]["level"] == "privacy"); // the bind's level: every PDU sealed by the DCE-style context
}

TEST_CASE("a probe of \\pipe\\epmapper over SMB with negotiate names the SMB session's level and mechanism in its auth")
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set (scripts/start-peers.sh)");
    REQUIRE_AUTH_PEER(peer);
    test::krb5_world world(peer.krb5_config);
    password_env pw(peer.password);
    const auto r = run_epmdump({"-U", peer.user + "@" + peer.realm, "--auth-type", "negotiate", "--spn", peer.spn,
                                "ncacn_np:" + *address + "[\\pipe\\epmapper]"},
                               "probe");
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const auto port = one_host(r);
    CHECK(port["state"] == "rpc");
    REQUIRE(port.contains("auth"));
    // Not the run's default level (privacy): the bind was anonymous, the SMB session signed.
    CHECK(port["auth"]["level"] == "integrity");
    CHECK(port["auth"]["mechanism"] == "kerberos");
}

TEST_CASE("over SMB on port 139 (a NetBIOS session first) the AD DC lists the same endpoints")
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set (scripts/start-peers.sh)");
    REQUIRE_AUTH_PEER(peer);
    password_env pw(peer.password);
    // Port 139 alone implies ncacn_np, as impacket's -port 139 does.
    check_same_as_tcp(run_epmdump({"-p", "139", "-U", "EPMTEST\\" + peer.user, "--auth-type", "ntlm", *address}), *address, 139);
}

TEST_CASE("the string binding ncacn_np:HOST[\\pipe\\epmapper] is the same conversation as --transport smb")
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set (scripts/start-peers.sh)");
    REQUIRE_AUTH_PEER(peer);
    password_env pw(peer.password);
    check_same_as_tcp(run_epmdump({"-U", "EPMTEST\\" + peer.user, "--auth-type", "ntlm",
                               "ncacn_np:" + *address + "[\\pipe\\epmapper]"}),
                      *address, 445);
}

TEST_CASE("impacket's rpcdump.py -port 445 with the same credentials lists what epmdump --transport smb lists")
{
    const auto address = test::env("EPMDUMP_SAMBA_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set (scripts/start-peers.sh)");
    REQUIRE_AUTH_PEER(peer);
    // impacket 0.10 + Samba paging fix, found where every other test finds ../shared
    const auto script = test::shared_file("peers/samba-epm/rpcdump-compat.py");
    if (!script) EPMDUMP_SKIP("no ../shared/peers/samba-epm/rpcdump-compat.py");
    const auto theirs = test::run_process("/usr/bin/python3", {script->string(), "-port", "445",
                                                               "EPMTEST/" + peer.user + ":" + peer.password + "@" + *address},
                                          {}, std::nullopt, std::chrono::seconds(60));
    REQUIRE_MESSAGE(theirs.exit_code == 0, theirs.err);
    password_env pw(peer.password);
    const auto ours = run_epmdump({"--transport", "smb", "-U", "EPMTEST\\" + peer.user, "--auth-type", "ntlm", *address});
    REQUIRE_MESSAGE(ours.exit_code == 0, ours.err);
    const auto set = impacket_set(theirs.out);
    CHECK(set.size() > 10);
    CHECK(set == endpoint_set(one_host(ours)));
}

TEST_CASE("smbd beside the standalone peer's samba-dcerpcd gives anonymous callers its TCP listing over SMB")
{
    const auto address = test::env("EPMDUMP_SAMBA_SA_SMB_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_SA_SMB_ADDRESS is not set (scripts/smb-peer.sh, run by scripts/start-peers.sh)");
    const auto r = run_epmdump({"--transport", "smb", *address});
    check_same_as_tcp(r, *address, 445);
    CHECK_FALSE(one_host(r).contains("auth")); // a null session, an anonymous bind
}

TEST_CASE("epmdump map over SMB says ncacn_np in its record, as the scan's does")
{
    const auto address = test::env("EPMDUMP_SAMBA_SA_SMB_ADDRESS");
    if (!address) EPMDUMP_SKIP("EPMDUMP_SAMBA_SA_SMB_ADDRESS is not set (scripts/smb-peer.sh, run by scripts/start-peers.sh)");
    const auto lsa = "12345778-1234-abcd-ef00-0123456789ab";
    const auto as_json = run_epmdump({"--transport", "smb", *address, lsa}, "map");
    CAPTURE(as_json.err);
    CHECK(as_json.exit_code == 0);
    const auto j = json::parse(as_json.out);
    CHECK(j["port"] == 445);
    CHECK(j["transport"] == "ncacn_np");
    const auto csv = test::run_process(EPMDUMP_EXE, {"map", "--transport", "smb", "-f", "csv", "--host-timeout", "15", *address, lsa},
                                       {}, std::nullopt, std::chrono::seconds(60));
    CAPTURE(csv.out);
    CHECK(csv.out.find(",ping,transport\r\n") != std::string::npos); // CSV lines end in CRLF (RFC 4180)
    CHECK(csv.out.find(",ncacn_np\r\n") != std::string::npos);
}

namespace {

// The KEY=VALUE exports of one of tests/live/smb's start scripts (idempotent: started once, kept).
std::optional<std::map<std::string, std::string>> started(const std::string& script)
{
    if (::geteuid() != 0 || !test::env("EPMDUMP_SAMBA_SA_ADDRESS")) return std::nullopt;
    const auto r = test::run_process("/bin/bash", {std::string(EPMDUMP_SOURCE_DIR) + "/tests/live/smb/" + script},
                                     {}, std::nullopt, std::chrono::seconds(30));
    INFO(script << ": " << r.err);
    if (r.exit_code != 0) return std::nullopt;
    std::map<std::string, std::string> vars;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (const auto eq = line.find('='); eq != std::string::npos) vars[line.substr(0, eq)] = line.substr(eq + 1);
    return vars;
}

std::optional<std::map<std::string, std::string>> encrypted_smbd() { return started("encrypted-smbd.sh"); }

} // namespace

TEST_CASE("an smbd requiring SMB 3.1.1 encryption lists the peer's endpoints to an NTLM session, encrypted")
{
    const auto smbd = encrypted_smbd();
    if (!smbd) EPMDUMP_SKIP("tests/live/smb/encrypted-smbd.sh could not start (needs root and the standalone peer)");
    password_env pw(smbd->at("EPMDUMP_SMB_ENC_PASSWORD"));
    const auto& address = smbd->at("EPMDUMP_SMB_ENC_ADDRESS");
    const auto r = run_epmdump({"--transport", "smb", "-p", smbd->at("EPMDUMP_SMB_ENC_PORT"), "-U",
                            smbd->at("EPMDUMP_SMB_ENC_USER"), "--auth-type", "ntlm", address});
    check_same_as_tcp(r, address, static_cast<std::uint16_t>(std::stoi(smbd->at("EPMDUMP_SMB_ENC_PORT"))));
    CHECK(one_host(r)["auth"]["level"] == "privacy"); // the SMB session encrypted every message
}

TEST_CASE("a null session on an smbd that requires encryption is refused with a typed access_denied")
{
    const auto smbd = encrypted_smbd();
    if (!smbd) EPMDUMP_SKIP("tests/live/smb/encrypted-smbd.sh could not start (needs root and the standalone peer)");
    const auto r = run_epmdump({"--transport", "smb", "-p", smbd->at("EPMDUMP_SMB_ENC_PORT"), smbd->at("EPMDUMP_SMB_ENC_ADDRESS")});
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 1);
    const auto host = one_host(r);
    CHECK(host["status"] == "error");
    CHECK(host["error"]["kind"] == "access_denied");
    CHECK(r.seconds < 10);
}

TEST_CASE("--transport auto: where TCP 135 refuses and 445 answers, SMB lists the peer's TCP listing and every format says ncacn_np")
{
    const auto sa = test::env("EPMDUMP_SAMBA_SA_ADDRESS");
    if (!sa) EPMDUMP_SKIP("EPMDUMP_SAMBA_SA_ADDRESS is not set (scripts/start-peers.sh)");
    const auto host = started("smb-only-host.sh");
    REQUIRE_MESSAGE(host, "tests/live/smb/smb-only-host.sh could not start (needs root and the standalone peer)");
    const auto& address = host->at("EPMDUMP_SMB_ONLY_ADDRESS");
    const std::vector<std::string> common{"--connect-timeout", "3", "--timeout", "5", "--transport", "auto", address};
    auto run_as = [&](const std::string& format) {
        std::vector<std::string> argv{"-q", "-f", format};
        argv.insert(argv.end(), common.begin(), common.end());
        auto r = test::run_process(EPMDUMP_EXE, argv, {}, std::nullopt, std::chrono::seconds(30));
        INFO(format << " stderr: " << r.err);
        CHECK(r.exit_code == 0);
        return r;
    };
    // JSON: the same entries as the samba-dcerpcd behind it lists on TCP 135 at its own address.
    const auto json_run = run_as("json");
    const auto record = one_host(json_run);
    CHECK(record["transport"] == "ncacn_np");
    CHECK(record["port"] == 445);
    CHECK(record["status"] == "ok");
    // Samba writes the address the client reached it at into its ncacn_ip_tcp towers: that one
    // word differs, every interface, protocol, port and pipe is the same.
    auto as_peer = endpoint_set(record);
    for (auto& line : as_peer)
        for (auto at = line.find(address); at != std::string::npos; at = line.find(address, at + sa->size()))
            line.replace(at, address.size(), *sa);
    std::sort(as_peer.begin(), as_peer.end());
    CHECK(as_peer == tcp_set(*sa));
    // Text (rpcdump and impacket layouts) and CSV name the transport that answered too.
    CHECK(run_as("rpcdump").out.find("| transport: ncacn_np") != std::string::npos);
    CHECK(run_as("impacket").out.find("[*] Transport: ncacn_np 445") != std::string::npos);
    const auto csv = run_as("csv").out;
    std::istringstream rows(csv);
    std::string header, first;
    REQUIRE(std::getline(rows, header));
    REQUIRE(std::getline(rows, first));
    CHECK(header.find("transport") != std::string::npos);
    CHECK(first.find(",ncacn_np") != std::string::npos);
    CHECK(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) == record["entries"].size() + 1);
}
