// `epmdump probe` as a user runs it, against scripted servers on loopback: each format, the
// registration gap of --registered, usage errors and exit statuses.
#include "e2e/run_process.hpp"
#include "support/scripted_server.hpp"

#include <epmdump/core/uuid.hpp>
#include <epmdump/epm/endpoint.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

using namespace epmdump;
using epmdump::test::process_result;
using epmdump::test::scripted_server;
using epmdump::test::server_script;

namespace {

constexpr const char* lsarpc = "12345778-1234-abcd-ef00-0123456789ab";
constexpr const char* samr = "12345778-1234-abcd-ef00-0123456789ac";

process_result probe(std::vector<std::string> args, std::optional<std::chrono::milliseconds> sigint_after = std::nullopt)
{
    args.insert(args.begin(), "probe");
    return test::run_process(EPMDUMP_EXE, args, {}, sigint_after, std::chrono::seconds(60));
}

std::vector<nlohmann::json> json_lines(const std::string& text)
{
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
}

std::string loopback(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

} // namespace

TEST_CASE("probe: a closed port is reported closed in every format, and that is no failure (exit 0)")
{
    const auto port = test::closed_port();
    const auto text = probe({loopback(port), "-q"});
    CHECK(text.exit_code == 0);
    CHECK(text.out == "# target: 127.0.0.1 | address: 127.0.0.1 | port: " + std::to_string(port) +
                          " | state: closed | error: refused: connection refused\n");
    const auto json = probe({loopback(port), "-f", "json"});
    CHECK(json.exit_code == 0);
    const auto lines = json_lines(json.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["record"] == "probe");
    CHECK(lines[0]["state"] == "closed");
    CHECK(lines[0]["port"] == port);
    CHECK(lines[0]["error"]["kind"] == "refused");
    CHECK(lines[0]["registered"].is_null());
    const auto csv = probe({loopback(port), "-f", "csv", "--csv-bom"});
    CHECK(csv.exit_code == 0);
    CHECK(csv.out == "\xEF\xBB\xBFtarget,address,port,scope,state,error,service,looks_like,first_bytes,mgmt,principal,"
                     "accepts_any_interface,interface,version,name,found_by,registration\r\n127.0.0.1,127.0.0.1," +
                         std::to_string(port) + ",port,closed,refused: connection refused,,,,,,,,,,,\r\n");
}

TEST_CASE("probe: ports given with a target and with --ports add up, each probed once, in ascending order")
{
    const auto a = test::closed_port();
    const auto b = test::closed_port();
    const auto r = probe({"127.0.0.1:" + std::to_string(std::max(a, b)) + "," + std::to_string(std::min(a, b)), "--ports",
                          std::to_string(a), "-f", "json", "-c", "1"});
    CHECK(r.exit_code == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == (a == b ? 1u : 2u));
    CHECK(lines.front()["port"] == std::min(a, b));
    CHECK(lines.back()["port"] == std::max(a, b));
}

TEST_CASE("probe --registered: a registered port where nothing listens is 'registered, not served'")
{
    const auto dead = test::closed_port();
    server_script s;
    s.entries = {test::make_entry(lsarpc, 0, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(dead), "lsarpc"),
                 test::make_entry(samr, 1, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(dead), "samr"),
                 test::make_entry(lsarpc, 0, 0, "ncacn_np", "", "\\pipe\\lsass", "lsarpc")};
    scripted_server mapper(s);
    const auto r = probe({"127.0.0.1", "--registered", "-p", std::to_string(mapper.port()), "-f", "json"});
    CHECK(r.exit_code == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1); // one TCP port registered; the pipe is not probed
    const auto& l = lines[0];
    CHECK(l["port"] == dead);
    CHECK(l["state"] == "closed");
    CHECK(l["registered"]["interfaces"].size() == 2);
    CHECK(l["registered"]["served_not_registered"].empty());
    REQUIRE(l["registered"]["registered_not_served"].size() == 2);
    CHECK(l["registered"]["registered_not_served"][0]["uuid"] == lsarpc);

    const auto text = probe({"127.0.0.1", "--registered", "-p", std::to_string(mapper.port())});
    CHECK(text.out.find("  registered, not served: [12345778-1234-abcd-ef00-0123456789ac] v1.0 ") != std::string::npos);
    const auto csv = probe({"127.0.0.1", "--registered", "-p", std::to_string(mapper.port()), "-f", "csv"});
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 3); // header + one row per registered interface
    CHECK(csv.out.find(",not_served\r\n") != std::string::npos);
}

TEST_CASE("probe --registered: a mapper that cannot be enumerated is one host record and exit status 1")
{
    const auto port = test::closed_port();
    const auto r = probe({"127.0.0.1", "--registered", "-p", std::to_string(port), "-f", "json"});
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["scope"] == "host");
    CHECK(lines[0]["state"] == "error");
    CHECK(lines[0]["port"] == port);
    CHECK(lines[0]["error"]["kind"] == "refused");
    CHECK(r.err.find("1 of 1 host not probed (1 refused)") != std::string::npos);
    CHECK(probe({"127.0.0.1", "--registered", "-p", std::to_string(port), "-q"}).err.empty());
}

