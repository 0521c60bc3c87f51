#include "exchange_fixtures.hpp"

#include <epmdump/exchange/report_format.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace epmdump;
using namespace epmdump::exchange;
using namespace epmdump::test;

namespace {

report broken_kb()
{
    diagnosis_input in;
    in.enumerations = read_dump_fixture("kb926210-broken.txt");
    in.enumerations[0].target = "kb926210-broken.txt";
    return diagnose(in);
}

} // namespace

TEST_CASE("text report starts with the verdict and groups each finding's evidence, cause and remedy")
{
    const auto text = render_text(broken_kb(), {.width = 0});
    CHECK(text.rfind("Verdict: PROBLEMS (2 errors)\n", 0) == 0);
    CHECK(text.find("Profile: Exchange 2000/2003 (detected: Mta and QAdmin are registered (the MTA)") != std::string::npos);
    CHECK(text.find("\n[ERROR] Information Store (EMSMDB, Information Store x3, STORE ADMIN) not registered\n") !=
          std::string::npos);
    CHECK(text.find("\n[ERROR] System Attendant (Cluster/Private/Public) not registered\n") != std::string::npos);
    CHECK(text.find("    Remedy:   ") != std::string::npos);
    CHECK(text.find("Message Transfer Agent Mta") != std::string::npos);
    CHECK(text.find("port 3595") != std::string::npos);
    CHECK(text.find("\x1b[") == std::string::npos); // no colour unless asked
}

TEST_CASE("text report colours severities and the verdict only when asked")
{
    const auto text = render_text(broken_kb(), {.colour = true, .width = 0});
    CHECK(text.find("\x1b[1;31mPROBLEMS\x1b[0m") != std::string::npos);
    CHECK(text.find("\x1b[1;31m[ERROR]\x1b[0m") != std::string::npos);
}

TEST_CASE("text report of a healthy server says so and lists every interface with its port")
{
    diagnosis_input in;
    in.enumerations = read_dump_fixture("kb926210-healthy.txt");
    const auto text = render_text(diagnose(in), {.width = 0});
    CHECK(text.rfind("Verdict: HEALTHY: every required Exchange interface is registered on ncacn_ip_tcp\n", 0) == 0);
    CHECK(text.find("No findings.") != std::string::npos);
    CHECK(text.find("not registered") == std::string::npos);
    CHECK(text.find("Information Store EMSMDB") != std::string::npos);
}

TEST_CASE("JSON report is one object with verdict and findings as the README documents")
{
    const auto doc = nlohmann::json::parse(render_json(broken_kb()));
    CHECK(doc["verdict"] == "problems");
    CHECK(doc["profile"] == "2000/2003");
    CHECK(doc["counts"]["error"] == 2);
    REQUIRE(doc["findings"].size() == 2);
    const auto& f = doc["findings"][0];
    CHECK(f["severity"] == "error");
    CHECK(f["kind"] == "interfaces_missing");
    CHECK(f["service"] == "Information Store");
    CHECK(f["title"] == "Information Store (EMSMDB, Information Store x3, STORE ADMIN) not registered");
    CHECK(f["interfaces"].size() == 7);
    CHECK(f["interfaces"][0] == "a4f1db00-ca47-1067-b31f-00dd010662da");
    CHECK(f["ports"].is_array());
    for (const char* key : {"evidence", "cause", "remedy"}) CHECK(f[key].is_string());
    CHECK(doc["interfaces"].size() == 14);
}

TEST_CASE("JSON verdict words cover not_exchange and unknown")
{
    diagnosis_input none;
    CHECK(nlohmann::json::parse(render_json(diagnose(none)))["verdict"] == "unknown");
    diagnosis_input samba;
    samba.enumerations.push_back(enumeration_of({tcp_entry("10.200.0.2", 49153, "12345778-1234-abcd-ef00-0123456789ab", 0)}));
    const auto doc = nlohmann::json::parse(render_json(diagnose(samba)));
    CHECK(doc["verdict"] == "not_exchange");
    CHECK(doc["findings"][0]["kind"] == "not_exchange");
}

