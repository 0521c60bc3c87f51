// `epmdump probe`'s formats from hand-made reports: the text block per port, the JSON object
// per port (every SCHEMA.md key), the CSV rows, and escaping of what a port sent us.
#include <epmdump/output/probe_writer.hpp>

#include "terminal_safe.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace epmdump;
using namespace epmdump::output;

namespace {

epm::syntax_id syntax(std::string_view id, std::uint16_t major, std::uint16_t minor = 0)
{
    return {*parse_uuid(id), major, minor};
}

const auto lsarpc = syntax("12345778-1234-abcd-ef00-0123456789ab", 0);
const auto samr = syntax("12345778-1234-abcd-ef00-0123456789ac", 1);
const auto netlogon = syntax("12345678-1234-abcd-ef00-01234567cffb", 1);
const auto unknown = syntax("00112233-4455-6677-8899-aabbccddeeff", 3, 1);

epm::endpoint_entry tcp_entry(const epm::syntax_id& s, std::uint16_t port)
{
    epm::endpoint_entry e;
    e.interface = s;
    e.where = {"ncacn_ip_tcp", "0.0.0.0", std::to_string(port)};
    return e;
}

// A Samba-like port: mgmt lists lsarpc and samr and an unknown interface; the mapper registers
// lsarpc and netlogon there.
epm::probe_report rpc_report()
{
    epm::probe_report r;
    auto& p = r.probe;
    p.target = "dc01";
    p.address = "10.200.0.2";
    p.port = 49152;
    p.state = epm::port_state::rpc;
    p.elapsed_ms = 1.23456;
    p.connections = 1;
    p.round_trips = 3;
    p.mgmt_answered = true;
    p.principal = "DC01$@SAMBA.TEST";
    p.interfaces = {{lsarpc, epm::found_by::inq_if_ids}, {samr, epm::found_by::inq_if_ids}, {unknown, epm::found_by::probed}};
    r.registered = std::vector<epm::endpoint_entry>{tcp_entry(lsarpc, 49152), tcp_entry(netlogon, 49152)};
    return r;
}

// LDAP answering our bind, with bytes that would drive a terminal.
epm::probe_report not_rpc_report()
{
    epm::probe_report r;
    auto& p = r.probe;
    p.target = "dc01";
    p.address = "10.200.0.2";
    p.port = 389;
    p.state = epm::port_state::not_rpc;
    p.service = epm::service_kind::ldap;
    p.looks_like = "LDAP \x1b[31mnotice";
    for (int b : {0x30, 0x0c, 0x1b, 0x5b, 0xff, 0x41}) p.first_bytes.push_back(static_cast<std::byte>(b));
    return r;
}

std::string text_of(const epm::probe_report& r)
{
    std::ostringstream out;
    write_probe_text(out, r);
    return out.str();
}

std::string csv_of(const epm::probe_report& r)
{
    std::ostringstream out;
    write_probe_csv_header(out);
    write_probe_csv_rows(out, r);
    return out.str();
}

} // namespace

TEST_CASE("a probed RPC port prints as one block: header, mgmt, principal, each interface and the registration gap")
{
    CHECK(text_of(rpc_report()) ==
          "# target: dc01 | address: 10.200.0.2 | port: 49152 | state: rpc | interfaces: 3\n"
          "  mgmt: inq_if_ids answered\n"
          "  principal: DC01$@SAMBA.TEST\n"
          "  10.200.0.2[49152] [12345778-1234-abcd-ef00-0123456789ab] v0.0 Local Security Authority (Translation Methods) Remote :INQ_IF_IDS :REGISTERED\n"
          "  10.200.0.2[49152] [12345778-1234-abcd-ef00-0123456789ac] v1.0 Security Account Manager (SAM) Remote Protocol :INQ_IF_IDS :NOT_REGISTERED\n"
          "  10.200.0.2[49152] [00112233-4455-6677-8899-aabbccddeeff] v3.1 :PROBED :NOT_REGISTERED\n"
          "  served, not registered: [12345778-1234-abcd-ef00-0123456789ac] v1.0 Security Account Manager (SAM) Remote Protocol\n"
          "  served, not registered: [00112233-4455-6677-8899-aabbccddeeff] v3.1\n"
          "  registered, not served: [12345678-1234-abcd-ef00-01234567cffb] v1.0 Netlogon Remote Protocol\n");
}