TEST_CASE("probe: usage errors exit 2 with a message naming the problem")
{
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{}, "no targets"},
        {{"127.0.0.1"}, "no ports for '127.0.0.1'"},
        {{"127.0.0.1:0"}, "'0' is not a port"},
        {{"127.0.0.1:80,,81"}, "empty item"},
        {{"127.0.0.1", "--ports", "90-80"}, "ends before it starts"},
        {{"::1:135,445"}, "IPv6 address with ports goes in brackets"},
        {{"127.0.0.1:135", "-f", "impacket"}, "impacket's layout lists a mapper's entries, not ports"},
        {{"127.0.0.1:135", "-f", "xml"}, "unknown format"},
        {{"127.0.0.1:135", "--csv-bom"}, "--csv-bom needs --format csv"},
        {{"127.0.0.1:135", "-c", "0"}, "--concurrency"},
        {{"127.0.0.1:135", "--per-host", "0"}, "--per-host"},
        {{"trace.pcap", "--ports", "135"}, "is a capture file"},
    };
    for (const auto& [args, message] : cases)
    {
        const auto r = probe(args);
        INFO(message);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(message) != std::string::npos);
    }
}

TEST_CASE("probe: an IPv6 target in brackets with its ports, and a block of addresses, each port of each host")
{
    const auto port = test::closed_port();
    const auto r = probe({"127.0.0.1-3:" + std::to_string(port), "-f", "json"});
    CHECK(r.exit_code == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 3);
    std::vector<std::string> addresses;
    for (const auto& l : lines) addresses.push_back(l["address"]);
    std::sort(addresses.begin(), addresses.end());
    CHECK(addresses == std::vector<std::string>{"127.0.0.1", "127.0.0.2", "127.0.0.3"});
}

TEST_CASE("probe: targets and their ports from a list on stdin; a list entry without ports is a warning and exit 1")
{
    const auto port = test::closed_port();
    const auto r = test::run_process(EPMDUMP_EXE, {"probe", "-iL", "-", "-f", "json"},
                                     "127.0.0.1:" + std::to_string(port) + " # a comment\n127.0.0.2\n");
    CHECK(r.exit_code == 1);
    CHECK(json_lines(r.out).size() == 1);
    CHECK(r.err.find("no ports for '127.0.0.2' from a list") != std::string::npos);
}

namespace {

constexpr const char* netlogon = "12345678-1234-abcd-ef00-01234567cffb";

epm::syntax_id syntax_of(const char* id, std::uint16_t major) { return {*parse_uuid(id), major, 0}; }

} // namespace

TEST_CASE("probe --registered: an interface served but not registered, and one registered but not served")
{
    server_script served;
    served.mgmt = test::mgmt_style::answers;
    served.mgmt_if_ids = {syntax_of(lsarpc, 0), syntax_of(samr, 1)};
    served.accepted = served.mgmt_if_ids;
    scripted_server rpc(served);
    server_script m;
    m.entries = {test::make_entry(lsarpc, 0, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(rpc.port()), "lsarpc"),
                 test::make_entry(netlogon, 1, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(rpc.port()), "netlogon")};
    scripted_server mapper(m);
    const auto r = probe({"127.0.0.1", "--registered", "-p", std::to_string(mapper.port()), "-f", "json"});
    CHECK(r.exit_code == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    const auto& l = lines[0];
    INFO(l.dump());
    CHECK(l["state"] == "rpc");
    CHECK(l["mgmt_answered"] == true);
    CHECK(l["connections"] == 1);
    const auto& gap = l["registered"];
    REQUIRE(gap["served_not_registered"].size() == 1);
    CHECK(gap["served_not_registered"][0]["uuid"] == samr);
    REQUIRE(gap["registered_not_served"].size() == 1);
    CHECK(gap["registered_not_served"][0]["uuid"] == netlogon);

    const auto text = probe({"127.0.0.1", "--registered", "-p", std::to_string(mapper.port())});
    CHECK(text.out.find("  served, not registered: [12345778-1234-abcd-ef00-0123456789ac] v1.0") != std::string::npos);
    CHECK(text.out.find("  registered, not served: [12345678-1234-abcd-ef00-01234567cffb] v1.0") != std::string::npos);
    CHECK(text.out.find(":INQ_IF_IDS :REGISTERED") != std::string::npos);
    CHECK(text.out.find(":INQ_IF_IDS :NOT_REGISTERED") != std::string::npos);
}

TEST_CASE("probe: mgmt refused, the served interface is found by offering it, and the refusal is said")
{
    server_script s;
    s.mgmt = test::mgmt_style::not_specified;
    s.accepted = {syntax_of(lsarpc, 0)};
    scripted_server rpc(s);
    const auto r = probe({loopback(rpc.port()), "-f", "json"});
    CHECK(r.exit_code == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    INFO(lines[0].dump());
    CHECK(lines[0]["state"] == "rpc");
    CHECK(lines[0]["mgmt_answered"] == false);
    CHECK_FALSE(lines[0]["mgmt_refusal"].is_null());
    bool found = false;
    for (const auto& i : lines[0]["interfaces"]) found |= i["uuid"] == lsarpc && i["found_by"] == "probed";
    CHECK(found);
}

TEST_CASE("probe: a server that accepts any interface is reported as such, its acceptances not listed")
{
    server_script s;
    s.accept_any_interface = true;
    scripted_server rpc(s);
    const auto r = probe({loopback(rpc.port()), "-f", "json"});
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    INFO(lines[0].dump());
    CHECK(lines[0]["accepts_any_interface"] == true);
    CHECK(lines[0]["interfaces"].size() < 5);
    const auto text = probe({loopback(rpc.port())});
    CHECK(text.out.find("accepts any interface") != std::string::npos);
}

TEST_CASE("probe: Ctrl-C writes the port in flight as cancelled and exits 1")
{
    server_script s;
    s.silent = true;
    scripted_server quiet(s);
    const auto r = probe({loopback(quiet.port()), "-f", "json", "--timeout", "20"}, std::chrono::milliseconds(500));
    CHECK(r.exit_code == 1);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["error"]["kind"] == "cancelled");
    CHECK(r.err.find("interrupted") != std::string::npos);
    CHECK(r.seconds < 10);
}