TEST_CASE("text report names at most five addresses, JSON all of them")
{
    std::vector<epm::endpoint_entry> entries;
    for (int i = 1; i <= 8; ++i)
        for (auto& e : healthy_2003("10.0.100." + std::to_string(i))) entries.push_back(e);
    diagnosis_input in;
    in.enumerations.push_back(enumeration_of(entries));
    const auto r = diagnose(in);
    CHECK(render_text(r, {.width = 0}).find("(10.0.100.1, 10.0.100.2, 10.0.100.3, 10.0.100.4, 10.0.100.5 and 3 more)") != std::string::npos);
    CHECK(nlohmann::json::parse(render_json(r))["addresses"].size() == 8);
}

namespace {

// The text's words in order: runs of spaces and line breaks made one space, and a path broken
// after a backslash joined again.
std::string unwrapped(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] != '\n' && text[i] != ' ')
        {
            out += text[i];
            continue;
        }
        const bool path = text[i] == '\n' && !out.empty() && out.back() == '\\';
        while (i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\n')) ++i;
        if (!path && !out.empty() && out.back() != ' ') out += ' ';
    }
    return out;
}

} // namespace

TEST_CASE("text report wraps at the width asked for, loses no word, and keeps the table's columns")
{
    diagnosis_input in;
    in.enumerations = read_dump_fixture("kb926210-broken.txt");
    for (const char* flag : {"store=3595", "nspi=1033", "rfr=1031"}) in.static_ports.push_back(*parse_static_port_option(flag));
    const auto r = diagnose(in);
    const auto whole = render_text(r, {.width = 0});
    CHECK(whole.find(std::string(200, ' ')) == std::string::npos);
    std::size_t longest = 0;
    for (std::size_t start = 0, end; start < whole.size(); start = end + 1)
        longest = std::max(longest, (end = whole.find('\n', start)) - start);
    CHECK(longest > 300); // the remedies, unwrapped
    for (std::size_t width : {80u, 100u, 132u}) // a table row (name and UUID) takes 75 columns
    {
        CAPTURE(width);
        const auto text = render_text(r, {.width = width});
        for (std::size_t start = 0, end; start < text.size(); start = end + 1)
        {
            end = text.find('\n', start);
            CAPTURE(text.substr(start, end - start));
            CHECK(end - start <= width);
        }
        CHECK(unwrapped(text) == unwrapped(whole)); // same words, same order
        // Table rows keep their UUID column; a status that does not fit goes under it.
        CHECK(text.find("  Information Store EMSMDB             a4f1db00-ca47-1067-b31f-00dd010662da") != std::string::npos);
    }
}

TEST_CASE("an authenticated listing puts its auth in the report: JSON auth object, an Authenticated line in the text")
{
    diagnosis_input in;
    in.enumerations.push_back(enumeration_of(healthy_2003(), "mail01"));
    CHECK_FALSE(nlohmann::json::parse(render_json(diagnose(in))).contains("auth"));
    CHECK(render_text(diagnose(in), {.width = 0}).find("Authenticated:") == std::string::npos);

    in.enumerations[0].auth = epm::auth_info{epm::auth_type::kerberos, epm::auth_level::integrity, "alice@EPMTEST.LAN"};
    const auto r = diagnose(in);
    const auto j = nlohmann::json::parse(render_json(r));
    CHECK(j.at("auth") == nlohmann::json{{"type", "kerberos"}, {"level", "integrity"}, {"principal", "alice@EPMTEST.LAN"}});
    CHECK(render_text(r, {.width = 0}).find("\nAuthenticated: kerberos integrity alice@EPMTEST.LAN\n") != std::string::npos);
}

TEST_CASE("a listing whose TCP entries bind 0.0.0.0 and name no host adds no empty address to the report")
{
    // `epmdump HOST > dump.txt` for one host: no "# target:" line, every TCP endpoint on 0.0.0.0.
    diagnosis_input in;
    in.enumerations.push_back(enumeration_of(healthy_2003("0.0.0.0")));
    in.enumerations.back().target = in.enumerations.back().address = "";
    const auto r = diagnose(in);
    CHECK(r.addresses.empty());
    CHECK(render_text(r, {.width = 0}).find("()") == std::string::npos);
    CHECK(nlohmann::json::parse(render_json(r))["addresses"].empty());
}
