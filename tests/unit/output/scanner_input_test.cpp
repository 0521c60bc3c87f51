// Port scanners' output read as targets, from files nmap 7.93 and masscan 1.3.2 wrote
// (tests/fixtures/scanner/README.md says how), whole and cut, and broken in the ways files break.
#include <epmdump/output/scanner_input/scanner_input.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace si = epmdump::output::scanner_input;

namespace {

const std::vector<std::uint16_t> every_transport{135, 445, 139, 593};

std::string scanner_fixture_text(const std::string& name) { return epmdump::test::read_text(epmdump::test::source_dir() / "tests/fixtures/scanner" / name); }

struct parsed
{
    std::vector<si::open_port> ports;
    std::optional<si::error> error;
};

// The whole input in slices of `slice` bytes (0: at once), then its end.
parsed parse_scan(si::format f, std::string_view text, std::size_t slice = 0, std::vector<std::uint16_t> wanted = every_transport)
{
    si::reader r(f, std::move(wanted));
    parsed out;
    const auto bytes = std::as_bytes(std::span<const char>(text.data(), text.size()));
    const std::size_t step = slice == 0 ? std::max<std::size_t>(bytes.size(), 1) : slice;
    for (std::size_t at = 0; at < bytes.size() && !out.error; at += step)
        out.error = r.feed(bytes.subspan(at, std::min(step, bytes.size() - at)), out.ports);
    if (!out.error) out.error = r.finish(out.ports);
    return out;
}

std::vector<std::string> shown_ports(const parsed& p)
{
    std::vector<std::string> out;
    for (const auto& o : p.ports) out.push_back(o.address + ":" + std::to_string(o.port));
    return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

} // namespace

TEST_CASE("nmap's XML gives each host's open wanted ports in the order asked, whole or cut anywhere")
{
    const auto xml = scanner_fixture_text("nmap-loopback.xml");
    CHECK(si::detect(first_line(xml)) == si::format::nmap_xml);
    if (!si::xml_supported())
    {
        const auto r = parse_scan(si::format::nmap_xml, xml);
        REQUIRE(r.error);
        CHECK(r.error->code == si::errc::no_xml_support);
        return;
    }
    const auto whole = parse_scan(si::format::nmap_xml, xml);
    REQUIRE_FALSE(whole.error);
    const std::vector<std::string> expected{"127.0.83.1:135", "127.0.83.1:445", "127.0.83.2:445", "127.0.83.2:139", "127.0.83.3:593"};
    CHECK(shown_ports(whole) == expected);
    CHECK(whole.ports.front().line == 9); // the <host> element's line
    for (const std::size_t slice : {1u, 7u, 100u})
        CHECK(shown_ports(parse_scan(si::format::nmap_xml, xml, slice)) == expected);
    // Only the SMB ports: 445 before 139 when both are open (one target per host is the source's choice).
    CHECK(shown_ports(parse_scan(si::format::nmap_xml, xml, 0, {445, 139})) ==
          std::vector<std::string>{"127.0.83.1:445", "127.0.83.2:445", "127.0.83.2:139"});
}

TEST_CASE("nmap's grepable output gives the same hosts and ports as its XML of the same scan")
{
    const auto text = scanner_fixture_text("nmap-loopback.gnmap");
    CHECK(si::detect(first_line(text)) == si::format::nmap_grepable);
    const auto r = parse_scan(si::format::nmap_grepable, text);
    REQUIRE_FALSE(r.error);
    CHECK(shown_ports(r) == std::vector<std::string>{"127.0.83.1:135", "127.0.83.1:445", "127.0.83.2:445", "127.0.83.2:139", "127.0.83.3:593"});
    CHECK(r.ports.front().line == 3);
    CHECK(shown_ports(parse_scan(si::format::nmap_grepable, text, 3)) == shown_ports(r));
}

TEST_CASE("masscan's JSON and list output give one open port per record, in the file's order")
{
    const auto json = scanner_fixture_text("masscan-netns.json");
    CHECK(si::detect(first_line(json)) == si::format::masscan_json);
    const auto j = parse_scan(si::format::masscan_json, json);
    REQUIRE_FALSE(j.error);
    CHECK(shown_ports(j) == std::vector<std::string>{"198.18.83.3:593", "198.18.83.3:139", "198.18.83.2:135", "198.18.83.2:445"});
    CHECK(j.ports.front().line == 2);
    CHECK(shown_ports(parse_scan(si::format::masscan_json, json, 5)) == shown_ports(j));

    const auto list = scanner_fixture_text("masscan-netns.lst");
    CHECK(si::detect(first_line(list)) == si::format::masscan_list);
    const auto l = parse_scan(si::format::masscan_list, list);
    REQUIRE_FALSE(l.error);
    CHECK(shown_ports(l) == std::vector<std::string>{"198.18.83.3:139", "198.18.83.2:445", "198.18.83.3:593", "198.18.83.2:135"});
    CHECK(shown_ports(parse_scan(si::format::masscan_list, list, 0, {135})) == std::vector<std::string>{"198.18.83.2:135"});
}

TEST_CASE("a plain target list is not taken for a scanner's output")
{
    for (const char* line : {"10.0.0.1", "[::1]:135", "# my hosts", "ncacn_np:host", "127.0.0.1-5", ""})
        CHECK_FALSE(si::detect(line));
    CHECK(si::detect("{\"ip\": \"192.0.2.1\", \"ports\": []}") == si::format::masscan_json); // masscan -oD
    CHECK(si::detect("[\r") == si::format::masscan_json);
}

TEST_CASE("nmap's normal output given as grepable is a bad record on its line")
{
    const auto r = parse_scan(si::format::nmap_grepable, "# Nmap 7.93 scan initiated\nNmap scan report for 127.0.0.1\nPORT STATE\n");
    REQUIRE(r.error);
    CHECK(r.error->code == si::errc::bad_record);
    CHECK(r.error->line == 2);
    CHECK(r.error->offset == 27); // "# Nmap 7.93 scan initiated\n" is 27 bytes
    CHECK(r.error->detail.find("-oN") != std::string::npos);
    const auto entry = parse_scan(si::format::nmap_grepable, "Host: 10.0.0.1 ()\tPorts: 135/open/tcp//msrpc///, x/open/tcp\n");
    REQUIRE(entry.error);
    CHECK(entry.error->code == si::errc::bad_record);
    CHECK(entry.error->line == 1);
}

TEST_CASE("an nmap XML file cut short is truncated, and malformed XML is bad, each with its line")
{
    if (!si::xml_supported()) return;
    const auto xml = scanner_fixture_text("nmap-loopback.xml");
    const auto cut = parse_scan(si::format::nmap_xml, xml.substr(0, xml.find("</host>", 1000)));
    REQUIRE(cut.error);
    CHECK(cut.error->code == si::errc::truncated);
    CHECK(cut.error->line > 9);
    const auto bad = parse_scan(si::format::nmap_xml, "<?xml version=\"1.0\"?>\n<nmaprun>\n<host></nmaprun>\n");
    REQUIRE(bad.error);
    CHECK(bad.error->code == si::errc::bad_xml);
    CHECK(bad.error->line == 3);
}

TEST_CASE("an XML entity declaration is refused before anything expands (billion laughs)")
{
    if (!si::xml_supported()) return;
    const std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>\n"
                             "<nmaprun>&b;</nmaprun>\n";
    const auto r = parse_scan(si::format::nmap_xml, bomb);
    REQUIRE(r.error);
    CHECK(r.error->code == si::errc::bad_xml);
    CHECK(r.error->line == 2);
}

TEST_CASE("masscan JSON without its closing bracket is truncated; a broken object is a bad record on its line")
{
    const auto json = scanner_fixture_text("masscan-netns.json");
    const auto cut = parse_scan(si::format::masscan_json, json.substr(0, json.rfind(']')));
    REQUIRE(cut.error);
    CHECK(cut.error->code == si::errc::truncated);
    CHECK(cut.ports.size() == 4); // what came before the cut was read
    const auto broken = parse_scan(si::format::masscan_json, "[\n{\"ip\": \"192.0.2.1\", \"ports\": [{\"port\": 135}]}\n,\n{\"ip\": 7}\n]\n");
    REQUIRE(broken.error);
    CHECK(broken.error->code == si::errc::bad_record);
    CHECK(broken.error->line == 4);
    const auto nested = parse_scan(si::format::masscan_json, "[\n" + std::string(5000, '[') + "\n]\n");
    REQUIRE(nested.error);
    CHECK(nested.error->code == si::errc::bad_record);
}

TEST_CASE("a line longer than the bound is an error at once, without holding the rest")
{
    const std::string big = "#masscan\nopen tcp 135 " + std::string(si::max_scanner_record + 10, '1') + "\n";
    const auto r = parse_scan(si::format::masscan_list, big, 4096);
    REQUIRE(r.error);
    CHECK(r.error->code == si::errc::record_too_long);
    CHECK(r.error->line == 2);
    CHECK(r.error->offset == 9);
}

TEST_CASE("masscan list lines that are not open TCP ports are skipped, a mangled one is an error")
{
    const auto r = parse_scan(si::format::masscan_list,
                         "#masscan\nbanner tcp 135 192.0.2.1 1700000000 unknown x\nclosed tcp 135 192.0.2.2 1700000000\n"
                         "open udp 135 192.0.2.3 1700000000\nopen tcp 135 192.0.2.4 1700000000\n# end\n");
    REQUIRE_FALSE(r.error);
    CHECK(shown_ports(r) == std::vector<std::string>{"192.0.2.4:135"});
    const auto bad = parse_scan(si::format::masscan_list, "#masscan\nopen tcp http 192.0.2.1 1\n");
    REQUIRE(bad.error);
    CHECK(bad.error->code == si::errc::bad_record);
    CHECK(bad.error->line == 2);
}
