#include <epmdump/names/interface_names.hpp>
#include <epmdump/output/csv.hpp>
#include <epmdump/output/impacket.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/rpcdump.hpp>
#include <epmdump/output/reader.hpp>
#include <epmdump/output/text_cursor.hpp>
#include <epmdump/output/writer.hpp>

#include "sample.hpp"
#include "terminal_safe.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace epmdump;
using namespace epmdump::output;

namespace {

std::string rpcdump_text(const epm::enumeration& e, const format_options& o = {})
{
    std::ostringstream out;
    write_rpcdump(out, e, o);
    return out.str();
}

std::string impacket_text(const epm::enumeration& e, const format_options& o = {})
{
    std::ostringstream out;
    write_impacket(out, e, o);
    return out.str();
}

std::string csv_text(const epm::enumeration& e, const format_options& o = {})
{
    std::ostringstream out;
    write_csv_header(out);
    write_csv_rows(out, e, o);
    return out.str();
}

// The Protocol/Provider pair impacket would print from our names table (the table is data
// another engineer maintains, so the expectation follows it instead of copying its text).
std::string names_lines(std::string_view id, std::uint16_t major)
{
    const auto* info = names::find_interface(test::must_uuid(id), major);
    std::string protocol = "N/A", provider = "N/A";
    if (info && !info->protocol.empty())
        protocol = "[" + std::string(info->protocol) + "]: " + std::string(info->name);
    else if (info && !info->name.empty())
        protocol = std::string(info->name);
    if (info && !info->provider.empty()) provider = std::string(info->provider);
    return "Protocol: " + protocol + " \nProvider: " + provider + " \n";
}

std::string json_name(std::string_view id, std::uint16_t major)
{
    const auto* info = names::find_interface(test::must_uuid(id), major);
    return info ? nlohmann::json(std::string(info->name)).dump() : "null";
}

epm::enumeration hostile_enumeration()
{
    auto e = test::sample_enumeration();
    e.target = "host\x1b[2J";
    e.entries[0].annotation = "\x1b[2J\x1b]0;owned\x07\rfake line\n\xff\xfe\xc2\x9b" "31m";
    e.entries[1].where.endpoint = "\\PIPE\\\x1b[1;31mred";
    e.entries[2].annotation = "=HYPERLINK(\"http://x\")";
    e.entries[3].where.host = "\x7f\xe2\x80\xae";
    e.error = epm::enumeration_error{epm::failure_kind::fault, "server said \x1b[5m"};
    e.status = epm::enumeration_status::incomplete;
    return e;
}

} // namespace

TEST_CASE("rpcdump writer lays out sections in rpcdump.exe order with one line per entry")
{
    const std::string expected =
        "ncacn_np(Connection-oriented named pipes)\n"
        "  \\\\EXCH01[\\PIPE\\epmapper] [e1af8308-5d1f-11c9-91a4-08002b14a0fa] epmapper :NOT_PINGED\n"
        "ncalrpc(Local Rpc)\n"
        "  [LRPC-1234] [deadbeef-0000-4000-8000-000000000001]  :PINGED\n"
        "ncacn_ip_tcp(Connection-oriented TCP/IP)\n"
        "  10.0.100.32[135] [e1af8308-5d1f-11c9-91a4-08002b14a0fa] epmapper :NOT_PINGED\n"
        "  10.0.100.32[1033] [a4f1db00-ca47-1067-b31f-00dd010662da] Exchange Server STORE EMSMDB Interface "
        ":NOT_LISTENING\n"
        "ncacn_http(Connection-oriented TCP/IP using Microsoft Internet Information Server as HTTP proxy.)\n"
        "  10.0.100.32[6004] [a4f1db00-ca47-1067-b31f-00dd010662da] Exchange Server STORE EMSMDB Interface "
        ":NOT_PINGED\n";
    CHECK(rpcdump_text(test::sample_enumeration()) == expected);
}

