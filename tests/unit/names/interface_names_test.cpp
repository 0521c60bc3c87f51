// The interface name table: size, uniqueness, the Exchange interfaces of KB 926210, everything
// the captures and peer outputs show, and agreement with impacket's own rpcdump output.
#include "support/test_files.hpp"

#include <epmdump/names/interface_names.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <utility>

using namespace epmdump;
using names::find_interface;

namespace {

uuid id(std::string_view text)
{
    auto u = parse_uuid(text);
    REQUIRE(u.has_value());
    return *u;
}

// Every (uuid, major) an oracle names: lookup entries, map towers and request interfaces.
std::set<std::pair<std::string, int>> oracle_interfaces(const std::filesystem::path& file)
{
    std::set<std::pair<std::string, int>> out;
    const auto j = nlohmann::json::parse(test::read_text(file));
    auto add = [&](const nlohmann::json& i) {
        if (i.is_object()) out.emplace(i["uuid"].get<std::string>(), i["version_major"].get<int>());
    };
    for (const auto& call : j["calls"])
    {
        if (call["request"].is_object())
        {
            if (call["request"].contains("interface")) add(call["request"]["interface"]);
            if (call["request"].contains("tower") && call["request"]["tower"].is_object())
                add(call["request"]["tower"]["interface"]);
        }
        if (call["response"].is_object())
            for (const auto& e : call["response"]["entries"])
                if (e.contains("interface")) add(e["interface"]);
    }
    return out;
}

// "MS-DRSR", "MC-IISA": M, S or C, '-', then upper-case letters and digits.
bool is_document_name(std::string_view p)
{
    if (p.size() < 4 || p[0] != 'M' || (p[1] != 'S' && p[1] != 'C') || p[2] != '-') return false;
    for (char c : p.substr(3))
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

// The text between `from` and the next `to` after position `at`; npos-safe.
std::string between(const std::string& text, std::size_t at, std::string_view to)
{
    const auto end = text.find(to, at);
    return end == std::string::npos ? std::string{} : text.substr(at, end - at);
}

void check_known(const std::set<std::pair<std::string, int>>& interfaces)
{
    for (const auto& [text, major] : interfaces)
    {
        INFO(text << " v" << major);
        const auto* info = find_interface(id(text), static_cast<std::uint16_t>(major));
        REQUIRE(info != nullptr);
        CHECK((info->major == major || info->major == -1));
    }
}

} // namespace

TEST_CASE("the name table holds at least 280 distinct (uuid, major) entries and no duplicate")
{
    std::set<std::pair<std::string, int>> keys;
    for (const auto& info : names::all_interfaces())
    {
        CHECK_FALSE(info.id.is_nil());
        CHECK(info.major >= -1);
        const bool fresh = keys.emplace(to_string(info.id), info.major).second;
        CHECK_MESSAGE(fresh, "duplicate " << to_string(info.id) << " v" << info.major);
    }
    CHECK(keys.size() >= 280);
    MESSAGE("entries: " << keys.size());
}

TEST_CASE("protocol documents are [MS-*]/[MC-*] names and every line says something")
{
    for (const auto& info : names::all_interfaces())
    {
        INFO(to_string(info.id));
        if (!info.protocol.empty()) CHECK(is_document_name(info.protocol));
        if (info.major == -1) CHECK_FALSE(info.protocol.empty()); // a -1 line exists for its protocol
    }
}

TEST_CASE("all Exchange 2000 interfaces of KB 926210 are named with their versions, AsyncEMSMDB too")
{
    const std::pair<const char*, int> exchange[] = {
        {"a4f1db00-ca47-1067-b31f-00dd010662da", 0},  {"5261574a-4572-206e-b268-6b199213b4e4", 0},
        {"a4f1db00-ca47-1067-b31e-00dd010662da", 1},  {"89742ace-a9ed-11cf-9c0c-08002be7ae86", 2},
        {"99e64010-b032-11d0-97a4-00c04fd6551d", 3},  {"0e4a0156-dd5d-11d2-8c2f-00c04fb6bcde", 1},
        {"1453c42c-0fa6-11d2-a910-00c04f990f3b", 1},  {"10f24e8e-0fa6-11d2-a910-00c04f990f3b", 1},
        {"f5cc5a18-4264-101a-8c59-08002b2f8426", 56}, {"1544f5e0-613c-11d1-93df-00c04fd7bd09", 1},
        {"f5cc5a7c-4264-101a-8c59-08002b2f8426", 21}, {"9e8ee830-4459-11ce-979b-00aa005ffebe", 2},
        {"38a94e72-a9bc-11d2-8faf-00c04fa378ff", 1},  {"f930c514-1215-11d3-99a5-00a0c9b61b04", 1},
        {"83d72bf0-0d89-11ce-b13f-00aa003bac6c", 6},  {"469d6ec0-0d87-11ce-b13f-00aa003bac6c", 16},
    };
    for (const auto& [text, major] : exchange)
    {
        INFO(text);
        const auto* info = find_interface(id(text), static_cast<std::uint16_t>(major));
        REQUIRE(info != nullptr);
        CHECK(info->major == major);
        CHECK_FALSE(info->name.empty());
        CHECK_FALSE(info->provider.empty());
    }
    CHECK(find_interface(id("a4f1db00-ca47-1067-b31f-00dd010662da"), 0)->protocol == "MS-OXCRPC");
    CHECK(find_interface(id("f5cc5a18-4264-101a-8c59-08002b2f8426"), 56)->protocol == "MS-NSPI");
    CHECK(find_interface(id("38a94e72-a9bc-11d2-8faf-00c04fa378ff"), 1)->name == "MS Exchange MTA 'QAdmin' Interface");
}

TEST_CASE("every GUID in KB 926210's sample rpcdump output is in the table")
{
    auto kb = test::shared_file("kb/KB926210.txt");
    if (!kb) EPMDUMP_SKIP("../shared/kb is absent");
    const std::string text = test::read_text(*kb);
    // sample lines: "  10.0.100.32[1033] [a4f1db00-ca47-1067-b31f-00dd010662da] Exchange ... :NOT_PINGED"
    std::set<std::string> seen;
    for (std::size_t at = text.find("] ["); at != std::string::npos; at = text.find("] [", at + 1))
    {
        const std::string u = text.substr(at + 3, 36);
        if (text.compare(at + 39, 1, "]") != 0 || !parse_uuid(u)) continue;
        seen.insert(u);
        const auto* info = find_interface(id(u), 0);
        REQUIRE_MESSAGE(info != nullptr, u);
    }
    CHECK(seen.size() == 14); // 15 lines per server: STORE ADMIN 99e64010 is listed twice
}

TEST_CASE("every interface in the project's Samba captures is in the table")
{
    for (const char* name : {"samba-ad-dc-rpcdump", "samba-standalone-rpcdump"})
        check_known(oracle_interfaces(test::project_pcap(std::string(name) + ".expected.json")));
}

TEST_CASE("every interface in the shared oracles is in the table")
{
    auto dir = test::shared_file("pcaps");
    if (!dir) EPMDUMP_SKIP("../shared/pcaps is absent");
    std::size_t files = 0;
    for (const auto& f : std::filesystem::directory_iterator(*dir))
    {
        if (f.path().string().ends_with(".expected.json"))
        {
            check_known(oracle_interfaces(f.path()));
            ++files;
        }
    }
    CHECK(files >= 10);
}

TEST_CASE("Protocol and Provider agree with impacket's rpcdump output against Samba")
{
    auto dir = test::shared_file("peers/samba-epm");
    if (!dir) EPMDUMP_SKIP("../shared/peers is absent");
    std::size_t groups = 0;
    for (const char* file : {"impacket-rpcdump.txt", "impacket-rpcdump-standalone.txt", "impacket-rpcdump-maxents10.txt"})
    {
        const auto path = *dir / file;
        if (!std::filesystem::exists(path)) continue;
        const std::string text = test::read_text(path);
        // groups: "Protocol: X \nProvider: Y \nUUID    : <uuid> v<major>.<minor> ..."
        for (std::size_t at = text.find("Protocol: "); at != std::string::npos; at = text.find("Protocol: ", at + 1))
        {
            const std::string protocol = between(text, at + 10, " \nProvider: ");
            const std::size_t provider_at = text.find("Provider: ", at) + 10;
            const std::string provider = between(text, provider_at, " \nUUID    : ");
            const std::size_t uuid_at = text.find("UUID    : ", provider_at) + 10;
            const std::string u = text.substr(uuid_at, 36);
            const auto major = static_cast<std::uint16_t>(std::stoi(text.substr(uuid_at + 38)));
            INFO(file << ": " << u << " v" << major);
            const auto* info = find_interface(id(u), major);
            REQUIRE(info != nullptr);
            if (protocol != "N/A")
                CHECK("[" + std::string(info->protocol) + "]: " + std::string(info->name) == protocol);
            if (provider != "N/A")
            {
                CHECK(info->major == major);
                CHECK(info->provider == provider);
            }
            ++groups;
        }
    }
    CHECK(groups > 20);
}

TEST_CASE("find_interface: exact version, then the any-version line, then nothing")
{
    const auto drsuapi = id("e3514235-4b06-11d1-ab04-00c04fc2dcd2");
    const auto* v4 = find_interface(drsuapi, 4);
    REQUIRE(v4 != nullptr);
    CHECK(v4->protocol == "MS-DRSR");
    CHECK(v4->provider == "ntdsai.dll");
    const auto* v9 = find_interface(drsuapi, 9);
    REQUIRE(v9 != nullptr);
    CHECK(v9->major == -1);           // the document still applies
    CHECK(v9->provider.empty());      // but no binary is claimed for a version nobody listed
    CHECK(v9->protocol == "MS-DRSR");
    const auto* dns = find_interface(id("50abc2a4-574d-40b3-9d66-ee4fd5fba076"), 5);
    REQUIRE(dns != nullptr);
    CHECK(dns->name == "Domain Name Service (DNS) Server Management");
    CHECK(dns->provider == "dns.exe");
    CHECK(find_interface(id("01234567-89ab-cdef-0123-456789abcdef"), 1) == nullptr);
}
