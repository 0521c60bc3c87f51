#include <epmdump/output/format.hpp>
#include <epmdump/output/reader.hpp>

#include "sample.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace epmdump;
using namespace epmdump::output;

namespace {

// The rpcdump samples of KB 926210, cut out of the article text: each
// "ncacn_ip_tcp(Connection-oriented TCP/IP)" line with the entry lines right after it.
std::vector<std::string> kb_samples(const std::filesystem::path& kb)
{
    const auto lines = test::lines_of(test::read_text(kb));
    std::vector<std::string> samples;
    for (std::size_t i = 0; i < lines.size(); ++i)
    {
        if (lines[i] != "ncacn_ip_tcp(Connection-oriented TCP/IP)") continue;
        std::string sample = lines[i] + "\n";
        std::size_t j = i + 1;
        for (; j < lines.size() && lines[j].starts_with("  ") && lines[j].ends_with(":NOT_PINGED"); ++j)
            sample += lines[j] + "\n";
        if (j > i + 1) samples.push_back(sample);
    }
    return samples;
}

std::size_t count_interface(const epm::enumeration& e, std::string_view id)
{
    const auto u = test::must_uuid(id);
    return static_cast<std::size_t>(
        std::count_if(e.entries.begin(), e.entries.end(), [&](const auto& x) { return x.interface.id == u; }));
}

const epm::endpoint_entry* find_binding(const epm::enumeration& e, std::string_view binding)
{
    for (const auto& x : e.entries)
        if (epm::to_string(x.where) == binding) return &x;
    return nullptr;
}

} // namespace

TEST_CASE("KB 926210 first rpcdump sample reads as 45 entries, duplicates and the annotation typo kept")
{
    const auto kb = test::shared_file("kb/KB926210.txt");
    if (!kb) EPMDUMP_SKIP("../shared/kb/KB926210.txt is absent");
    const auto samples = kb_samples(*kb);
    REQUIRE(samples.size() == 2);
    const auto d = read_rpcdump_text(samples[0]);
    REQUIRE(d.has_value());
    CHECK(d->detected == format::rpcdump);
    REQUIRE(d->enumerations.size() == 1);
    const auto& e = d->enumerations[0];
    CHECK(e.target.empty());
    CHECK(e.port == 135);
    CHECK(e.status == epm::enumeration_status::ok);
    REQUIRE(e.entries.size() == 45);
    CHECK(d->warnings.empty());

    std::map<std::string, int> per_host;
    for (const auto& x : e.entries)
    {
        ++per_host[x.where.host];
        CHECK(x.where.protseq == "ncacn_ip_tcp");
        CHECK(x.ping == epm::ping_status::not_pinged);
        CHECK(x.interface.major == 0); // rpcdump text has no version
        CHECK(x.object == uuid{});
        CHECK(x.tower.empty());
    }
    CHECK(per_host == std::map<std::string, int>{{"10.0.100.32", 15}, {"10.0.100.33", 15}, {"10.0.100.34", 15}});
    // Store ADMIN 99e64010 is listed twice per address in the article: both copies are kept.
    CHECK(count_interface(e, "99e64010-b032-11d0-97a4-00c04fd6551d") == 6);
    CHECK(count_interface(e, "a4f1db00-ca47-1067-b31f-00dd010662da") == 3);
    CHECK(e.entries[6].annotation == "Exchange Server STORE EMSMDB Interface");
    CHECK(e.entries[6].where.endpoint == "1033");
    CHECK(e.entries[0].annotation == "MS Exchange MTA 'QAdmin' Interface");
    CHECK(e.entries[31].where.host == "10.0.100.33");
    CHECK(e.entries[31].annotation == "MS ExchangeDirectory NSPI Proxy");
}

TEST_CASE("KB 926210 second rpcdump sample reads as 12 entries without the Information Store")
{
    const auto kb = test::shared_file("kb/KB926210.txt");
    if (!kb) EPMDUMP_SKIP("../shared/kb/KB926210.txt is absent");
    const auto samples = kb_samples(*kb);
    REQUIRE(samples.size() == 2);
    const auto d = read_rpcdump_text(samples[1]);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 1);
    const auto& e = d->enumerations[0];
    REQUIRE(e.entries.size() == 12);
    CHECK(count_interface(e, "a4f1db00-ca47-1067-b31f-00dd010662da") == 0);
    CHECK(count_interface(e, "1544f5e0-613c-11d1-93df-00c04fd7bd09") == 3);
    CHECK(e.entries[0].where.endpoint == "3595");
    CHECK(e.entries[11].where.endpoint == "3518");
}

