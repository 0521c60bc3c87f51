#include <epmdump/output/impacket.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>
#include <epmdump/output/rpcdump.hpp>
#include <epmdump/output/writer.hpp>

#include "sample.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <string_view>

using namespace epmdump;
using namespace epmdump::output;

namespace {

std::string written(format f, const std::vector<epm::enumeration>& all, format_options o = {})
{
    std::ostringstream out;
    write_all(out, f, all, o);
    return out.str();
}

void check_same_enumeration(const epm::enumeration& a, const epm::enumeration& b)
{
    CHECK(a.target == b.target);
    CHECK(a.address == b.address);
    CHECK(a.port == b.port);
    CHECK(a.status == b.status);
    CHECK(a.error == b.error);
    CHECK(a.elapsed_ms == b.elapsed_ms);
    CHECK(a.entries == b.entries);
    REQUIRE(a.origin.has_value() == b.origin.has_value());
    if (a.origin)
    {
        CHECK(a.origin->file == b.origin->file);
        CHECK(a.origin->client == b.origin->client);
        CHECK(a.origin->client_port == b.origin->client_port);
        CHECK(a.origin->server == b.origin->server);
        CHECK(a.origin->server_port == b.origin->server_port);
        CHECK(a.origin->first_timestamp == b.origin->first_timestamp);
        CHECK(a.origin->last_timestamp == b.origin->last_timestamp);
        CHECK(a.origin->frames == b.origin->frames);
        CHECK(a.origin->transport == b.origin->transport);
        CHECK(a.origin->pipe == b.origin->pipe);
        CHECK(a.origin->complete == b.origin->complete);
        CHECK(a.origin->encrypted == b.origin->encrypted);
    }
}

} // namespace

TEST_CASE("rpcdump output reads back into the same endpoint set")
{
    const auto e = test::sample_enumeration();
    const auto d = read_dump(written(format::rpcdump, {e}));
    REQUIRE(d.has_value());
    CHECK(d->detected == format::rpcdump);
    REQUIRE(d->enumerations.size() == 1);
    CHECK(test::rpcdump_view(d->enumerations[0].entries) == test::rpcdump_view(e.entries));
}

TEST_CASE("rpcdump output of several targets, one failed, reads back target by target")
{
    auto first = test::sample_enumeration();
    auto second = test::sample_enumeration();
    second.target = "exchange02";
    second.address = "10.0.100.40";
    second.port = 1135;
    second.entries.resize(2);
    second.entries[1].annotation = " padded  "; // spaces at both ends survive
    epm::enumeration failed;
    failed.target = "dc01";
    failed.address = "192.0.2.7";
    failed.status = epm::enumeration_status::error;
    failed.error = epm::enumeration_error{epm::failure_kind::bind_rejected, "bind_nak: reason 2 | local limit: exceeded"};
    format_options o;
    o.target_headers = true;
    const auto d = read_rpcdump_text(written(format::rpcdump, {first, second, failed}, o));
    REQUIRE(d.has_value());
    CHECK(d->warnings.empty());
    REQUIRE(d->enumerations.size() == 3);
    CHECK(d->enumerations[0].target == "exchange01");
    CHECK(test::rpcdump_view(d->enumerations[0].entries) == test::rpcdump_view(first.entries));
    CHECK(d->enumerations[1].address == "10.0.100.40");
    CHECK(d->enumerations[1].port == 1135);
    CHECK(test::rpcdump_view(d->enumerations[1].entries) == test::rpcdump_view(second.entries));
    CHECK(d->enumerations[2].status == epm::enumeration_status::error);
    CHECK(d->enumerations[2].error == failed.error);
    CHECK(d->enumerations[2].entries.empty());
}

TEST_CASE("KB 926210 sample written back as rpcdump text is byte for byte the article's")
{
    const auto kb = test::shared_file("kb/KB926210.txt");
    if (!kb) EPMDUMP_SKIP("../shared/kb/KB926210.txt is absent");
    const auto lines = test::lines_of(test::read_text(*kb));
    std::string sample;
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i] == "ncacn_ip_tcp(Connection-oriented TCP/IP)" && sample.empty())
            for (std::size_t j = i; j < lines.size() && (j == i || lines[j].ends_with(":NOT_PINGED")); ++j)
                sample += lines[j] + "\n";
    REQUIRE(test::lines_of(sample).size() == 46);
    const auto d = read_rpcdump_text(sample);
    REQUIRE(d.has_value());
    // The article's lines end in LF here (lines_of + "\n"); the platform default would be CR LF on Windows.
    format_options o;
    o.text_line_ending = line_ending::lf;
    CHECK(written(format::rpcdump, d->enumerations, o) == sample);
}

