// --format summary: a line per host an auditor can paste, totals that count what the lines say.
#include "sample.hpp"

#include <epmdump/output/writer.hpp>

#include <doctest/doctest.h>

#include <sstream>
#include <string>

using namespace epmdump;
using test::make_entry;

namespace {

epm::enumeration dc(std::string address)
{
    epm::enumeration e;
    e.target = address;
    e.address = std::move(address);
    e.entries.push_back(make_entry("e3514235-4b06-11d1-ab04-00c04fc2dcd2", 4, 0, "", "ncacn_ip_tcp", "", "49667"));
    e.entries.push_back(make_entry("12345678-1234-abcd-ef00-01234567cffb", 1, 0, "", "ncacn_ip_tcp", "", "49668"));
    e.entries.push_back(make_entry("12345678-1234-abcd-ef00-0123456789ab", 1, 0, "", "ncacn_ip_tcp", "", "49670"));
    return e;
}

std::string summary_of(std::span<const epm::enumeration> hosts, output::format_options o = {})
{
    o.text_line_ending = output::line_ending::lf;
    std::ostringstream out;
    output::write_all(out, output::format::summary, hosts, o);
    return out.str();
}

} // namespace

TEST_CASE("summary: one line per host with status, endpoints, roles and findings, then the totals")
{
    epm::enumeration refused;
    refused.target = "10.0.0.9";
    refused.address = "10.0.0.9";
    refused.fail(epm::failure_kind::refused, "connection refused");
    const std::vector<epm::enumeration> hosts = {dc("10.0.0.1"), refused, test::sample_enumeration()};
    CHECK(summary_of(hosts) ==
          "10.0.0.1 ok endpoints=3 roles=domain_controller,print_server findings=print_spooler_remote(high),netlogon_tcp(medium)\n"
          "10.0.0.9 error(refused) endpoints=0 roles=- findings=-\n"
          "10.0.100.32 ok endpoints=5 roles=exchange_server(2010),samba findings=-\n"
          "# totals: hosts=3 answered=2 incomplete=0 failed=1 enumerations=3\n"
          "# role domain_controller (domain controller): 1\n"
          "# role exchange_server (Exchange server): 1\n"
          "# role print_server (print server): 1\n"
          "# role samba (Samba): 1\n"
          "# finding print_spooler_remote (high, print spooler reachable remotely): 1\n"
          "# finding netlogon_tcp (medium, Netlogon reachable over TCP (Zerologon target)): 1\n");
}

TEST_CASE("summary: the endpoint count follows the filters, the roles read every entry")
{
    output::format_options o;
    REQUIRE(o.filter.add_protseq("ncacn_np"));
    const std::vector<epm::enumeration> hosts = {dc("10.0.0.1")};
    const auto text = summary_of(hosts, o);
    CHECK(text.rfind("10.0.0.1 ok endpoints=0 roles=domain_controller,print_server ", 0) == 0);
}

TEST_CASE("summary: a server-chosen or user-given name is escaped, a port other than 135 is named")
{
    epm::enumeration e;
    e.target = "evil\x1b]0;owned\x07";
    e.port = 445;
    e.fail(epm::failure_kind::resolve_failed, "no such name");
    const std::vector<epm::enumeration> hosts = {e};
    const auto text = summary_of(hosts);
    CHECK(text.rfind("evil\\x1b]0;owned\\x07 port=445 error(resolve_failed) endpoints=0", 0) == 0);
    CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("summary: no hosts still ends with the totals, in CR LF where asked")
{
    std::ostringstream out;
    output::format_options o;
    o.text_line_ending = output::line_ending::crlf;
    output::write_all(out, output::format::summary, std::span<const epm::enumeration>{}, o);
    CHECK(out.str() == "# totals: hosts=0 answered=0 incomplete=0 failed=0 enumerations=0\r\n");
    CHECK(output::parse_format("Summary") == output::format::summary);
    CHECK(output::to_string(output::format::summary) == "summary");
}

TEST_CASE("summary: totals count a host once however many enumerations name it, answered when one of them was")
{
    epm::enumeration refused;
    refused.target = "dc.example";
    refused.address = "10.0.0.1";
    refused.fail(epm::failure_kind::refused, "connection refused");
    epm::enumeration unresolved;
    unresolved.target = "gone.example";
    unresolved.fail(epm::failure_kind::resolve_failed, "no such name");
    const std::vector<epm::enumeration> hosts = {dc("10.0.0.1"), refused, dc("10.0.0.1"), unresolved, unresolved};
    const auto text = summary_of(hosts);
    CHECK(text.find("# totals: hosts=2 answered=1 incomplete=0 failed=1 enumerations=5\n"
                    "# role domain_controller (domain controller): 1\n"
                    "# role print_server (print server): 1\n") != std::string::npos);
}