TEST_CASE("rpcdump reader tolerates CRLF, trailing spaces, rpcdump.exe chatter and Resource Kit :YES lines")
{
    const std::string text = "\xEF\xBB\xBFQuerying Endpoint Mapper Database...\r\n"
                             "3 registered endpoints found.\r\n"
                             "\r\n"
                             "ncacn_ip_tcp(Connection-oriented TCP/IP)   \r\n"
                             "  10.0.100.32[1033] [a4f1db00-ca47-1067-b31f-00dd010662da] Exchange Server STORE "
                             "EMSMDB Interface :NOT_PINGED   \r\n"
                             "\t[f5cc5a18-4264-101a-8c59-08002b2f8426] MS Exchange Directory NSP Interface :YES\r\n"
                             "ncalrpc(Local Rpc)\r\n"
                             "  [LRPC-abc] [12345778-1234-abcd-ef00-0123456789ac]  :NOT_LISTENING\r\n"
                             "rpcdump completed sucessfully after 1 seconds\r\n";
    const auto d = read_rpcdump_text(text);
    REQUIRE(d.has_value());
    CHECK(d->warnings.empty());
    CHECK(d->skipped_lines == 3);
    REQUIRE(d->enumerations.size() == 1);
    const auto& entries = d->enumerations[0].entries;
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].annotation == "Exchange Server STORE EMSMDB Interface");
    CHECK(entries[0].where == epm::binding{"ncacn_ip_tcp", "10.0.100.32", "1033"});
    CHECK(entries[1].where == epm::binding{"ncacn_ip_tcp", "", ""});
    CHECK(entries[1].ping == epm::ping_status::pinged);
    CHECK(entries[2].where == epm::binding{"ncalrpc", "", "LRPC-abc"});
    CHECK(entries[2].annotation.empty());
    CHECK(entries[2].ping == epm::ping_status::not_listening);
}

TEST_CASE("rpcdump reader reports malformed entry lines with their line number")
{
    auto bad_status = read_rpcdump_text("ncacn_ip_tcp(Connection-oriented TCP/IP)\n"
                                        "  10.0.0.1[135] [e1af8308-5d1f-11c9-91a4-08002b14a0fa] epm :NOT_PINGED\n"
                                        "  10.0.0.1[135] [e1af8308-5d1f-11c9-91a4-08002b14a0fa] epm :MAYBE\n");
    REQUIRE(bad_status.has_error());
    CHECK(bad_status.error().code == read_errc::bad_line);
    CHECK(bad_status.error().line == 3);

    auto no_section = read_rpcdump_text("  10.0.0.1[135] [e1af8308-5d1f-11c9-91a4-08002b14a0fa] epm :NOT_PINGED\n");
    REQUIRE(no_section.has_error());
    CHECK(no_section.error().code == read_errc::bad_line);
    CHECK(no_section.error().line == 1);

    auto stray = read_rpcdump_text("ncacn_np(Connection-oriented named pipes)\n  something else entirely\n");
    REQUIRE(stray.has_error());
    CHECK(stray.error().line == 2);
    CHECK(stray.error().message() == "bad line at line 2: indented line is not an rpcdump entry");

    auto bad_header = read_rpcdump_text("# target: x | address: y | port: 99999 | status: ok | entries: 0\n");
    REQUIRE(bad_header.has_error());
    CHECK(bad_header.error().code == read_errc::bad_line);
}

TEST_CASE("impacket reader reads the AD DC dump into 53 endpoints over 13 interfaces")
{
    const auto file = test::shared_file("peers/samba-epm/impacket-rpcdump.txt");
    if (!file) EPMDUMP_SKIP("../shared/peers/samba-epm is absent");
    const auto d = read_impacket_text(test::read_text(*file));
    REQUIRE(d.has_value());
    CHECK(d->detected == format::impacket);
    REQUIRE(d->enumerations.size() == 1);
    const auto& e = d->enumerations[0];
    CHECK(e.target == "10.200.0.2");
    CHECK(e.address == "10.200.0.2");
    CHECK(e.status == epm::enumeration_status::ok);
    CHECK(e.entries.size() == 53);
    CHECK(d->warnings.empty());
    std::set<std::tuple<std::string, int, int>> interfaces; // syntax_id has no usable ordering (boost uuid lacks <=>)
    for (const auto& x : e.entries)
        interfaces.emplace(to_string(x.interface.id), x.interface.major, x.interface.minor);
    CHECK(interfaces.size() == 13);
    // Port 593 is advertised for mgmt and for the endpoint mapper itself.
    std::set<std::string> on_593;
    for (const auto& x : e.entries)
        if (epm::to_string(x.where) == "ncacn_http:0.0.0.0[593]")
            on_593.insert(to_string(x.interface.id) + " v" + std::to_string(x.interface.major) + " " + x.annotation);
    CHECK(on_593 == std::set<std::string>{"afa8bd80-7d8a-11c9-bef4-08002b102989 v1 mgmt",
                                          "e1af8308-5d1f-11c9-91a4-08002b14a0fa v3 epmapper"});
    const auto* pipe = find_binding(e, "ncacn_np:[\\pipe\\lsass]");
    REQUIRE(pipe);
    CHECK(pipe->where.host.empty());
    CHECK(count_interface(e, "afa8bd80-7d8a-11c9-bef4-08002b102989") == 17);
}

