// A port scanner's output as a target list: -iL tells it from a plain list, --from-nmap and
// --from-masscan insist on their scanner, one target per host at the port the scanner saw.
#include <epmdump/client/target_list.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using epmdump::client::list_file;
using epmdump::client::list_kind;
using epmdump::client::scanner_ports;
using epmdump::client::target_source;

namespace {

std::string scanner_fixture(const char* name) { return (epmdump::test::source_dir() / "tests/fixtures/scanner" / name).string(); }

struct drained
{
    std::vector<std::string> targets; // HOST:PORT
    std::vector<std::string> warnings;
};

drained drain_scanner_source(target_source& src)
{
    drained out;
    src.set_warning_handler([&](const std::string& w) { out.warnings.push_back(w); });
    while (auto t = src.next()) out.targets.push_back(t->host + ":" + std::to_string(t->port));
    return out;
}

} // namespace

TEST_CASE("an nmap file given to -iL gives one target per host, at the first open port of 135, 445, 139, 593")
{
    for (const char* name : {"nmap-loopback.gnmap", "nmap-loopback.xml"})
    {
        if (std::string_view(name).ends_with(".xml") && !epmdump::output::scanner_input::xml_supported()) continue;
        CAPTURE(name);
        target_source src({}, std::vector<list_file>{{scanner_fixture(name), list_kind::any}}, 0, scanner_ports(std::nullopt, 0));
        REQUIRE(src.list_error().empty());
        CHECK(src.total_known());
        CHECK(src.total() == 3); // counted up front, before anything is sent
        CHECK(src.scanner_lists()); // known before the first output (the CSV transport column)
        const auto r = drain_scanner_source(src);
        CHECK(r.targets == std::vector<std::string>{"127.0.83.1:135", "127.0.83.2:445", "127.0.83.3:593"});
        CHECK(r.warnings.empty());
    }
}

TEST_CASE("the transport asked for chooses the ports that make a host a target")
{
    CHECK(scanner_ports(epmdump::client::transport::ncacn_np, 0) == std::vector<std::uint16_t>{445, 139});
    CHECK(scanner_ports(epmdump::client::transport::ncacn_http, 0) == std::vector<std::uint16_t>{593});
    CHECK(scanner_ports(std::nullopt, 1135) == std::vector<std::uint16_t>{1135});
    target_source src({}, std::vector<list_file>{{scanner_fixture("masscan-netns.json"), list_kind::masscan}}, 0,
                      scanner_ports(epmdump::client::transport::ncacn_np, 0));
    REQUIRE(src.list_error().empty());
    CHECK(src.scanner_lists()); // said so: --from-masscan
    // masscan's order: .3's 139 comes before .2's 445; a host's second port is not a second target.
    CHECK(drain_scanner_source(src).targets == std::vector<std::string>{"198.18.83.3:139", "198.18.83.2:445"});
}

TEST_CASE("a file that is not the scanner's it is said to be is a usage error naming it")
{
    target_source src({}, std::vector<list_file>{{scanner_fixture("nmap-loopback.gnmap"), list_kind::masscan}}, 0,
                      scanner_ports(std::nullopt, 0));
    CHECK(src.list_error().find("nmap-loopback.gnmap is not masscan's") != std::string::npos);
}

TEST_CASE("a broken scanner file is a usage error with its file and line before any target is handed out")
{
    const auto path = std::filesystem::temp_directory_path() / "epmdump-scanner-broken.gnmap";
    std::ofstream(path) << "# Nmap 7.93 scan initiated\nHost: 127.0.0.1 ()\tPorts: 135/open/tcp//msrpc///\nNmap scan report for x\n";
    target_source src({}, std::vector<list_file>{{path.string(), list_kind::nmap}}, 0, scanner_ports(std::nullopt, 0));
    CHECK(src.list_error().find("epmdump-scanner-broken.gnmap:3: nmap grepable (-oG): not a line of nmap grepable output") !=
          std::string::npos);
    std::filesystem::remove(path);
}

TEST_CASE("scanner output on stdin is read as it comes, its errors found while reading")
{
    std::istringstream in("#masscan\nopen tcp 135 127.0.0.7 1796487002\nopen tcp 445 127.0.0.7 1796487002\nopen tcp 445 127.0.0.8 1\n"
                          "open tcp x\n");
    target_source src({}, std::vector<list_file>{{"-", list_kind::any}}, 0, scanner_ports(std::nullopt, 0), {}, &in);
    REQUIRE(src.list_error().empty());
    CHECK_FALSE(src.total_known());
    CHECK_FALSE(src.scanner_lists()); // a pipe given to -iL is not read ahead
    const auto r = drain_scanner_source(src);
    CHECK(r.targets == std::vector<std::string>{"127.0.0.7:135", "127.0.0.8:445"});
    CHECK(src.list_error() == "stdin:5: masscan list (-oL): not a line of masscan list output (STATUS PROTOCOL PORT ADDRESS TIME expected)");
}

TEST_CASE("a scanner file whose hosts have none of the ports open says so and gives no target")
{
    target_source src({}, std::vector<list_file>{{scanner_fixture("masscan-netns.lst"), list_kind::any}}, 0,
                      scanner_ports(std::nullopt, 8080));
    REQUIRE(src.list_error().empty());
    CHECK(src.total() == 0);
    const auto r = drain_scanner_source(src);
    CHECK(r.targets.empty());
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings.front().find("gave no target: no host in it has one of the ports looked for open (8080/tcp") != std::string::npos);
}
