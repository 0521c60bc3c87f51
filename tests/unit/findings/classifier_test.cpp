// The per-host classifier: rules met by what is registered where, in any order, in fixed memory.
#include "entries.hpp"

#include <epmdump/findings/classifier.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace epmdump;
using namespace epmdump::findings;
using test::ids;
using test::registration;

namespace {

constexpr const char* drsuapi = "e3514235-4b06-11d1-ab04-00c04fc2dcd2";
constexpr const char* netlogon = "12345678-1234-abcd-ef00-01234567cffb";
constexpr const char* spoolss = "12345678-1234-abcd-ef00-0123456789ab";
constexpr const char* par = "76f03f96-cdfd-44fc-a22c-64950a001209";
constexpr const char* epmapper = "e1af8308-5d1f-11c9-91a4-08002b14a0fa";

bool has(const std::vector<std::string>& v, const std::string& id) { return std::find(v.begin(), v.end(), id) != v.end(); }

} // namespace

TEST_CASE("a domain controller registers drsuapi and netlogon both on TCP; one of them, or both on pipes only, is not one")
{
    const std::vector<epm::endpoint_entry> both_tcp = {registration(drsuapi, 4, "ncacn_ip_tcp", "49152"),
                                                       registration(netlogon, 1, "ncacn_ip_tcp", "49152")};
    const auto dc = classify(both_tcp);
    CHECK(ids(dc.roles()) == std::vector<std::string>{"domain_controller"});
    CHECK(ids(dc.findings()) == std::vector<std::string>{"netlogon_tcp"});

    CHECK(classify(std::vector{registration(drsuapi, 4, "ncacn_ip_tcp", "49152")}).empty());
    const std::vector<epm::endpoint_entry> pipes = {registration(drsuapi, 4, "ncacn_np", "\\pipe\\lsass"),
                                                    registration(netlogon, 1, "ncacn_np", "\\pipe\\netlogon")};
    CHECK(classify(pipes).empty());
}

TEST_CASE("entries fed in any order, and repeated, give the same result")
{
    std::vector<epm::endpoint_entry> entries = {
        registration(netlogon, 1, "ncacn_ip_tcp", "49152"), registration(spoolss, 1, "ncalrpc", "spoolss"),
        registration(drsuapi, 4, "ncacn_ip_tcp", "49153"), registration(par, 1, "ncacn_ip_tcp", "49668"),
        registration(epmapper, 3, "ncacn_ip_tcp", "135", "epmapper")};
    const auto forward = ids(classify(entries).roles());
    std::reverse(entries.begin(), entries.end());
    entries.push_back(entries.front());
    CHECK(ids(classify(entries).roles()) == forward);
    CHECK(forward == std::vector<std::string>{"domain_controller", "print_server", "samba"});
}

TEST_CASE("the print spooler on ncalrpc alone makes a print server but no remote exposure; on TCP or a pipe it is one")
{
    const auto local = classify(std::vector{registration(spoolss, 1, "ncalrpc", "spoolss")});
    CHECK(ids(local.roles()) == std::vector<std::string>{"print_server"});
    CHECK(local.findings().empty());

    for (const char* protseq : {"ncacn_ip_tcp", "ncacn_np", "ncacn_http"})
    {
        CAPTURE(protseq);
        const auto remote = classify(std::vector{registration(par, 1, protseq, "49668")});
        REQUIRE(remote.findings().size() == 1);
        const auto& m = remote.findings()[0];
        CHECK(m.what->id == "print_spooler_remote");
        CHECK(m.what->level == severity::high);
        CHECK(m.what->reference.find("CVE-2021-34527") != std::string_view::npos);
    }
}

TEST_CASE("Samba is told by its own interface or its table names as annotations; Windows' empty annotations are not Samba")
{
    const auto windows = classify(std::vector{registration("12345778-1234-abcd-ef00-0123456789ac", 1, "ncacn_ip_tcp", "49664"),
                                              registration(epmapper, 3, "ncacn_ip_tcp", "135")});
    CHECK_FALSE(has(ids(windows.roles()), "samba"));
    const auto samba_sa = classify(std::vector{registration("12345778-1234-abcd-ef00-0123456789ac", 1, "ncacn_np", "\\pipe\\samr", "samr")});
    CHECK(has(ids(samba_sa.roles()), "samba"));
    const auto unixinfo = classify(std::vector{registration("9c54e310-a955-4885-bd31-78787147dfa6", 0, "ncalrpc", "x")});
    CHECK(has(ids(unixinfo.roles()), "samba"));
    // The annotation must be Samba's name for that interface, not any annotation.
    CHECK(classify(std::vector{registration(epmapper, 3, "ncacn_ip_tcp", "135", "lsarpc")}).empty());
}

TEST_CASE("clear() starts the next host from nothing, and a result outlives its classifier")
{
    result kept;
    {
        host_classifier c;
        c.add(registration("50abc2a4-574d-40b3-9d66-ee4fd5fba076", 5, "ncacn_ip_tcp", "49155"));
        c.add(registration("91ae6020-9e3c-11cf-8d7c-00aa00c091be", 0, "ncacn_np", "\\pipe\\cert"));
        kept = c.classify();
        c.clear();
        CHECK(c.classify().empty());
        c.add(registration("b97db8b2-4c63-11cf-bff6-08002be23f2f", 3, "ncacn_ip_tcp", "49160"));
        CHECK(ids(c.classify().roles()) == std::vector<std::string>{"failover_cluster"});
    }
    CHECK(ids(kept.roles()) == std::vector<std::string>{"dns_server", "certificate_authority"});
}

TEST_CASE("entry_facts views are enough: the replay fast path feeds the classifier without an endpoint_entry")
{
    host_classifier c;
    entry_facts f;
    f.interface = uuid_literal("df1941c5-fe89-4e79-bf10-463657acf44d");
    f.major = 1;
    f.protseq = "ncacn_np";
    f.endpoint = "\\pipe\\efsrpc";
    c.add(f);
    CHECK(ids(c.classify().findings()) == std::vector<std::string>{"efsrpc_registered"});
    // The same interface only over local RPC is no remote exposure.
    host_classifier local;
    f.protseq = "ncalrpc";
    local.add(f);
    CHECK(local.classify().empty());
}

TEST_CASE("a classifier is a few words whatever the host registers")
{
    // O(1) per host: the campaign keeps one per host in flight.
    CHECK(sizeof(host_classifier) <= 64);
    host_classifier c;
    for (std::uint16_t port = 1; port < 2000; ++port)
        c.add(registration(spoolss, 1, "ncacn_ip_tcp", std::to_string(port)));
    CHECK(ids(c.classify().findings()) == std::vector<std::string>{"print_spooler_remote"});
}