TEST_CASE("impacket reader reads the standalone and max_ents=10 dumps into 38 and 53 endpoints")
{
    const auto standalone = test::shared_file("peers/samba-epm/impacket-rpcdump-standalone.txt");
    const auto paged = test::shared_file("peers/samba-epm/impacket-rpcdump-maxents10.txt");
    if (!standalone || !paged) EPMDUMP_SKIP("../shared/peers/samba-epm is absent");
    const auto s = read_impacket_text(test::read_text(*standalone));
    REQUIRE(s.has_value());
    REQUIRE(s->enumerations.size() == 1);
    CHECK(s->enumerations[0].entries.size() == 38);
    CHECK(s->enumerations[0].target == "10.200.1.2");
    const auto* winreg = find_binding(s->enumerations[0], "ncacn_ip_tcp:10.200.1.2[49153]");
    REQUIRE(winreg);
    CHECK(winreg->annotation == "winreg");
    const auto p = read_impacket_text(test::read_text(*paged));
    REQUIRE(p.has_value());
    CHECK(p->entry_count() == 53);
}

TEST_CASE("impacket reader turns stock impacket's ept_s_not_registered failure into an error enumeration")
{
    const auto file = test::shared_file("peers/samba-epm/impacket-rpcdump-stock-0.10.0.txt");
    if (!file) EPMDUMP_SKIP("../shared/peers/samba-epm is absent");
    const auto d = read_impacket_text(test::read_text(*file));
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 1);
    const auto& e = d->enumerations[0];
    CHECK(e.status == epm::enumeration_status::error);
    REQUIRE(e.error);
    CHECK(e.error->kind == epm::failure_kind::unspecified);
    CHECK(e.error->message == "DCERPC Runtime Error: code: 0x16c9a0d6 - ept_s_not_registered");
    CHECK(e.entries.empty());
    // The shell's "cmd rc=0; ..." line after the dump is not impacket's: skipped with a warning.
    REQUIRE(d->warnings.size() == 1);
    CHECK(d->warnings[0].line == 6);
}

TEST_CASE("impacket reader reports a malformed UUID line and a group cut short with their line numbers")
{
    auto bad_uuid = read_impacket_text("Protocol: N/A \nProvider: N/A \nUUID    : NOT-A-UUID v1.0 x\nBindings: \n");
    REQUIRE(bad_uuid.has_error());
    CHECK(bad_uuid.error().code == read_errc::bad_uuid);
    CHECK(bad_uuid.error().line == 3);

    auto bad_version = read_impacket_text("UUID    : E1AF8308-5D1F-11C9-91A4-08002B14A0FA v3 epmapper\n");
    REQUIRE(bad_version.has_error());
    CHECK(bad_version.error().code == read_errc::bad_line);

    auto cut = read_impacket_text("Protocol: N/A \nProvider: N/A \n\n");
    REQUIRE(cut.has_error());
    CHECK(cut.error().line == 3);

    auto bad_binding = read_impacket_text(
        "UUID    : E1AF8308-5D1F-11C9-91A4-08002B14A0FA v3.0 epmapper\nBindings: \n          ncacn_ip_tcp:1.2.3.4[135\n");
    REQUIRE(bad_binding.has_error());
    CHECK(bad_binding.error().line == 3);
}

TEST_CASE("json reader reports bad lines, wrong types and out-of-range values with line numbers")
{
    const std::string good =
        R"({"target":"a","address":"b","port":135,"status":"ok","elapsed_ms":1,"entries":[]})";
    auto truncated = read_json_lines(good + "\n" + good.substr(0, 40) + "\n");
    REQUIRE(truncated.has_error());
    CHECK(truncated.error().code == read_errc::bad_json);
    CHECK(truncated.error().line == 2);

    auto wrong_type = read_json_lines(R"({"target":1,"address":"b","port":135,"status":"ok","entries":[]})");
    REQUIRE(wrong_type.has_error());
    CHECK(wrong_type.error().code == read_errc::bad_field);
    CHECK(wrong_type.error().line == 1);

    auto big_port = read_json_lines(R"({"target":"a","address":"b","port":70000,"status":"ok","entries":[]})");
    REQUIRE(big_port.has_error());
    CHECK(big_port.error().code == read_errc::bad_field);

    auto bad_entry = read_json_lines(
        good + "\n\n" +
        R"({"target":"a","address":"b","port":135,"status":"ok","entries":[{"object":"x","interface":{}}]})");
    REQUIRE(bad_entry.has_error());
    CHECK(bad_entry.error().code == read_errc::bad_uuid);
    CHECK(bad_entry.error().line == 3);

    auto newer = read_json_lines(R"({"schema":99,"target":"a","address":"b","port":135,"status":"ok","entries":[]})");
    REQUIRE(newer.has_error());
    CHECK(newer.error().code == read_errc::bad_field);

    const auto ok = read_json_lines(good + "\r\n");
    REQUIRE(ok.has_value());
    CHECK(ok->enumerations.size() == 1);
}