TEST_CASE("rpcdump writer puts a target header first when asked and always for a failed target")
{
    auto e = test::sample_enumeration();
    format_options o;
    o.target_headers = true;
    const auto lines = test::lines_of(rpcdump_text(e, o));
    REQUIRE(lines.size() == 10);
    CHECK(lines[0] == "# target: exchange01 | address: 10.0.100.32 | port: 135 | status: ok | entries: 5");

    epm::enumeration failed;
    failed.target = "dc01.example";
    failed.address = "192.0.2.7";
    failed.status = epm::enumeration_status::error;
    failed.error = epm::enumeration_error{epm::failure_kind::timeout, "no answer within 5 s"};
    CHECK(rpcdump_text(failed) == "# target: dc01.example | address: 192.0.2.7 | port: 135 | status: error | "
                                  "entries: 0 | error: timeout: no answer within 5 s\n");
}

TEST_CASE("rpcdump section titles cover the five rpcdump.exe sections and name unknown ones")
{
    CHECK(rpcdump_section_title("ncacn_ip_tcp") == "Connection-oriented TCP/IP");
    CHECK(rpcdump_section_title("ncadg_ip_udp") == "Datagram UDP/IP");
    CHECK(rpcdump_section_title("unknown_proto_0x20") == "Unknown protocol sequence");
    auto e = test::sample_enumeration();
    e.entries.push_back(test::make_entry("deadbeef-0000-4000-8000-000000000002", 1, 0, "odd", "unknown_proto_0x20",
                                         "", ""));
    const auto lines = test::lines_of(rpcdump_text(e));
    REQUIRE(lines.size() == 11);
    CHECK(lines[9] == "unknown_proto_0x20(Unknown protocol sequence)");
    CHECK(lines[10] == "  [] [deadbeef-0000-4000-8000-000000000002] odd :NOT_PINGED");
}

