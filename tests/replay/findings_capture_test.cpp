// The rules table against real captures: the Samba peers recorded in pcaps/, the Windows 10 and
// Exchange captures. What each shows is what its registrations say, nothing more.
#include "support/test_files.hpp"
#include "unit/findings/index_rows.hpp"

#include <epmdump/capture/replay.hpp>
#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/findings/classifier.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

using namespace epmdump;

namespace {

struct classified
{
    std::vector<std::string> roles, findings;
};

classified ids_of(const findings::result& r)
{
    classified out;
    for (const auto& m : r.roles()) out.roles.emplace_back(m.what->id);
    for (const auto& m : r.findings()) out.findings.emplace_back(m.what->id);
    return out;
}

// The one conversation of a capture, classified.
std::optional<epm::enumeration> only_conversation(const std::filesystem::path& pcap)
{
    auto r = capture::replay_file(pcap);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.conversations.size() == 1);
    return std::move(r.conversations[0].enumeration);
}

} // namespace

TEST_CASE("the Samba AD DC capture is a domain controller, a DNS server and Samba, with Netlogon on TCP")
{
    const auto e = only_conversation(test::project_pcap("samba-ad-dc-rpcdump.pcap"));
    const auto c = ids_of(findings::classify(e->entries));
    CHECK(c.roles == std::vector<std::string>{"domain_controller", "dns_server", "samba"});
    CHECK(c.findings == std::vector<std::string>{"netlogon_tcp"});
}

TEST_CASE("the Samba standalone capture is no domain controller: a Samba print server with its coercion surfaces")
{
    const auto e = only_conversation(test::project_pcap("samba-standalone-rpcdump.pcap"));
    const auto c = ids_of(findings::classify(e->entries));
    CHECK(c.roles == std::vector<std::string>{"print_server", "samba"});
    // spoolss on \pipe\spoolss, netdfs and FileServerVssAgent as the peer registers them.
    CHECK(c.findings == std::vector<std::string>{"print_spooler_remote", "dfs_namespace_remote", "fsrvp_remote"});
}

TEST_CASE("the JSON line of a replayed conversation carries its roles and findings, and reads back as before")
{
    const auto e = only_conversation(test::project_pcap("samba-ad-dc-rpcdump.pcap"));
    const auto line = output::to_json_line(*e);
    CHECK(line.find(R"("roles":[{"id":"domain_controller","name":"domain controller"},{"id":"dns_server",)") !=
          std::string::npos);
    CHECK(line.find(R"("findings":[{"id":"netlogon_tcp","name":)") != std::string::npos);
    const auto back = output::read_json_lines(line);
    REQUIRE(back.has_value());
    REQUIRE(back->enumerations.size() == 1);
    CHECK(back->enumerations[0].entries.size() == e->entries.size()); // towers are not in the line
    CHECK(output::to_json_line(back->enumerations[0]) == line);
}

TEST_CASE("the Windows 10 capture is no server role, but its spooler, service manager and task scheduler listen on TCP")
{
    const auto pcap = test::shared_file("pcaps/win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng");
    if (!pcap) EPMDUMP_SKIP("../shared/pcaps is absent (this capture may not be copied)");
    const auto e = only_conversation(*pcap);
    const auto c = ids_of(findings::classify(e->entries));
    // MS-RPRN and MS-PAR on ncacn_ip_tcp: a workstation's spooler, reachable from the network.
    CHECK(c.roles == std::vector<std::string>{"print_server"});
    CHECK(c.findings == std::vector<std::string>{"print_spooler_remote", "scmr_tcp", "tsch_tcp"});
}

TEST_CASE("the Exchange MAPI capture's ept_map answers make an Exchange server, of the profile epmdump exchange detects")
{
    auto r = capture::replay_file(test::project_pcap("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap"));
    REQUIRE_FALSE(r.error);
    exchange::diagnosis_input in;
    findings::host_classifier classifier; // one server: every conversation is to it
    for (const auto& conversation : r.conversations)
    {
        for (const auto& entry : conversation.enumeration.entries) classifier.add(entry);
        in.enumerations.push_back(conversation.enumeration);
    }
    const auto result = classifier.classify();
    REQUIRE(result.roles().size() == 1);
    CHECK(result.roles()[0].what->id == "exchange_server");
    CHECK(result.roles()[0].detail == exchange::to_string(exchange::diagnose(in).profile));
    CHECK(result.findings().empty());
}

TEST_CASE("over every capture of pcaps/ and ../shared/pcaps, the classifier's interface index names exactly the rows a table scan names, entry by entry")
{
    std::vector<std::filesystem::path> captures;
    for (const auto& f : std::filesystem::directory_iterator(test::source_dir() / "pcaps"))
        captures.push_back(f.path());
    if (const auto shared = test::shared_file("pcaps"))
        for (const auto& f : std::filesystem::directory_iterator(*shared)) captures.push_back(f.path());
    std::size_t entries = 0, named = 0;
    for (const auto& pcap : captures)
    {
        if (pcap.extension() != ".pcap" && pcap.extension() != ".pcapng") continue;
        CAPTURE(pcap.string());
        const auto r = capture::replay_file(pcap);
        for (const auto& conversation : r.conversations)
            for (const auto& entry : conversation.enumeration.entries)
            {
                CAPTURE(to_string(entry.interface.id));
                const auto by_index = test::rows_by_index(entry.interface.id);
                CHECK(by_index == test::rows_by_scan(entry.interface.id));
                ++entries;
                named += by_index.empty() ? 0 : 1;
            }
    }
    CHECK(entries > 100);
    CHECK(named > 10);
    CHECK(named < entries); // most registrations are in no rule
}