TEST_CASE("the management interface, served everywhere and rarely registered, is never 'served, not registered'")
{
    auto r = rpc_report();
    const epm::syntax_id mgmt{*parse_uuid("afa8bd80-7d8a-11c9-bef4-08002b102989"), 1, 0};
    r.probe.interfaces = {{lsarpc, epm::found_by::inq_if_ids}, {mgmt, epm::found_by::inq_if_ids}};
    r.registered = std::vector<epm::endpoint_entry>{tcp_entry(lsarpc, 49152)};
    CHECK(probe_gap(r).served_not_registered.empty());
    CHECK(registration_word(r, mgmt).empty());
    const auto text = text_of(r);
    CHECK(text.find("v1.0 Remote Management Interface :INQ_IF_IDS\n") != std::string::npos);
    CHECK(text.find("  registration: as the endpoint mapper lists it\n") != std::string::npos);
    const auto j = nlohmann::json::parse(to_probe_json_line(r));
    CHECK(j["interfaces"][1]["registered"].is_null());
    CHECK(j["registered"]["served_not_registered"].empty());
    r.registered->push_back(tcp_entry(mgmt, 49152)); // the AD DC registers it
    CHECK(registration_word(r, mgmt) == "registered");
}

TEST_CASE("a port whose mgmt was refused says why and that its interfaces were found by offering known ones")
{
    auto r = rpc_report();
    r.probe.mgmt_answered = false;
    r.probe.mgmt_refusal = "bind_nak: reason_not_specified";
    r.probe.principal.reset();
    r.registered.reset();
    const auto text = text_of(r);
    CHECK(text.find("  mgmt: refused (bind_nak: reason_not_specified), interfaces found by offering known ones\n") != std::string::npos);
    CHECK(text.find("REGISTERED") == std::string::npos); // the mapper was not asked
    CHECK(text.find("registered,") == std::string::npos);
    // --no-fallback, or no known interface accepted: nothing was found by offering.
    r.probe.interfaces.clear();
    const auto none = text_of(r);
    CHECK(none.find("  mgmt: refused (bind_nak: reason_not_specified), no interface found\n") != std::string::npos);
    CHECK(none.find("offering") == std::string::npos);
}

TEST_CASE("a port that accepts any interface is called a liar and its gap is unknown")
{
    auto r = rpc_report();
    r.probe.accepts_any_interface = true;
    r.probe.interfaces.clear();
    const auto text = text_of(r);
    CHECK(text.find("accepts any interface") != std::string::npos);
    CHECK(text.find("  registration: 2 entries registered here; whether they are served is not known\n") != std::string::npos);
    const auto j = nlohmann::json::parse(to_probe_json_line(r));
    CHECK(j["accepts_any_interface"] == true);
    CHECK(j["registered"]["served_not_registered"].is_null());
    CHECK(j["registered"]["registered_not_served"].is_null());
    CHECK(j["registered"]["interfaces"].size() == 2);
}

TEST_CASE("a non-RPC port shows its service guess and its first bytes, escaped, never raw")
{
    const auto text = text_of(not_rpc_report());
    CHECK(text ==
          "# target: dc01 | address: 10.200.0.2 | port: 389 | state: not_rpc | service: ldap\n"
          "  looks like: LDAP \\x1b[31mnotice\n"
          "  first bytes: 0\\x0c\\x1b[\\xffA\n");
    CHECK(test::terminal_safe(text));
    const auto j = nlohmann::json::parse(to_probe_json_line(not_rpc_report()));
    CHECK(j["service"] == "ldap");
    CHECK(j["looks_like"] == "LDAP \x1b[31mnotice");
    CHECK(j["first_bytes"] == "300c1b5bff41");
    CHECK(j["interfaces"].empty());
    CHECK(j["mgmt_refusal"].is_null());
    const auto csv = csv_of(not_rpc_report());
    CHECK(csv.find(",ldap,LDAP \\x1b[31mnotice,0\\x0c\\x1b[\\xffA,") != std::string::npos);
    CHECK(test::terminal_safe(csv, true));
}