TEST_CASE("impacket writer groups by interface like rpcdump.py with names or N/A")
{
    const std::string expected =
        "[*] Retrieving endpoint list from exchange01\n" + names_lines("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3) +
        "UUID    : E1AF8308-5D1F-11C9-91A4-08002B14A0FA v3.0 epmapper\n"
        "Bindings: \n"
        "          ncacn_ip_tcp:10.0.100.32[135]\n"
        "          ncacn_np:\\\\EXCH01[\\PIPE\\epmapper]\n"
        "\n"
        "Protocol: N/A \n"
        "Provider: N/A \n"
        "UUID    : DEADBEEF-0000-4000-8000-000000000001 v1.2 \n"
        "Bindings: \n"
        "          ncalrpc:[LRPC-1234]\n"
        "\n" +
        names_lines("a4f1db00-ca47-1067-b31f-00dd010662da", 0) +
        "UUID    : A4F1DB00-CA47-1067-B31F-00DD010662DA v0.81 Exchange Server STORE EMSMDB Interface\n"
        "Bindings: \n"
        "          ncacn_ip_tcp:10.0.100.32[1033]\n"
        "          ncacn_http:10.0.100.32[6004]\n"
        "\n"
        "[*] Received 5 endpoints.\n";
    CHECK(impacket_text(test::sample_enumeration()) == expected);
}

TEST_CASE("impacket writer reports a failed target the way rpcdump.py does")
{
    epm::enumeration failed;
    failed.target = "10.200.0.2";
    failed.status = epm::enumeration_status::error;
    failed.error = epm::enumeration_error{epm::failure_kind::refused, "connection refused"};
    CHECK(impacket_text(failed) == "[*] Retrieving endpoint list from 10.200.0.2\n"
                                   "[-] Protocol failed: refused: connection refused\n"
                                   "[*] No endpoints found.\n");
    auto one = test::sample_enumeration();
    one.entries.resize(1);
    CHECK(test::lines_of(impacket_text(one)).back() == "[*] Received one endpoint.");
}

TEST_CASE("json writer emits one line per enumeration with the documented fields")
{
    auto e = test::sample_enumeration();
    e.entries.resize(3);
    const std::string expected =
        R"({"schema":1,"target":"exchange01","address":"10.0.100.32","port":135,"status":"ok","elapsed_ms":12.5,)"
        R"("entries":[)"
        R"({"object":"00000000-0000-0000-0000-000000000000","interface":{"uuid":"e1af8308-5d1f-11c9-91a4-08002b14a0fa",)"
        R"("version":"3.0"},"name":)" +
        json_name("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3) +
        R"(,"annotation":"epmapper","protseq":"ncacn_ip_tcp","host":"10.0.100.32","endpoint":"135",)"
        R"("binding":"ncacn_ip_tcp:10.0.100.32[135]","ping":null,)"
        R"("transfer_syntax":{"uuid":"8a885d04-1ceb-11c9-9fe8-08002b104860","version":"2.0"}},)"
        R"({"object":"00000000-0000-0000-0000-000000000000","interface":{"uuid":"e1af8308-5d1f-11c9-91a4-08002b14a0fa",)"
        R"("version":"3.0"},"name":)" +
        json_name("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3) +
        R"(,"annotation":"epmapper","protseq":"ncacn_np","host":"\\\\EXCH01","endpoint":"\\PIPE\\epmapper",)"
        R"("binding":"ncacn_np:\\\\EXCH01[\\PIPE\\epmapper]","ping":null,)"
        R"("transfer_syntax":{"uuid":"8a885d04-1ceb-11c9-9fe8-08002b104860","version":"2.0"}},)"
        R"({"object":"00000000-0000-0000-0000-000000000000","interface":{"uuid":"deadbeef-0000-4000-8000-000000000001",)"
        R"("version":"1.2"},"name":null,"annotation":"","protseq":"ncalrpc","host":"","endpoint":"LRPC-1234",)"
        R"("binding":"ncalrpc:[LRPC-1234]","ping":"pinged",)"
        R"("transfer_syntax":{"uuid":"8a885d04-1ceb-11c9-9fe8-08002b104860","version":"2.0"}}],)"
        // The endpoint mapper annotated "epmapper" is Samba's registration (findings/rules.inc).
        R"("roles":[{"id":"samba","name":"Samba"}],"findings":[]})";
    CHECK(to_json_line(e) == expected);
}

TEST_CASE("json writer adds error only when set and capture only for replayed conversations")
{
    epm::enumeration e;
    e.target = "capture.pcap";
    e.status = epm::enumeration_status::incomplete;
    e.error = epm::enumeration_error{epm::failure_kind::decode, "stream ends mid-PDU"};
    e.elapsed_ms = 0.1234567;
    e.origin = epm::capture_origin{"capture.pcap", "10.0.0.1", 50000, "10.0.0.2", 135, 1700000000.25, 1700000001.5,
                                   17, false, true, "", ""};
    const auto j = nlohmann::json::parse(to_json_line(e));
    CHECK(j["status"] == "incomplete");
    CHECK(j["error"]["kind"] == "decode");
    CHECK(j["error"]["message"] == "stream ends mid-PDU");
    CHECK(j["elapsed_ms"].get<double>() == doctest::Approx(0.123));
    CHECK(j["capture"]["client_port"] == 50000);
    CHECK(j["capture"]["first_timestamp"].get<double>() == 1700000000.25);
    CHECK(j["capture"]["frames"] == 17);
    CHECK(j["capture"]["complete"] == false);
    CHECK(j["capture"]["encrypted"] == true);
    CHECK(j["entries"].is_array());

    const auto plain = nlohmann::json::parse(to_json_line(test::sample_enumeration()));
    CHECK_FALSE(plain.contains("error"));
    CHECK_FALSE(plain.contains("capture"));
    CHECK_FALSE(plain["entries"][0].contains("tower"));
}

TEST_CASE("json output stays valid ASCII JSON whatever bytes the server sent")
{
    const auto e = hostile_enumeration();
    const auto line = to_json_line(e);
    for (unsigned char c : line) CHECK_MESSAGE((c >= 0x20 && c < 0x7f), "byte " << int(c));
    const auto j = nlohmann::json::parse(line); // throws (fails the test) on invalid JSON
    const auto annotation = j["entries"][0]["annotation"].get<std::string>();
    CHECK(annotation.starts_with("\x1b[2J\x1b]0;owned\x07\rfake line\n")); // JSON-escaped, so data is kept
    CHECK(annotation.find("\xef\xbf\xbd") != std::string::npos);           // invalid bytes became U+FFFD
    CHECK(j["entries"][2]["annotation"] == "=HYPERLINK(\"http://x\")");
}

TEST_CASE("csv writer quotes per RFC 4180 and ends rows with CRLF")
{
    auto e = test::sample_enumeration();
    e.entries.resize(2);
    e.entries[0].annotation = "say \"hi\", then go";
    const auto info = names::find_interface(test::must_uuid("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3);
    const std::string name = info ? std::string(info->name) : "";
    const std::string expected =
        "target,address,port,status,error,object,interface,version,name,annotation,protseq,host,endpoint,binding,"
        "ping\r\n"
        "exchange01,10.0.100.32,135,ok,,00000000-0000-0000-0000-000000000000,e1af8308-5d1f-11c9-91a4-08002b14a0fa,"
        "3.0," + csv_cell(name) + ",\"say \"\"hi\"\", then go\",ncacn_ip_tcp,10.0.100.32,135,"
        "ncacn_ip_tcp:10.0.100.32[135],\r\n"
        "exchange01,10.0.100.32,135,ok,,00000000-0000-0000-0000-000000000000,e1af8308-5d1f-11c9-91a4-08002b14a0fa,"
        "3.0," + csv_cell(name) + ",epmapper,ncacn_np,\\\\EXCH01,\\PIPE\\epmapper,ncacn_np:\\\\EXCH01[\\PIPE\\epmapper],"
        "\r\n";
    CHECK(csv_text(e) == expected);
}

TEST_CASE("csv cells that a spreadsheet would run as a formula get a leading apostrophe")
{
    CHECK(csv_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
    CHECK(csv_cell("+1") == "'+1");
    CHECK(csv_cell("-2+3") == "'-2+3");
    CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv_cell("=1,2") == "\"'=1,2\"");
    CHECK(csv_cell("\t=1") == "\\x09=1"); // the TAB is escaped first, so nothing leads with it
    CHECK(csv_cell("\r=1") == "\\x0d=1");
    CHECK(csv_cell("a=b") == "a=b");
    CHECK(csv_cell("") == "");
}

TEST_CASE("csv gives a failed target one row with as many fields as the header")
{
    epm::enumeration failed;
    failed.target = "dc01";
    failed.address = "192.0.2.7";
    failed.status = epm::enumeration_status::error;
    failed.error = epm::enumeration_error{epm::failure_kind::refused, "connection refused"};
    const auto lines = test::lines_of(csv_text(failed));
    REQUIRE(lines.size() == 2);
    CHECK(lines[1] == "dc01,192.0.2.7,135,error,refused: connection refused,,,,,,,,,,");
    CHECK(std::count(lines[0].begin(), lines[0].end(), ',') == std::count(lines[1].begin(), lines[1].end(), ','));
}

TEST_CASE("every text format escapes hostile server strings so the output is terminal-safe")
{
    const auto e = hostile_enumeration();
    const auto rpcdump = rpcdump_text(e);
    const auto impacket = impacket_text(e);
    const auto csv = csv_text(e);
    CHECK(test::terminal_safe(rpcdump));
    CHECK(test::terminal_safe(impacket));
    CHECK(test::terminal_safe(csv, true));
    CHECK(rpcdump.find("\\x1b[2J\\x1b]0;owned\\x07\\x0dfake line\\x0a\\xff\\xfe\\u009b31m") != std::string::npos);
    CHECK(rpcdump.find("# target: host\\x1b[2J") == 0);
    CHECK(rpcdump.find("error: fault: server said \\x1b[5m") != std::string::npos);
    CHECK(impacket.find("\\PIPE\\\\x1b[1;31mred") != std::string::npos);
    CHECK(impacket.find("\\x7f\\u202e[1033]") != std::string::npos);
    CHECK(csv.find(",\"'=HYPERLINK(\"\"http://x\"\")\",") != std::string::npos);
}

TEST_CASE("streaming writer writes the CSV header once and flushes each target")
{
    std::ostringstream out;
    writer w(out, format::csv);
    w.begin();
    w.write(test::sample_enumeration());
    const auto after_first = out.str().size();
    CHECK(after_first > 0);
    w.write(test::sample_enumeration());
    w.end();
    const auto lines = test::lines_of(out.str());
    CHECK(lines.size() == 11);
    CHECK(std::count(lines.begin(), lines.end(), lines[0]) == 1);
    CHECK(w.enumerations_written() == 2);

    std::ostringstream empty;
    writer none(empty, format::csv);
    none.end();
    CHECK(test::lines_of(empty.str()).size() == 1);
}

TEST_CASE("streaming writer separates targets and applies the filter in every format")
{
    format_options o;
    o.filter.add_protseq("tcp");
    for (auto f : {format::rpcdump, format::impacket, format::json, format::csv})
    {
        CAPTURE(to_string(f));
        std::ostringstream out;
        writer w(out, f, o);
        auto second = test::sample_enumeration();
        second.target = "exchange02";
        w.write(test::sample_enumeration());
        w.write(second);
        w.end();
        const auto text = out.str();
        CHECK(text.find("ncacn_np") == std::string::npos);
        CHECK(text.find("LRPC-1234") == std::string::npos);
        CHECK(text.find("1033") != std::string::npos);
        CHECK(text.find("exchange02") != std::string::npos);
    }
    std::ostringstream rpcdump;
    format_options lf;
    lf.text_line_ending = line_ending::lf; // the platform's default is CR LF on Windows
    writer w(rpcdump, format::rpcdump, lf);
    w.write(test::sample_enumeration());
    w.write(test::sample_enumeration());
    // The second target gets a header even though target_headers was not set.
    CHECK(rpcdump.str().find("\n\n# target: exchange01 | address: 10.0.100.32 | port: 135 | status: ok | entries: 5\n") !=
          std::string::npos);
}

TEST_CASE("write_all heads every rpcdump table, the first one too, when it writes several")
{
    auto a = test::sample_enumeration();
    auto b = a;
    b.target = "second";
    const std::vector<epm::enumeration> both{a, b};
    std::ostringstream out;
    output::write_all(out, output::format::rpcdump, both);
    CHECK(out.str().rfind("# target: ", 0) == 0);
    std::ostringstream one;
    output::write_all(one, output::format::rpcdump, std::span(both).first(1));
    CHECK(one.str().find("# target: ") == std::string::npos);
}

TEST_CASE("the text formats end lines with CR LF when the writer is set to, and JSON Lines and CSV keep theirs")
{
    auto failed = test::sample_enumeration();
    failed.status = epm::enumeration_status::error;
    failed.error = epm::enumeration_error{epm::failure_kind::refused, "connection refused"};
    const std::vector<epm::enumeration> two{test::sample_enumeration(), failed};
    auto render = [&](output::format f, output::line_ending ending) {
        output::format_options o;
        o.text_line_ending = ending;
        std::ostringstream out;
        output::write_all(out, f, two, o);
        return out.str();
    };
    auto bare_lf = [](const std::string& s) {
        for (std::size_t i = 0; i < s.size(); ++i)
            if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return true;
        return false;
    };
    for (auto f : {output::format::rpcdump, output::format::impacket})
    {
        CAPTURE(output::to_string(f));
        const auto lf = render(f, output::line_ending::lf);
        const auto crlf = render(f, output::line_ending::crlf);
        CHECK_FALSE(bare_lf(crlf));
        CHECK(crlf.find("\r\r") == std::string::npos);
        CHECK(lf.find('\r') == std::string::npos);
        CHECK(output::with_line_ending(lf, output::line_ending::crlf) == crlf); // only the line ends differ
    }
    // JSON Lines: LF whatever the setting; CSV: CR LF (RFC 4180), never CR CR LF.
    CHECK(render(output::format::json, output::line_ending::crlf) == render(output::format::json, output::line_ending::lf));
    CHECK(render(output::format::json, output::line_ending::crlf).find('\r') == std::string::npos);
    const auto csv = render(output::format::csv, output::line_ending::crlf);
    CHECK(csv == render(output::format::csv, output::line_ending::lf));
    CHECK_FALSE(bare_lf(csv));
    CHECK(csv.find("\r\r") == std::string::npos);
}

TEST_CASE("the writer's text line ending defaults to the platform's: CR LF on Windows, LF elsewhere")
{
#ifdef _WIN32
    CHECK(output::format_options{}.text_line_ending == output::line_ending::crlf);
#else
    CHECK(output::format_options{}.text_line_ending == output::line_ending::lf);
#endif
    std::ostringstream out;
    auto e = test::sample_enumeration();
    output::write_all(out, output::format::rpcdump, std::span(&e, 1));
    CHECK((out.str().find("\r\n") != std::string::npos) == (output::platform_line_ending == output::line_ending::crlf));
}

TEST_CASE("csv_bom puts one UTF-8 byte order mark before the header, even with no targets, and nothing else changes")
{
    output::format_options o;
    o.csv_bom = true;
    std::ostringstream with, without, empty;
    const std::vector<epm::enumeration> one{test::sample_enumeration()};
    output::write_all(with, output::format::csv, one, o);
    output::write_all(without, output::format::csv, one);
    CHECK(with.str() == "\xEF\xBB\xBF" + without.str());
    output::write_all(empty, output::format::csv, std::span<const epm::enumeration>{}, o);
    CHECK(empty.str().rfind("\xEF\xBB\xBFtarget,", 0) == 0);
    std::ostringstream json;
    output::write_all(json, output::format::json, one, o); // only CSV takes it
    CHECK(json.str().front() == '{');
}

TEST_CASE("an authenticated host shows its auth in every format, and an anonymous one writes exactly what it always did")
{
    auto anonymous = test::sample_enumeration();
    auto authenticated = anonymous;
    authenticated.auth = epm::auth_info{epm::auth_type::kerberos, epm::auth_level::privacy, "alice@EPMTEST.LAN"};

    const auto json = nlohmann::json::parse(to_json_line(authenticated, {}));
    CHECK(json["auth"] == nlohmann::json::parse(R"({"type":"kerberos","level":"privacy","principal":"alice@EPMTEST.LAN"})"));
    CHECK_FALSE(nlohmann::json::parse(to_json_line(anonymous, {})).contains("auth"));
    auto unknown_principal = authenticated;
    unknown_principal.auth = epm::auth_info{static_cast<epm::auth_type>(68), epm::auth_level::connect, ""};
    const auto odd = nlohmann::json::parse(to_json_line(unknown_principal, {}));
    CHECK(odd["auth"]["type"] == "68");
    CHECK(odd["auth"]["principal"].is_null());

    // rpcdump: the header line, which an authenticated table always has.
    const auto text = rpcdump_text(authenticated);
    CHECK(text.starts_with("# target: " + authenticated.target));
    CHECK(test::lines_of(text)[0].ends_with(" | auth: kerberos privacy alice@EPMTEST.LAN"));
    CHECK(rpcdump_text(anonymous).find("# target") == std::string::npos);
    CHECK(rpcdump_text(anonymous).find("auth") == std::string::npos);

    CHECK(test::lines_of(impacket_text(authenticated))[1] == "[*] Authenticated: kerberos privacy alice@EPMTEST.LAN");
    CHECK(impacket_text(anonymous).find("Authenticated") == std::string::npos);

    // CSV: three columns only when the run has credentials, so anonymous CSV keeps its shape.
    format_options with_auth;
    with_auth.auth_columns = true;
    std::ostringstream out;
    write_csv_header(out, with_auth);
    write_csv_rows(out, authenticated, with_auth);
    const auto rows = test::lines_of(out.str());
    CHECK(rows[0] == "target,address,port,status,error,object,interface,version,name,annotation,protseq,host,endpoint,"
                     "binding,ping,auth_type,auth_level,auth_principal");
    CHECK(rows[1].ends_with(",kerberos,privacy,alice@EPMTEST.LAN"));
    CHECK(test::lines_of(csv_text(anonymous))[0].ends_with(",binding,ping"));
}

TEST_CASE("an authentication failure's reason is error.reason in JSON and KIND: REASON: MESSAGE in text, and a principal's control bytes are escaped")
{
    epm::enumeration e;
    e.target = "dc01";
    e.auth = epm::auth_info{epm::auth_type::negotiate, epm::auth_level::privacy, "EPMTEST\\\x1b[31mbob"};
    e.fail(epm::enumeration_error{epm::failure_kind::auth_failed, "the KDC refused the password", epm::auth_errc::wrong_password});
    const auto json = nlohmann::json::parse(to_json_line(e, {}));
    CHECK(json["error"]["kind"] == "auth_failed");
    CHECK(json["error"]["reason"] == "wrong_password");
    CHECK(json["error"]["message"] == "the KDC refused the password");
    epm::enumeration plain_failure;
    plain_failure.fail(epm::failure_kind::timeout, "bind");
    CHECK_FALSE(nlohmann::json::parse(to_json_line(plain_failure, {}))["error"].contains("reason"));

    const auto text = rpcdump_text(e);
    CHECK(text.find(" | error: auth_failed: wrong_password: the KDC refused the password") != std::string::npos);
    CHECK(test::terminal_safe(text));
    CHECK(test::terminal_safe(impacket_text(e)));
    CHECK(impacket_text(e).find("[-] Protocol failed: auth_failed: wrong_password: the KDC") != std::string::npos);
}

TEST_CASE("a host reached over SMB says so in every format, and a TCP host writes exactly what it always did")
{
    const auto tcp = test::sample_enumeration();
    auto smb = tcp;
    smb.port = 445;
    smb.transport = "ncacn_np";

    CHECK(nlohmann::json::parse(to_json_line(smb, {}))["transport"] == "ncacn_np");
    CHECK_FALSE(nlohmann::json::parse(to_json_line(tcp, {})).contains("transport"));

    // rpcdump: the header, which a table with a transport always has, names it after the port.
    CHECK(test::lines_of(rpcdump_text(smb))[0].find(" | port: 445 | transport: ncacn_np | status: ok") != std::string::npos);
    CHECK(rpcdump_text(tcp).find("transport") == std::string::npos);

    CHECK(test::lines_of(impacket_text(smb))[1] == "[*] Transport: ncacn_np 445");
    CHECK(impacket_text(tcp).find("Transport") == std::string::npos);

    // CSV: the column only in a run that asked for another transport than TCP, before the auth ones.
    format_options with_transport;
    with_transport.transport_column = true;
    with_transport.auth_columns = true;
    std::ostringstream out;
    write_csv_header(out, with_transport);
    write_csv_rows(out, smb, with_transport);
    write_csv_rows(out, tcp, with_transport);
    const auto rows = test::lines_of(out.str());
    CHECK(rows[0].ends_with(",binding,ping,transport,auth_type,auth_level,auth_principal"));
    CHECK(rows[1].ends_with(",ncacn_np,,,"));
    CHECK(rows.back().ends_with(",ncacn_ip_tcp,,,"));
    format_options transport_only;
    transport_only.transport_column = true;
    std::ostringstream narrow;
    write_csv_header(narrow, transport_only);
    write_csv_rows(narrow, smb, transport_only);
    CHECK(test::lines_of(narrow.str())[0].ends_with(",binding,ping,transport"));
    CHECK(test::lines_of(narrow.str())[1].ends_with(",ncacn_np"));
    CHECK(test::lines_of(csv_text(tcp))[0].ends_with(",binding,ping"));
}

TEST_CASE("negotiate's auth names the mechanism SPNEGO carried in JSON, and the JSON reader gives it back")
{
    auto e = test::sample_enumeration();
    e.auth = epm::auth_info{epm::auth_type::negotiate, epm::auth_level::integrity, "EPMTEST\\alice"};
    e.auth->mechanism = epm::auth_type::ntlm;
    const auto line = to_json_line(e, {});
    CHECK(nlohmann::json::parse(line)["auth"] ==
          nlohmann::json::parse(R"({"type":"negotiate","level":"integrity","principal":"EPMTEST\\alice","mechanism":"ntlm"})"));
    const auto back = output::read_json_lines(line + "\n");
    REQUIRE(back.has_value());
    REQUIRE(back->enumerations.size() == 1);
    CHECK(back->enumerations[0].auth == e.auth);
}

TEST_CASE("a binding is escaped as its whole text would be, in JSON and CSV, whichever of its parts holds quotes, backslashes, formula signs, control bytes or a UTF-8 sequence cut between parts")
{
    struct parts
    {
        std::string protseq, host, endpoint;
    };
    const parts cases[] = {
        {"ncacn_ip_tcp", "10.0.0.1", "49664"},
        {"ncacn_np", "\\\\HOST", "\\PIPE\\lsass"},
        {"ncacn_np", "say \"hi\"", "a,b"},
        {"=cmd", "h", "1"},
        {"ncacn_ip_tcp", "-1", "@x"},
        {"ncacn_ip_tcp", "\x1b[2J", "\r\n"},
        {"ncalrpc", "caf\xc3", "\xa9"}, // é split between host and endpoint: one valid character whole
        {"ncalrpc", "\xff", ""},
        {"", "", ""},
    };
    for (const auto& c : cases)
    {
        CAPTURE(c.protseq);
        CAPTURE(c.host);
        CAPTURE(c.endpoint);
        auto e = test::sample_enumeration();
        e.entries.resize(1);
        e.entries[0].where = {c.protseq, c.host, c.endpoint};
        const std::string binding = c.protseq + ":" + c.host + "[" + c.endpoint + "]";
        const auto line = to_json_line(e);
        const std::string dumped = nlohmann::ordered_json(binding).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
        CHECK(line.find(",\"binding\":" + dumped + ",\"ping\":") != std::string::npos);
        for (const unsigned char ch : line) CHECK((ch >= 0x20 && ch < 0x7f));
        const auto rows = test::lines_of(csv_text(e));
        REQUIRE(rows.size() >= 2);
        CHECK(rows[1].find("," + csv_cell(binding) + ",") != std::string::npos);
    }
}

TEST_CASE("put_uuid and its memo write what to_string(uuid) writes, for every byte value in every position")
{
    output::uuid_text_memo memo;
    for (std::size_t position = 0; position < 16; ++position)
        for (unsigned value = 0; value < 256; ++value)
        {
            uuid id = test::must_uuid("00112233-4455-6677-8899-aabbccddeeff");
            id.data[position] = static_cast<std::uint8_t>(value);
            std::array<char, 40> text{};
            text.fill('#');
            CHECK(output::put_uuid(text.data(), id) == text.data() + 36);
            CHECK(std::string_view(text.data(), 37) == to_string(id) + "#");
            for (int twice = 0; twice < 2; ++twice) // a miss, then a hit
            {
                std::array<char, 36> memo_text{};
                CHECK(memo.put(memo_text.data(), id) == memo_text.data() + 36);
                CHECK(std::string_view(memo_text.data(), 36) == to_string(id));
            }
        }
}
