#pragma once
// Helpers of the Exchange tests: fixture files, the KB 926210 dumps through the real dump
// reader, and small endpoint sets built in the test.
#include "support/test_files.hpp"

#include <epmdump/epm/enumeration.hpp>
#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::test {

inline std::filesystem::path exchange_fixture(const std::string& name)
{
    return source_dir() / "tests" / "fixtures" / "exchange" / name;
}

inline std::string fixture(const std::string& name) { return exchange_fixture(name).string(); }

// A saved dump read by the same reader the command uses.
inline std::vector<epm::enumeration> read_dump_fixture(const std::string& name)
{
    auto d = output::read_dump(read_text(exchange_fixture(name)));
    REQUIRE(d.has_value());
    return d->enumerations;
}

// One ncacn_ip_tcp registration. major < 0: no version, as in rpcdump.exe text.
inline epm::endpoint_entry tcp_entry(const std::string& host, std::uint16_t port, const std::string& id, int major = -1,
                                     std::uint16_t minor = 0)
{
    epm::endpoint_entry e;
    auto u = parse_uuid(id);
    REQUIRE(u);
    e.interface.id = *u;
    if (major >= 0)
    {
        e.interface.major = static_cast<std::uint16_t>(major);
        e.interface.minor = minor;
        // The NDR transfer syntax: only an on-the-wire entry has one.
        e.transfer_syntax = epm::syntax_id{*parse_uuid("8a885d04-1ceb-11c9-9fe8-08002b104860"), 2, 0};
    }
    e.where = {"ncacn_ip_tcp", host, std::to_string(port)};
    return e;
}

inline epm::enumeration enumeration_of(std::vector<epm::endpoint_entry> entries, std::string target = "test")
{
    epm::enumeration en;
    en.target = target;
    en.address = "10.0.100.32";
    en.entries = std::move(entries);
    return en;
}

inline bool has_kind(const exchange::report& r, exchange::finding_kind k)
{
    return std::any_of(r.findings.begin(), r.findings.end(), [k](const auto& f) { return f.kind == k; });
}

inline const exchange::finding* first_of(const exchange::report& r, exchange::finding_kind k)
{
    for (const auto& f : r.findings)
        if (f.kind == k) return &f;
    return nullptr;
}

inline std::vector<std::string> titles(const exchange::report& r, std::optional<exchange::severity> only = {})
{
    std::vector<std::string> out;
    for (const auto& f : r.findings)
        if (!only || f.level == *only) out.push_back(f.title);
    return out;
}

// The Exchange 2000/2003 set of KB 926210's healthy sample, on the sample's ports.
inline std::vector<epm::endpoint_entry> healthy_2003(const std::string& host = "10.0.100.32")
{
    return {
        tcp_entry(host, 1987, "38a94e72-a9bc-11d2-8faf-00c04fa378ff"), tcp_entry(host, 1987, "9e8ee830-4459-11ce-979b-00aa005ffebe"),
        tcp_entry(host, 1033, "a4f1db00-ca47-1067-b31f-00dd010662da"), tcp_entry(host, 1033, "0e4a0156-dd5d-11d2-8c2f-00c04fb6bcde"),
        tcp_entry(host, 1033, "1453c42c-0fa6-11d2-a910-00c04f990f3b"), tcp_entry(host, 1033, "10f24e8e-0fa6-11d2-a910-00c04f990f3b"),
        tcp_entry(host, 1033, "99e64010-b032-11d0-97a4-00c04fd6551d"), tcp_entry(host, 1033, "89742ace-a9ed-11cf-9c0c-08002be7ae86"),
        tcp_entry(host, 1033, "a4f1db00-ca47-1067-b31e-00dd010662da"), tcp_entry(host, 1032, "f5cc5a18-4264-101a-8c59-08002b2f8426"),
        tcp_entry(host, 1031, "1544f5e0-613c-11d1-93df-00c04fd7bd09"), tcp_entry(host, 1031, "f930c514-1215-11d3-99a5-00a0c9b61b04"),
        tcp_entry(host, 1031, "83d72bf0-0d89-11ce-b13f-00aa003bac6c"), tcp_entry(host, 1031, "469d6ec0-0d87-11ce-b13f-00aa003bac6c"),
    };
}

// An Exchange 2010 server holding both Client Access and Mailbox roles, static ports in use.
inline std::vector<epm::endpoint_entry> healthy_2010(const std::string& host = "10.0.100.40")
{
    return {
        tcp_entry(host, 59532, "a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81),
        tcp_entry(host, 59532, "5261574a-4572-206e-b268-6b199213b4e4", 0, 1),
        tcp_entry(host, 59533, "f5cc5a18-4264-101a-8c59-08002b2f8426", 56, 0),
        tcp_entry(host, 59533, "1544f5e0-613c-11d1-93df-00c04fd7bd09", 1, 0),
        tcp_entry(host, 6001, "a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81),
        tcp_entry(host, 6001, "99e64010-b032-11d0-97a4-00c04fd6551d", 3, 0),
        tcp_entry(host, 6003, "83d72bf0-0d89-11ce-b13f-00aa003bac6c", 6, 0),
        tcp_entry(host, 6003, "469d6ec0-0d87-11ce-b13f-00aa003bac6c", 16, 0),
    };
}

// A static-port option as the user writes it (--static-port), parsed or the test stops.
inline exchange::configured_port flag(const char* text)
{
    auto c = exchange::parse_static_port_option(text);
    REQUIRE(c.has_value());
    return *c;
}

} // namespace epmdump::test
