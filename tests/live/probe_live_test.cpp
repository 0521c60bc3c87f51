// `epmdump probe` against the real Samba servers (../shared/peers/samba-epm): what each port
// registered with the endpoint mapper serves, compared with impacket's rpcmap.py run now on the
// same port; the mapper and mgmt on 135; the AD DC's LDAP, Kerberos and SMB ports recognised;
// a closed port. Skipped, saying why, without the peers (a failure under EPMDUMP_REQUIRE_LIVE).
#include "e2e/run_process.hpp"
#include "rpcmap_output.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace epmdump;

namespace {

constexpr const char* mgmt_uuid = "afa8bd80-7d8a-11c9-bef4-08002b102989";
constexpr const char* epm_uuid = "e1af8308-5d1f-11c9-91a4-08002b14a0fa";
// Debian's python3-impacket ships rpcmap.py as an example.
constexpr const char* rpcmap = "/usr/share/doc/python3-impacket/examples/rpcmap.py";

std::optional<std::string> env(const char* name)
{
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

#define REQUIRE_PEER(var, name)                                                                                   \
    const auto var = env(name);                                                                                   \
    if (!var) EPMDUMP_SKIP(std::string(name) + " is not set: the Samba peer was not started (needs root and network namespaces; scripts/start-peers.sh)")

std::vector<nlohmann::json> probe_json(const std::vector<std::string>& args, int expected_status = 0)
{
    std::vector<std::string> argv{"probe", "-f", "json", "-q", "--connect-timeout", "3"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = test::run_process(EPMDUMP_EXE, argv, {}, std::nullopt, std::chrono::seconds(60));
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == expected_status);
    std::vector<nlohmann::json> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
}

// "uuid vMAJ.MIN", lower case, without the management interface (rpcmap adds it to every port).
std::set<std::string> served(const nlohmann::json& port)
{
    std::set<std::string> out;
    for (const auto& i : port["interfaces"])
        if (i["uuid"] != mgmt_uuid) out.insert(i["uuid"].get<std::string>() + " v" + i["version"].get<std::string>());
    return out;
}

// rpcmap.py's "UUID: XXXXXXXX-... vM.m" lines for ncacn_ip_tcp:ADDRESS[PORT], the same way.
std::optional<std::set<std::string>> rpcmap_served(const std::string& address, std::uint16_t port)
{
    const auto r = test::run_process("/usr/bin/python3", {rpcmap, "ncacn_ip_tcp:" + address + "[" + std::to_string(port) + "]"},
                                     {}, std::nullopt, std::chrono::seconds(120));
    if (r.exit_code != 0) return std::nullopt;
    return test::rpcmap_interfaces(r.out);
}

bool rpcmap_installed() { return std::filesystem::exists(rpcmap) && std::filesystem::exists("/usr/bin/python3"); }

// Every registered TCP port's interface set equals rpcmap's, and it is the registration.
void compare_registered_ports_with_rpcmap(const std::string& address)
{
    if (!rpcmap_installed()) EPMDUMP_SKIP(std::string("impacket's rpcmap.py is not installed (") + rpcmap + ": apt install python3-impacket)");
    const auto ports = probe_json({address, "--registered"});
    REQUIRE(ports.size() >= 2);
    for (const auto& p : ports)
    {
        INFO("port " << p["port"] << ": " << p.dump());
        REQUIRE(p["scope"] == "port");
        CHECK(p["state"] == "rpc");
        CHECK(p["accepts_any_interface"] == false);
        CHECK(p["connections"] == 1); // one connection per port
        const auto theirs = rpcmap_served(address, p["port"].get<std::uint16_t>());
        REQUIRE(theirs);
        CHECK(served(p) == *theirs);
        MESSAGE("port " << p["port"] << ": " << served(p).size() << " interfaces, mgmt "
                        << (p["mgmt_answered"] == true ? "answered" : "refused: " + p["mgmt_refusal"].dump()));
    }
}

} // namespace

TEST_CASE("Samba AD DC: probe --registered finds on every registered TCP port the interfaces rpcmap.py finds")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    compare_registered_ports_with_rpcmap(*address);
}

TEST_CASE("samba-dcerpcd: probe --registered finds on every registered TCP port the interfaces rpcmap.py finds")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_SA_ADDRESS");
    compare_registered_ports_with_rpcmap(*address);
}

TEST_CASE("Samba AD DC: port 135 serves the endpoint mapper and answers mgmt")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    const auto ports = probe_json({*address + ":135"});
    REQUIRE(ports.size() == 1);
    const auto& p = ports[0];
    INFO(p.dump());
    CHECK(p["state"] == "rpc");
    CHECK(p["mgmt_answered"] == true);
    CHECK(served(p).count(std::string(epm_uuid) + " v3.0") == 1);
}

TEST_CASE("Samba AD DC: LDAP, Kerberos and SMB are not_rpc, each named, and a port nobody listens on is closed")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    const auto ports = probe_json({*address + ":1,88,389,445"});
    REQUIRE(ports.size() == 4);
    std::map<int, nlohmann::json> by_port;
    for (const auto& p : ports) by_port[p["port"].get<int>()] = p;
    CHECK(by_port[1]["state"] == "closed");
    for (const auto& [port, service] : std::vector<std::pair<int, std::string>>{{88, "kerberos"}, {389, "ldap"}, {445, "smb"}})
    {
        INFO(by_port[port].dump());
        CHECK(by_port[port]["state"] == "not_rpc");
        CHECK(by_port[port]["service"] == service);
    }
}