TEST_CASE("json reader survives deep nesting without recursion trouble")
{
    const std::string deep = R"({"target":"a","address":"b","port":135,"status":"ok","entries":[],"x":)" +
                             std::string(100000, '[') + std::string(100000, ']') + "}";
    const auto d = read_json_lines(deep);
    REQUIRE(d.has_value()); // the unknown field is dropped past the depth limit
    CHECK(d->enumerations.size() == 1);
}

TEST_CASE("detect_format tells the three dump formats apart and refuses anything else")
{
    CHECK(detect_format("ncacn_ip_tcp(Connection-oriented TCP/IP)\n") == format::rpcdump);
    CHECK(detect_format("\n\n  10.0.0.1[135] [e1af8308-5d1f-11c9-91a4-08002b14a0fa] x :NOT_PINGED\n") ==
          format::rpcdump);
    CHECK(detect_format("# target: a | address: b | port: 135 | status: ok | entries: 0\n") == format::rpcdump);
    CHECK(detect_format("Impacket v0.10.0 - Copyright 2022 SecureAuth Corporation\n") == format::impacket);
    CHECK(detect_format("[*] Retrieving endpoint list from 10.0.0.1\n") == format::impacket);
    CHECK(detect_format("  {\"target\":\"a\"}\n") == format::json);
    CHECK_FALSE(detect_format(""));
    CHECK_FALSE(detect_format("hello world\nthis is a letter\n"));
    CHECK_FALSE(detect_format("target,address,port\n"));
}

TEST_CASE("read_dump gives garbage a typed unknown_format error and never crashes")
{
    auto empty = read_dump("");
    REQUIRE(empty.has_error());
    CHECK(empty.error().code == read_errc::unknown_format);
    CHECK(empty.error().line == 0);

    auto prose = read_dump("\n\nDear admin,\nplease find attached.\n");
    REQUIRE(prose.has_error());
    CHECK(prose.error().code == read_errc::unknown_format);
    CHECK(prose.error().line == 3);

    // Deterministic pseudo-random bytes, and every prefix of a real dump line.
    std::uint32_t state = 0x12345678;
    for (int round = 0; round < 200; ++round)
    {
        std::string bytes;
        for (int i = 0; i < 300; ++i)
        {
            state = state * 1664525u + 1013904223u;
            bytes += static_cast<char>(state >> 24);
        }
        if (round % 3 == 0) bytes = "ncacn_ip_tcp(x)\n  " + bytes;
        if (round % 3 == 1) bytes = "UUID    : " + bytes;
        if (round % 3 == 2) bytes = "{" + bytes;
        auto r = read_dump(bytes);
        if (r.has_error()) CHECK(r.error().code != read_errc{});
    }
    const std::string line = "  10.0.0.1[135] [e1af8308-5d1f-11c9-91a4-08002b14a0fa] epm :NOT_PINGED";
    for (std::size_t n = 0; n <= line.size(); ++n)
    {
        auto r = read_rpcdump_text("ncacn_ip_tcp(Connection-oriented TCP/IP)\n" + line.substr(0, n));
        CHECK((r.has_value() || r.error().line == 2));
    }
}

TEST_CASE("an error kind this epmdump does not know stays in the message, so the text formats print it as before")
{
    const std::string line = R"({"schema":1,"target":"h","address":"","port":135,"status":"error",)"
                             R"("error":{"kind":"from_the_future","message":"it broke"},"elapsed_ms":0,"entries":[]})"
                             "\n";
    const auto d = read_dump(line);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 1);
    const auto& e = d->enumerations[0];
    REQUIRE(e.error);
    CHECK(e.error->kind == epm::failure_kind::unspecified);
    CHECK(error_text(*e.error) == "from_the_future: it broke");
    // A known word is typed, from JSON as from text.
    const auto known = read_dump(R"({"schema":1,"target":"h","address":"","port":135,"status":"error",)"
                                 R"("error":{"kind":"refused","message":"connection refused"},"elapsed_ms":0,"entries":[]})"
                                 "\n");
    REQUIRE(known.has_value());
    CHECK(known->enumerations.at(0).error->kind == epm::failure_kind::refused);
}