TEST_CASE("the JSON object of a probed port has every key of SCHEMA.md, in order")
{
    const auto line = to_probe_json_line(rpc_report());
    CHECK(line.find('\n') == std::string::npos);
    const auto j = nlohmann::ordered_json::parse(line);
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"schema", "record", "scope", "target", "address", "port", "state", "elapsed_ms",
                                           "connections", "round_trips", "ncacn_http", "mgmt_answered", "mgmt_refusal",
                                           "principal", "accepts_any_interface", "interfaces", "service", "looks_like",
                                           "first_bytes", "registered"});
    CHECK(j["schema"] == 1);
    CHECK(j["record"] == "probe");
    CHECK(j["scope"] == "port");
    CHECK(j["port"] == 49152);
    CHECK(j["state"] == "rpc");
    CHECK(j["elapsed_ms"] == 1.235);
    CHECK(j["principal"] == "DC01$@SAMBA.TEST");
    REQUIRE(j["interfaces"].size() == 3);
    CHECK(j["interfaces"][0] == nlohmann::ordered_json::parse(
                                    R"({"uuid":"12345778-1234-abcd-ef00-0123456789ab","version":"0.0","name":"Local Security Authority (Translation Methods) Remote","found_by":"inq_if_ids","registered":true})"));
    CHECK(j["interfaces"][2]["name"].is_null());
    CHECK(j["interfaces"][2]["found_by"] == "probed");
    CHECK(j["interfaces"][2]["registered"] == false);
    CHECK(j["service"].is_null());
    CHECK(j["first_bytes"] == "");
    const auto& reg = j["registered"];
    CHECK(reg["interfaces"].size() == 2);
    REQUIRE(reg["served_not_registered"].size() == 2);
    CHECK(reg["served_not_registered"][0]["uuid"] == "12345778-1234-abcd-ef00-0123456789ac");
    REQUIRE(reg["registered_not_served"].size() == 1);
    CHECK(reg["registered_not_served"][0]["version"] == "1.0");
}

TEST_CASE("a principal with control characters and invalid UTF-8 stays ASCII JSON and escaped text")
{
    auto r = rpc_report();
    r.probe.principal = std::string("evil\x1b]0;title\x07\xc3", 15);
    const auto line = to_probe_json_line(r);
    for (const char c : line) CHECK(static_cast<unsigned char>(c) < 0x80);
    CHECK(nlohmann::json::parse(line)["principal"] == "evil\x1b]0;title\x07\xef\xbf\xbd");
    CHECK(text_of(r).find("  principal: evil\\x1b]0;title\\x07\\xc3\n") != std::string::npos);
}

TEST_CASE("CSV has one row per interface served, one per interface registered but not served, one for a bare port")
{
    const auto csv = csv_of(rpc_report());
    CHECK(csv.substr(0, csv.find("\r\n")) ==
          "target,address,port,scope,state,error,service,looks_like,first_bytes,mgmt,principal,accepts_any_interface,"
          "interface,version,name,found_by,registration");
    CHECK(csv.find("dc01,10.200.0.2,49152,port,rpc,,,,,answered,DC01$@SAMBA.TEST,,12345778-1234-abcd-ef00-0123456789ab,0.0,"
                   "Local Security Authority (Translation Methods) Remote,inq_if_ids,registered\r\n") != std::string::npos);
    CHECK(csv.find(",00112233-4455-6677-8899-aabbccddeeff,3.1,,probed,not_registered\r\n") != std::string::npos);
    CHECK(csv.find(",12345678-1234-abcd-ef00-01234567cffb,1.0,Netlogon Remote Protocol,,not_served\r\n") != std::string::npos);
    std::size_t rows = 0;
    for (std::size_t at = 0; (at = csv.find("\r\n", at)) != std::string::npos; at += 2) ++rows;
    CHECK(rows == 1 + 3 + 1);

    epm::probe_report closed;
    closed.probe.target = "h";
    closed.probe.address = "127.0.0.1";
    closed.probe.port = 7;
    closed.probe.state = epm::port_state::closed;
    closed.probe.error = epm::enumeration_error{epm::failure_kind::refused, "connection refused"};
    CHECK(csv_of(closed).substr(csv.find("\r\n") + 2) == "h,127.0.0.1,7,port,closed,refused: connection refused,,,,,,,,,,,\r\n");
}

