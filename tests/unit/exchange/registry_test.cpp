#include "exchange_fixtures.hpp"

#include <epmdump/exchange/registry.hpp>
#include <epmdump/exchange/static_ports.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::exchange;
using epmdump::test::exchange_fixture;

namespace {

// regedit's own bytes: UTF-16LE, BOM, CRLF.
std::vector<std::byte> as_regedit_unicode(std::string_view ascii)
{
    std::vector<std::byte> out{std::byte{0xFF}, std::byte{0xFE}};
    for (std::size_t i = 0; i < ascii.size(); ++i)
    {
        if (ascii[i] == '\n' && (i == 0 || ascii[i - 1] != '\r'))
        {
            out.push_back(std::byte{'\r'});
            out.push_back(std::byte{0});
        }
        out.push_back(static_cast<std::byte>(ascii[i]));
        out.push_back(std::byte{0});
    }
    return out;
}

std::vector<configured_port> ports_of(std::span<const std::byte> bytes)
{
    auto file = parse_registry(bytes);
    REQUIRE(file.has_value());
    return find_static_ports(*file, "test.reg");
}

std::vector<configured_port> ports_of_text(std::string_view text)
{
    auto file = parse_registry_text(text);
    REQUIRE(file.has_value());
    return find_static_ports(*file, "test.reg");
}

} // namespace

TEST_CASE("registry reads regedit's UTF-16LE export: static ports of IS and SA, unrelated keys ignored")
{
    const auto bytes = test::read_file(exchange_fixture("exchange2003-static-ports.reg"));
    REQUIRE(bytes.size() > 2);
    CHECK(bytes[0] == std::byte{0xFF}); // the fixture really is what regedit writes
    CHECK(bytes[1] == std::byte{0xFE});
    auto file = parse_registry(bytes);
    REQUIRE(file.has_value());
    CHECK_FALSE(file->regedit4);
    CHECK(file->skipped.empty());
    CHECK(file->keys.size() == 5);

    const auto ports = find_static_ports(*file, "exchange2003-static-ports.reg");
    REQUIRE(ports.size() == 3); // catalog order: store, nspi, rfr
    CHECK(ports[0].setting->id == "store");
    CHECK(ports[0].port == 3595u);
    CHECK(ports[0].source == "exchange2003-static-ports.reg line 23");
    CHECK(ports[0].key_path == "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem");
    CHECK(ports[1].setting->id == "nspi");
    CHECK(ports[1].port == 1032u);
    CHECK(ports[2].setting->id == "rfr");
    CHECK(ports[2].port == 1031u);
}

TEST_CASE("registry reads the REGEDIT4 form of the same export to the same ports")
{
    const auto unicode = ports_of(test::read_file(exchange_fixture("exchange2003-static-ports.reg")));
    auto file = parse_registry(test::read_file(exchange_fixture("exchange2003-static-ports-regedit4.reg")));
    REQUIRE(file.has_value());
    CHECK(file->regedit4);
    const auto ansi = find_static_ports(*file, "x");
    REQUIRE(ansi.size() == unicode.size());
    for (std::size_t i = 0; i < ansi.size(); ++i)
    {
        CHECK(ansi[i].setting == unicode[i].setting);
        CHECK(ansi[i].port == unicode[i].port);
    }
    // regedit 5 wraps long hex data with a trailing backslash; the reader joins the lines.
    auto wrapped = parse_registry(test::read_file(exchange_fixture("exchange2003-static-ports.reg")));
    REQUIRE(wrapped.has_value());
    CHECK(wrapped->keys[0].values.back().raw ==
          "hex(7):31,00,30,00,33,00,31,00,2d,00,31,00,30,00,33,00,31,00,00,00,00,00");
}

TEST_CASE("registry reads 2010 values: RpcTcpPort as REG_SZ and the RPC Client Access dword, in both encodings")
{
    const auto text = test::read_text(exchange_fixture("exchange2010-cas-regedit4.reg"));
    for (const auto& ports : {ports_of_text(text), ports_of(as_regedit_unicode(
                                                         std::string("Windows Registry Editor Version 5.00") +
                                                         text.substr(text.find('\r'))))})
    {
        REQUIRE(ports.size() == 2);
        CHECK(ports[0].setting->id == "rpc");
        CHECK(ports[0].port == 59532u);
        CHECK(ports[1].setting->id == "ab");
        CHECK(ports[1].port == 59533u);
        CHECK(ports[1].raw == "\"59533\"");
    }
}

TEST_CASE("registry applies later keys, deleted keys and deleted values as an import would")
{
    const auto ports = ports_of_text("Windows Registry Editor Version 5.00\n\n"
                                     "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem]\n"
                                     "\"TCP/IP Port\"=dword:00000409\n"
                                     "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\MSExchangeIS\\ParametersSystem]\n"
                                     "\"tcp/ip port\"=dword:0000040a\n"
                                     "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeSA\\Parameters]\n"
                                     "\"TCP/IP Port\"=dword:00000407\n"
                                     "\"TCP/IP Port\"=-\n"
                                     "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeRPC\\ParametersSystem]\n"
                                     "\"TCP/IP Port\"=dword:0000e88c\n"
                                     "[-HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeRPC\\ParametersSystem]\n");
    REQUIRE(ports.size() == 1);
    CHECK(ports[0].setting->id == "store");
    CHECK(ports[0].port == 1034u); // value names are case-insensitive, any control set counts
}

TEST_CASE("registry keeps a REG_SZ that is not a number as a value without a port")
{
    const auto ports = ports_of_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeAB\\Parameters]\n"
                                     "\"RpcTcpPort\"=\"port 59533\"\n");
    REQUIRE(ports.size() == 1);
    CHECK_FALSE(ports[0].port.has_value());
    CHECK(ports[0].raw == "\"port 59533\"");
}

TEST_CASE("registry rejects files that are not regedit exports and skips unreadable lines of one that is")
{
    CHECK_FALSE(parse_registry_text("").has_value());
    CHECK_FALSE(parse_registry_text("ncacn_ip_tcp(Connection-oriented TCP/IP)\n").has_value());
    auto r = parse_registry_text("Windows Registry Editor Version 5.00\n\"orphan\"=dword:1\n[HKEY_LOCAL_MACHINE\\X]\n"
                                 "\"bad\"=dword:123456789\n\"ok\"=dword:00000001\nnonsense\n\"open=\"x\n");
    REQUIRE(r.has_value());
    REQUIRE(r->keys.size() == 1);
    CHECK(r->keys[0].values.size() == 1);
    REQUIRE(r->skipped.size() == 4);
    CHECK(r->skipped[0].line == 2);
    CHECK(r->skipped[1].line == 4);
}
