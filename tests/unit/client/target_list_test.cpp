// Target words and lists: what admins type, and what they mistype.
#include "target_rejection.hpp"

#include <epmdump/client/target_list.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using epmdump::client::parse_target;
using epmdump::client::test::rejection;
using epmdump::client::target_pattern;
using epmdump::client::target_source;

namespace {

std::vector<std::string> expand(std::string_view word, std::uint16_t default_port = 0)
{
    std::string error;
    auto p = parse_target(word, error);
    REQUIRE_MESSAGE(p, error);
    std::vector<std::string> out;
    for (std::uint64_t i = 0; i < p->count; ++i)
    {
        auto t = p->at(i, default_port);
        out.push_back(t.host + (t.port ? ":" + std::to_string(t.port) : std::string()));
    }
    return out;
}

std::vector<std::string> drain(target_source& source)
{
    std::vector<std::string> out;
    while (auto t = source.next()) out.push_back(t->host + ":" + std::to_string(t->port));
    return out;
}

} // namespace

TEST_CASE("a host name, an IPv4 and an IPv6 literal are single targets")
{
    CHECK(expand("dc1.example.org") == std::vector<std::string>{"dc1.example.org"});
    CHECK(expand("10.1.2.3") == std::vector<std::string>{"10.1.2.3"});
    CHECK(expand("::1") == std::vector<std::string>{"::1"});
    CHECK(expand("fe80::1:2") == std::vector<std::string>{"fe80::1:2"});
}

TEST_CASE("HOST:PORT and [IPv6]:PORT carry their own port, bare IPv6 keeps the default")
{
    CHECK(expand("dc1:593", 135) == std::vector<std::string>{"dc1:593"});
    CHECK(expand("10.0.0.1:1024", 135) == std::vector<std::string>{"10.0.0.1:1024"});
    CHECK(expand("[::1]:593", 135) == std::vector<std::string>{"::1:593"});
    CHECK(expand("[2001:db8::7]", 135) == std::vector<std::string>{"2001:db8::7:135"});
    CHECK(expand("2001:db8::7", 135) == std::vector<std::string>{"2001:db8::7:135"});
}

TEST_CASE("an IPv4 CIDR block expands to every address in order, host bits cleared")
{
    auto hosts = expand("192.168.7.9/30");
    CHECK(hosts == std::vector<std::string>{"192.168.7.8", "192.168.7.9", "192.168.7.10", "192.168.7.11"});
    auto big = expand("10.0.0.0/24");
    REQUIRE(big.size() == 256);
    CHECK(big.front() == "10.0.0.0");
    CHECK(big.back() == "10.0.0.255");
    CHECK(expand("10.0.0.1/32") == std::vector<std::string>{"10.0.0.1"});
}

TEST_CASE("a CIDR block crosses octet boundaries when it counts upward")
{
    auto hosts = expand("10.0.0.0/23");
    REQUIRE(hosts.size() == 512);
    CHECK(hosts[255] == "10.0.0.255");
    CHECK(hosts[256] == "10.0.1.0");
}

TEST_CASE("an IPv6 CIDR block and its port in brackets")
{
    auto hosts = expand("[fd00::10/126]:135");
    CHECK(hosts == std::vector<std::string>{"fd00::10:135", "fd00::11:135", "fd00::12:135", "fd00::13:135"});
}

TEST_CASE("IPv4 ranges: last octet form and full-address form")
{
    CHECK(expand("10.0.0.1-3") == std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3"});
    auto across = expand("10.0.0.254-10.0.1.1");
    CHECK(across == std::vector<std::string>{"10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"});
    CHECK(expand("10.0.0.1-20:593").size() == 20);
    CHECK(expand("10.0.0.1-20:593").back() == "10.0.0.20:593");
}

TEST_CASE("IPv6 ranges between two addresses")
{
    CHECK(expand("fd00::fe-fd00::101") ==
          std::vector<std::string>{"fd00::fe", "fd00::ff", "fd00::100", "fd00::101"});
}

TEST_CASE("host names with dashes are names, not ranges")
{
    CHECK(expand("web-01.corp") == std::vector<std::string>{"web-01.corp"});
}

TEST_CASE("malformed targets are rejected with a reason")
{
    CHECK(rejection("10.0.0.0/33").find("prefix") != std::string::npos);
    CHECK(rejection("10.0.0.0/7").find("2^24") != std::string::npos);
    CHECK(rejection("10.0.0.9-3").find("before") != std::string::npos);
    CHECK(rejection("10.0.0.1-300").find("range") != std::string::npos);
    CHECK(rejection("host:0").find("port") != std::string::npos);
    CHECK(rejection("host:65536").find("port") != std::string::npos);
    CHECK(rejection("[::1").find("]") != std::string::npos);
    CHECK(rejection("[::1]x").find("PORT") != std::string::npos);
    CHECK_FALSE(rejection("bad host").empty());
    CHECK_FALSE(rejection("").empty());
    CHECK_FALSE(rejection("10.0.0.1-::5").empty());
    CHECK_FALSE(rejection("fd00::/64").empty());
}

TEST_CASE("a target list skips comments and blank lines and reports bad lines")
{
    const auto path = std::filesystem::temp_directory_path() / "epmdump-targets-test.txt";
    {
        std::ofstream f(path);
        f << "# lab hosts\n\n10.9.0.1  10.9.0.2:593\n   not/a/target   # typo\n[::1]:1135\n10.9.1.0/31\n";
    }
    std::vector<std::string> warnings;
    target_source source({}, {path.string()}, 135, [&](const std::string& w) { warnings.push_back(w); });
    CHECK(source.total_known());
    CHECK(source.total() == 5);
    auto got = drain(source);
    CHECK(got == std::vector<std::string>{"10.9.0.1:135", "10.9.0.2:593", "::1:1135", "10.9.1.0:135",
                                          "10.9.1.1:135"});
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find(":4:") != std::string::npos);
    CHECK(source.bad_entries() == 1);
    std::filesystem::remove(path);
}