TEST_CASE("impacket output reads back into the same interfaces, versions and bindings")
{
    const auto e = test::sample_enumeration();
    const auto d = read_dump(written(format::impacket, {e}));
    REQUIRE(d.has_value());
    CHECK(d->detected == format::impacket);
    REQUIRE(d->enumerations.size() == 1);
    CHECK(d->enumerations[0].target == "exchange01");
    CHECK(test::impacket_view(d->enumerations[0].entries) == test::impacket_view(e.entries));

    epm::enumeration failed;
    failed.target = "dc01";
    failed.status = epm::enumeration_status::error;
    failed.error = epm::enumeration_error{epm::failure_kind::refused, "connection refused"};
    auto partial = test::sample_enumeration();
    partial.status = epm::enumeration_status::incomplete;
    partial.error = epm::enumeration_error{epm::failure_kind::timeout, "second page never came"};
    const auto two = read_impacket_text(written(format::impacket, {failed, partial}));
    REQUIRE(two.has_value());
    REQUIRE(two->enumerations.size() == 2);
    CHECK(two->enumerations[0].status == epm::enumeration_status::error);
    CHECK(two->enumerations[0].error == failed.error);
    CHECK(two->enumerations[1].status == epm::enumeration_status::incomplete);
    CHECK(two->enumerations[1].error == partial.error);
    CHECK(two->enumerations[1].entries.size() == 5);
}

TEST_CASE("impacket writer reproduces impacket's own AD DC dump line for line apart from names")
{
    const auto file = test::shared_file("peers/samba-epm/impacket-rpcdump.txt");
    if (!file) EPMDUMP_SKIP("../shared/peers/samba-epm is absent");
    const auto original = test::lines_of(test::read_text(*file));
    const auto d = read_impacket_text(test::read_text(*file));
    REQUIRE(d.has_value());
    const auto ours = test::lines_of(written(format::impacket, d->enumerations));
    // impacket's banner (2 lines) and rpcdump-compat.py's summary line are not rpcdump.py's output.
    REQUIRE(original.size() == ours.size() + 3);
    for (std::size_t i = 0; i < ours.size(); ++i)
    {
        const auto& theirs = original[i + 2];
        CAPTURE(i);
        if (theirs.starts_with("Protocol: ") || theirs.starts_with("Provider: "))
        {
            CHECK(ours[i].substr(0, 10) == theirs.substr(0, 10));
            CHECK(ours[i].ends_with(" "));
        }
        else
            CHECK(ours[i] == theirs);
    }
}

TEST_CASE("json output reads back into identical enumerations, towers and capture origin included")
{
    auto live = test::sample_enumeration();
    live.entries[0].tower = test::from_hex("05 00 13 00 0d 08 83 af e1 1f 5d c9 11 91 a4 08 00 2b 14 a0 fa 03 00");
    live.entries[1].annotation = "\x1b[2J nasty \xc3\xa9t\xc3\xa9 \xe2\x80\xae";
    live.elapsed_ms = 4.25;
    epm::enumeration replayed;
    replayed.target = "samba.pcap";
    replayed.address = "10.200.0.2";
    replayed.status = epm::enumeration_status::incomplete;
    replayed.error = epm::enumeration_error{epm::failure_kind::incomplete, "frames missing after 7"};
    // A named pipe's conversation: transport and pipe read back too.
    replayed.origin = epm::capture_origin{"samba.pcap", "10.200.0.1", 40000, "10.200.0.2", 445, 1.5, 2.75, 9, false,
                                          false, "ncacn_np", "\\pipe\\epmapper"};
    replayed.entries.push_back(test::make_entry("12345778-1234-abcd-ef00-0123456789ab", 0, 0, "lsarpc", "ncacn_np",
                                                "", "\\pipe\\lsass"));
    replayed.entries[0].transfer_syntax.reset();
    format_options o;
    o.json_towers = true;
    const auto d = read_dump(written(format::json, {live, replayed}, o));
    REQUIRE(d.has_value());
    CHECK(d->detected == format::json);
    REQUIRE(d->enumerations.size() == 2);
    check_same_enumeration(d->enumerations[0], live);
    check_same_enumeration(d->enumerations[1], replayed);
}

TEST_CASE("impacket dump converted to JSON and read back keeps all 53 AD DC endpoints")
{
    const auto file = test::shared_file("peers/samba-epm/impacket-rpcdump.txt");
    if (!file) EPMDUMP_SKIP("../shared/peers/samba-epm is absent");
    const auto d = read_dump(test::read_text(*file));
    REQUIRE(d.has_value());
    const auto again = read_dump(written(format::json, d->enumerations));
    REQUIRE(again.has_value());
    REQUIRE(again->enumerations.size() == 1);
    CHECK(again->enumerations[0].entries == d->enumerations[0].entries);
    const auto as_rpcdump = read_dump(written(format::rpcdump, d->enumerations));
    REQUIRE(as_rpcdump.has_value());
    CHECK(as_rpcdump->entry_count() == 53);
}