TEST_CASE("a host that could not be probed is one record of scope host with the mapper's error")
{
    epm::probe_report r;
    r.scope = epm::probe_scope::host;
    r.probe.target = "dc01";
    r.probe.address = "10.200.0.2";
    r.probe.port = 135;
    r.probe.state = epm::port_state::error;
    r.probe.error = epm::enumeration_error{epm::failure_kind::refused, "connection refused"};
    CHECK(text_of(r) == "# target: dc01 | address: 10.200.0.2 | port: 135 | host: not probed (endpoint mapper not enumerated)"
                        " | error: refused: connection refused\n");
    const auto j = nlohmann::json::parse(to_probe_json_line(r));
    CHECK(j["scope"] == "host");
    CHECK(j["state"] == "error");
    CHECK(j["error"]["kind"] == "refused");
    CHECK(j["registered"].is_null());
}

TEST_CASE("the probe writer separates text blocks with a blank line, starts CSV with its header and stops on a failed stream")
{
    std::ostringstream out;
    format_options o;
    o.text_line_ending = line_ending::crlf;
    probe_writer w(out, format::rpcdump, o);
    CHECK(w.write(not_rpc_report()));
    CHECK(w.write(not_rpc_report()));
    CHECK(out.str().find("\r\n\r\n# target:") != std::string::npos);

    std::ostringstream csv;
    probe_writer c(csv, format::csv);
    CHECK(c.end());
    CHECK(csv.str().rfind("target,address,port,scope", 0) == 0);

    std::ostringstream broken;
    broken.setstate(std::ios::badbit);
    probe_writer b(broken, format::json);
    CHECK_FALSE(b.write(rpc_report()));
}

TEST_CASE("first bytes that happen to be valid UTF-8 print as \\xNN, and a backslash is doubled")
{
    // From a real TLS ServerHello (10.200.0.2:636): its random held d8 a9, which is U+0629 in UTF-8.
    auto r = not_rpc_report();
    r.probe.first_bytes.clear();
    for (int b : {0x16, 0x03, 0xd8, 0xa9, 0x5c, 0x78, 0x34, 0x31})
        r.probe.first_bytes.push_back(static_cast<std::byte>(b));
    CHECK(first_bytes_text(r.probe) == "\\x16\\x03\\xd8\\xa9\\\\x41");
    CHECK(text_of(r).find("  first bytes: \\x16\\x03\\xd8\\xa9\\\\x41\n") != std::string::npos);
}

TEST_CASE("a probe record of a run with credentials carries its auth in every format, an anonymous one none")
{
    auto r = rpc_report();
    r.probe.auth = epm::auth_info{epm::auth_type::ntlm, epm::auth_level::privacy, "EPMTEST\\epmuser\x1b"};

    const auto j = nlohmann::json::parse(to_probe_json_line(r));
    CHECK(j.at("auth") == nlohmann::json{{"type", "ntlm"}, {"level", "privacy"}, {"principal", "EPMTEST\\epmuser\x1b"}});
    CHECK_FALSE(nlohmann::json::parse(to_probe_json_line(rpc_report())).contains("auth"));

    const auto text = text_of(r);
    CHECK(text.rfind("# target: dc01 | address: 10.200.0.2 | port: 49152 | state: rpc | interfaces: 3 | auth: ntlm privacy "
                     "EPMTEST\\epmuser\\x1b\n",
                     0) == 0);
    CHECK(test::terminal_safe(text));

    std::ostringstream csv;
    write_probe_csv_header(csv, true);
    write_probe_csv_rows(csv, r, true);
    std::istringstream lines(csv.str());
    std::string header, first;
    std::getline(lines, header);
    std::getline(lines, first);
    CHECK(header.ends_with(",registration,auth_type,auth_level,auth_principal\r"));
    CHECK(first.ends_with(",ntlm,privacy,EPMTEST\\epmuser\\x1b\r"));
    // Without the run's auth columns the anonymous layout stays as it was: 17 columns.
    CHECK(csv_of(r).find("auth") == std::string::npos);
}