TEST_CASE("a target list saved by Windows PowerShell 5 (UTF-16LE, BOM, CR LF) or with a UTF-8 BOM reads as plain text")
{
    const std::string text = "# from Get-ADComputer\r\n10.9.0.1\r\n10.9.0.2:593  # the RPC proxy\r\n10.9.1.0/31\r\n";
    std::string utf16le = "\xFF\xFE";
    for (char c : text)
    {
        utf16le += c;
        utf16le += '\0';
    }
    std::string utf16be = "\xFE\xFF";
    for (char c : text)
    {
        utf16be += '\0';
        utf16be += c;
    }
    const std::string utf8_bom = "\xEF\xBB\xBF" + text;
    for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"utf16le", utf16le},
                                      {"utf16be", utf16be}, {"utf8-bom", utf8_bom}})
    {
        CAPTURE(name);
        const auto path = std::filesystem::temp_directory_path() / ("epmdump-targets-" + name + ".txt");
        {
            std::ofstream f(path, std::ios::binary);
            f << bytes;
        }
        std::vector<std::string> warnings;
        target_source source({}, {path.string()}, 135, [&](const std::string& w) { warnings.push_back(w); });
        CHECK(source.total() == 4);
        CHECK(drain(source) == std::vector<std::string>{"10.9.0.1:135", "10.9.0.2:593", "10.9.1.0:135", "10.9.1.1:135"});
        CHECK(warnings.empty());
        CHECK(source.bad_entries() == 0);
        std::filesystem::remove(path);
    }
}

TEST_CASE("targets come from arguments first, then stdin, whose total is learnt while reading")
{
    std::string error;
    auto arg = parse_target("127.0.0.1", error);
    REQUIRE(arg);
    std::istringstream in("127.0.0.2\n127.0.0.3-4\n");
    target_source source({*arg}, {"-"}, 135, {}, &in);
    CHECK_FALSE(source.total_known());
    auto got = drain(source);
    CHECK(got == std::vector<std::string>{"127.0.0.1:135", "127.0.0.2:135", "127.0.0.3:135", "127.0.0.4:135"});
    CHECK(source.total_known());
    CHECK(source.total() == 4);
}

TEST_CASE("a missing target list is a list error found up front, not a crash")
{
    std::vector<std::string> warnings;
    target_source source({}, {"/nonexistent/epmdump-list"}, 135, [&](const std::string& w) { warnings.push_back(w); });
    CHECK(source.list_error().find("cannot read target list /nonexistent/epmdump-list") != std::string::npos);
    CHECK(warnings.size() == 1);
    CHECK(source.bad_entries() == 1);
}

TEST_CASE("a /8 block is expanded lazily without materialising it")
{
    std::string error;
    auto p = parse_target("10.0.0.0/8", error);
    REQUIRE(p);
    target_source source({*p}, {}, 135);
    CHECK(source.total() == (1u << 24));
    auto first = source.next();
    auto second = source.next();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->host == "10.0.0.0");
    CHECK(second->host == "10.0.0.1");
    CHECK(p->at((1u << 24) - 1, 0).host == "10.255.255.255");
}

TEST_CASE("a list on stdin in UTF-16LE, UTF-16BE or with a UTF-8 BOM gives the targets the plain list gives")
{
    const std::string text = "10.9.0.1\r\n10.9.0.2:593  # proxy\r\n";
    std::string le = "\xFF\xFE", be = "\xFE\xFF", le_no_bom;
    for (char c : text) le += {c, '\0'}, be += {'\0', c}, le_no_bom += {c, '\0'};
    for (const auto& bytes : {text, le, be, le_no_bom, "\xEF\xBB\xBF" + text})
    {
        std::istringstream in(bytes);
        std::vector<std::string> warnings;
        target_source source({}, {"-"}, 135, [&](const std::string& w) { warnings.push_back(w); }, &in);
        CHECK(drain(source) == std::vector<std::string>{"10.9.0.1:135", "10.9.0.2:593"});
        CHECK(warnings.empty());
    }
}

TEST_CASE("a list line longer than 4 KiB ends the list: its line number, a short escaped start, a list error")
{
    std::istringstream in("10.9.0.1\n\x1b[2J" + std::string(1u << 20, 'x') + "\n10.9.0.2\n");
    std::vector<std::string> warnings;
    target_source source({}, {"-"}, 135, [&](const std::string& w) { warnings.push_back(w); }, &in);
    CHECK(drain(source) == std::vector<std::string>{"10.9.0.1:135"});
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("stdin: line 2 is longer than 4096 bytes") != std::string::npos);
    CHECK(warnings[0].find("\\x1b[2J") != std::string::npos);
    CHECK(warnings[0].find('\x1b') == std::string::npos);
    CHECK(warnings[0].size() < 300);
    CHECK_FALSE(source.list_error().empty());
}

TEST_CASE("words of digits and dots are IPv4 addresses or errors, never names to look up")
{
    CHECK(rejection("999.1.1.1").find("not an IPv4 address") != std::string::npos);
    CHECK(rejection("10.1").find("not an IPv4 address") != std::string::npos);
    CHECK(rejection("010.0.0.1").find("not an IPv4 address") != std::string::npos);
    CHECK(expand("10.0.0.255") == std::vector<std::string>{"10.0.0.255"});
}