TEST_CASE("every ping status reads back from rpcdump text and JSON, and CSV writes its word")
{
    using epm::ping_status;
    for (const auto& [status, rpcdump_word] :
         {std::pair{ping_status::not_pinged, "NOT_PINGED"}, std::pair{ping_status::pinged, "PINGED"},
          std::pair{ping_status::not_listening, "NOT_LISTENING"}, std::pair{ping_status::wrong_interface, "WRONG_INTERFACE"},
          std::pair{ping_status::not_rpc, "NOT_RPC"}})
    {
        CAPTURE(rpcdump_word);
        auto e = test::sample_enumeration();
        e.entries[0].ping = status;
        const auto text = written(format::rpcdump, {e});
        // The word ends its line: LF, or CR LF where text is written so (Windows).
        const auto at = text.find(std::string(" :") + rpcdump_word);
        REQUIRE(at != std::string::npos);
        const auto after = text.substr(at + 2 + std::string_view(rpcdump_word).size(), 2);
        CHECK((after.starts_with('\n') || after == "\r\n"));
        const auto from_text = read_dump(text);
        REQUIRE(from_text.has_value());
        CHECK(test::rpcdump_view(from_text->enumerations.at(0).entries) == test::rpcdump_view(e.entries));

        const auto from_json = read_dump(written(format::json, {e}));
        REQUIRE(from_json.has_value());
        CHECK(from_json->enumerations.at(0).entries == e.entries);

        const auto csv = written(format::csv, {e});
        const std::string cell = status == ping_status::not_pinged ? "" : std::string(epm::to_string(status));
        CHECK(csv.find("ncacn_ip_tcp:10.0.100.32[135]," + cell + "\r\n") != std::string::npos);
    }
    // The words are the ones the readers take back, and nothing else reads as a status.
    CHECK(epm::ping_status_from_string("wrong_interface") == ping_status::wrong_interface);
    CHECK(epm::ping_status_from_string("not_rpc") == ping_status::not_rpc);
    CHECK_FALSE(epm::ping_status_from_string("WRONG_INTERFACE"));
    auto json = written(format::json, {test::sample_enumeration()});
    REQUIRE(read_dump(json).has_value());
    const auto at = json.find(R"("ping":null)");
    REQUIRE(at != std::string::npos);
    json.replace(at, 11, R"("ping":"maybe")");
    CHECK_FALSE(read_dump(json).has_value());
}

TEST_CASE("the auth of a host and the reason of an authentication failure read back from JSON, rpcdump and impacket")
{
    auto ok = test::sample_enumeration();
    ok.auth = epm::auth_info{epm::auth_type::kerberos, epm::auth_level::privacy, "alice@EPMTEST.LAN"};
    epm::enumeration refused;
    refused.target = "web01";
    refused.address = "10.0.2.20";
    refused.auth = epm::auth_info{epm::auth_type::ntlm, epm::auth_level::integrity, "EPMTEST\\alice"};
    refused.fail(epm::enumeration_error{epm::failure_kind::auth_failed, "bind_nak: authentication type not recognized",
                                        epm::auth_errc::credentials_refused});
    epm::enumeration anonymous_refused;
    anonymous_refused.target = "hardened";
    anonymous_refused.fail(epm::enumeration_error{epm::failure_kind::access_denied, "fault nca_s_access_denied",
                                                  epm::auth_errc::anonymous_refused});
    for (const format f : {format::json, format::rpcdump, format::impacket})
    {
        CAPTURE(to_string(f));
        const auto d = read_dump(written(f, {ok, refused, anonymous_refused}));
        REQUIRE(d.has_value());
        REQUIRE(d->enumerations.size() == 3);
        CHECK(d->enumerations[0].auth == ok.auth);
        CHECK(d->enumerations[1].auth == refused.auth);
        CHECK_FALSE(d->enumerations[2].auth.has_value());
        REQUIRE(d->enumerations[1].error);
        CHECK(d->enumerations[1].error->kind == epm::failure_kind::auth_failed);
        CHECK(d->enumerations[1].error->reason == epm::auth_errc::credentials_refused);
        CHECK(d->enumerations[1].error->message == "bind_nak: authentication type not recognized");
        REQUIRE(d->enumerations[2].error);
        CHECK(d->enumerations[2].error->reason == epm::auth_errc::anonymous_refused);
    }
}

TEST_CASE("the transport that answered reads back from JSON, rpcdump and impacket, and its absence stays absent")
{
    auto smb = test::sample_enumeration();
    smb.port = 139;
    smb.transport = "ncacn_np";
    const auto tcp = test::sample_enumeration();
    for (const format f : {format::json, format::rpcdump, format::impacket})
    {
        CAPTURE(to_string(f));
        const auto d = read_dump(written(f, {smb, tcp}));
        REQUIRE(d.has_value());
        REQUIRE(d->enumerations.size() == 2);
        CHECK(d->enumerations[0].transport == "ncacn_np");
        CHECK(d->enumerations[0].port == 139);
        CHECK(d->enumerations[1].transport.empty());
    }
}
