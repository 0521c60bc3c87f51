// The decoders against tshark: every EPM call in every capture decodes to exactly what the
// oracle (NAME.expected.json, from tshark's dissection) lists, entry by entry, in order.
#include "capture_calls.hpp"
#include "support/test_files.hpp"
#include "support/codec_checks.hpp"

#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_map.hpp>
#include <epmdump/epm/ept_status.hpp>
#include <epmdump/epm/tower.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <optional>
#include <string>

using namespace epmdump;
using namespace epmdump::epm;
using json = nlohmann::json;

namespace {

std::string hex_of(std::span<const std::byte> b)
{
    std::string s;
    char buf[3];
    for (auto c : b)
    {
        std::snprintf(buf, sizeof buf, "%02x", std::to_integer<unsigned>(c));
        s += buf;
    }
    return s;
}

std::string floor_hex(const tower_floor& f)
{
    const tower_floor one[] = {f};
    const auto bytes = encode_floors(one);
    return hex_of(std::span(bytes).subspan(2)); // without the floor count
}

void check_syntax(const json& expected, const syntax_id& got)
{
    CHECK(to_string(got.id) == expected["uuid"].get<std::string>());
    CHECK(got.major == expected["version_major"].get<int>());
    CHECK(got.minor == expected["version_minor"].get<int>());
}

// One oracle entry (a lookup entry or a map tower) against what the decoder made of it.
void check_entry(const json& expected, const endpoint_entry& got, bool has_object)
{
    INFO("entry: " << expected.dump());
    if (has_object)
    {
        CHECK(to_string(got.object) == expected["object"].get<std::string>());
        CHECK(got.annotation == expected["annotation"].get<std::string>());
    }
    check_syntax(expected["interface"], got.interface);
    REQUIRE(got.transfer_syntax.has_value());
    check_syntax(expected["transfer_syntax"], *got.transfer_syntax);
    CHECK(got.where.protseq == expected["protseq"].get<std::string>());
    if (!expected["string_binding"].is_null()) CHECK(to_string(got.where) == expected["string_binding"].get<std::string>());
    if (!expected["ip"].is_null()) CHECK(got.where.host == expected["ip"].get<std::string>());
    if (!expected["port"].is_null()) CHECK(got.where.endpoint == std::to_string(expected["port"].get<int>()));
    if (!expected["pipe"].is_null()) CHECK(got.where.endpoint == expected["pipe"].get<std::string>());
    if (!expected["netbios_name"].is_null()) CHECK(got.where.host == expected["netbios_name"].get<std::string>());
    if (!expected["lrpc_endpoint"].is_null()) CHECK(got.where.endpoint == expected["lrpc_endpoint"].get<std::string>());

    auto tower = decode_tower(got.tower);
    REQUIRE_OK(tower);
    REQUIRE(tower->floors.size() == expected["num_floors"].get<std::size_t>());
    const auto& floors = expected["floors"];
    REQUIRE(floors.size() == tower->floors.size());
    for (std::size_t i = 0; i < floors.size(); ++i)
    {
        CHECK(tower->floors[i].protocol_id == floors[i]["proto_id"].get<int>());
        CHECK(floor_hex(tower->floors[i]) == floors[i]["raw"].get<std::string>());
    }
}

std::optional<syntax_id> syntax_of(const json& j)
{
    if (j.is_null()) return std::nullopt;
    return syntax_id{*parse_uuid(j["uuid"].get<std::string>()), j["version_major"].get<std::uint16_t>(),
                     j["version_minor"].get<std::uint16_t>()};
}

struct totals
{
    std::size_t calls = 0;
    std::size_t entries = 0;
};

// Decodes every EPM call of `capture` and compares it with `oracle`.
totals check_capture(const std::filesystem::path& capture, const std::filesystem::path& oracle_file)
{
    const json oracle = json::parse(test::read_text(oracle_file));
    std::vector<test::captured_call> calls;
    for (auto& c : test::read_captured_calls(capture))
        if (c.abstract_syntax == ept_interface().id) calls.push_back(std::move(c));
    // The helper reads DCE/RPC straight over TCP; calls over SMB pipes are not its business.
    json expected_calls = json::array();
    for (const auto& c : oracle["calls"])
        if (c["transport"] == "ncacn_ip_tcp") expected_calls.push_back(c);
    REQUIRE(calls.size() == expected_calls.size());
    totals t;
    for (std::size_t i = 0; i < calls.size(); ++i)
    {
        const auto& call = calls[i];
        const auto& want = expected_calls[i];
        INFO(capture.filename().string() << " call " << i << " (request frame " << want["request_frame"] << ")");
        CHECK(call.call_id == want["call_id"].get<std::uint32_t>());
        REQUIRE(call.opnum == want["opnum"].get<int>());
        CHECK(call.ndr64 == (want["ndr64"].is_boolean() && want["ndr64"].get<bool>()));
        if (want["encrypted_stub"].get<bool>()) continue; // sealed: nobody can decode it
        const auto syntax = call.ndr64 ? ndr::transfer_syntax::ndr64 : ndr::transfer_syntax::ndr20;
        const auto& req = want["request"];
        const auto& resp = want["response"];
        ++t.calls;
        if (call.opnum == opnum_ept_lookup)
        {
            auto r = decode_ept_lookup_request(call.request_stub, call.request_rep, syntax);
            REQUIRE_OK(r);
            CHECK(r->inquiry_type == req["inquiry_type"].get<std::uint32_t>());
            CHECK(r->vers_option == req["vers_option"].get<std::uint32_t>());
            CHECK(r->max_ents == req["max_ents"].get<std::uint32_t>());
            CHECK(to_hex(r->entry_handle) == req["handle"].get<std::string>());
            if (req["object"].is_null()) CHECK_FALSE(r->object);
            else CHECK(to_string(r->object.value()) == req["object"].get<std::string>());
            CHECK(r->interface == syntax_of(req["interface"]));
            // Re-encoding gives the same request (bytes can differ only in padding).
            ndr::writer w(call.request_rep, syntax);
            encode_ept_lookup_request(*r, w);
            auto again = decode_ept_lookup_request(w.buffer(), call.request_rep, syntax);
            REQUIRE_OK(again);
            CHECK(*again == *r);

            if (resp.is_null()) continue;
            auto got = decode_ept_lookup_response(call.response_stub, call.response_rep, syntax);
            REQUIRE_OK(got);
            CHECK(to_hex(got->entry_handle) == resp["handle"].get<std::string>());
            CHECK(got->num_ents == resp["num_entries"].get<std::uint32_t>());
            CHECK(got->status == std::stoul(resp["status"].get<std::string>(), nullptr, 16));
            CHECK(ept_status_name(got->status) == resp["status_name"].get<std::string>());
            const auto& entries = resp["entries"];
            REQUIRE(got->entries.size() == entries.size());
            for (std::size_t k = 0; k < entries.size(); ++k) check_entry(entries[k], got->entries[k], true);
            t.entries += entries.size();
        }
        else if (call.opnum == opnum_ept_map)
        {
            auto r = decode_ept_map_request(call.request_stub, call.request_rep, syntax);
            REQUIRE_OK(r);
            CHECK(to_hex(r->entry_handle) == req["handle"].get<std::string>());
            CHECK(r->max_towers == req["max_towers"].get<std::uint32_t>());
            if (!req["object"].is_null()) CHECK(to_string(r->object.value()) == req["object"].get<std::string>());
            REQUIRE(r->map_tower);
            endpoint_entry request_tower;
            auto t0 = decode_tower(*r->map_tower);
            REQUIRE_OK(t0);
            request_tower.interface = t0->interface;
            request_tower.transfer_syntax = t0->transfer_syntax;
            request_tower.where = t0->where;
            request_tower.tower = *r->map_tower;
            check_entry(req["tower"], request_tower, false);
            ndr::writer w(call.request_rep, syntax);
            encode_ept_map_request(*r, w);
            auto again = decode_ept_map_request(w.buffer(), call.request_rep, syntax);
            REQUIRE_OK(again);
            CHECK(*again == *r);

            if (resp.is_null()) continue;
            auto got = decode_ept_map_response(call.response_stub, call.response_rep, syntax);
            REQUIRE_OK(got);
            CHECK(to_hex(got->entry_handle) == resp["handle"].get<std::string>());
            CHECK(got->num_towers == resp["num_towers"].get<std::uint32_t>());
            CHECK(got->status == std::stoul(resp["status"].get<std::string>(), nullptr, 16));
            const auto& entries = resp["entries"];
            REQUIRE(got->towers.size() == entries.size());
            for (std::size_t k = 0; k < entries.size(); ++k) check_entry(entries[k], got->towers[k], false);
            t.entries += entries.size();
        }
    }
    return t;
}

totals check_project(const std::string& name)
{
    return check_capture(test::project_pcap(name + ".pcap"), test::project_pcap(name + ".expected.json"));
}

} // namespace

TEST_CASE("ept_lookup decodes the Samba AD DC dump exactly as tshark does")
{
    const auto t = check_project("samba-ad-dc-rpcdump");
    CHECK(t.calls == 2); // 53 entries, then an empty ept_s_not_registered page
    CHECK(t.entries == 53);
}

TEST_CASE("ept_lookup keeps entries that arrive with ept_s_not_registered (Samba standalone)")
{
    const auto t = check_project("samba-standalone-rpcdump");
    CHECK(t.calls == 1);
    CHECK(t.entries == 38);
    // and the decoder says so itself, not only through the oracle comparison
    for (const auto& call : test::read_captured_calls(test::project_pcap("samba-standalone-rpcdump.pcap")))
    {
        if (call.opnum != opnum_ept_lookup) continue;
        auto r = decode_ept_lookup_response(call.response_stub, call.response_rep);
        REQUIRE_OK(r);
        CHECK(r->status == ept_s_not_registered);
        CHECK(r->entries.size() == 38);
        CHECK(r->entry_handle.is_null());
    }
}

TEST_CASE("ept_lookup pages of ten decode like tshark with their non-null handles (AD DC)")
{
    const auto t = check_project("samba-ad-dc-rpcdump-maxents10");
    CHECK(t.calls > 1);
    CHECK(t.entries == 53);
}

TEST_CASE("ept_lookup pages of ten decode like tshark with their non-null handles (standalone)")
{
    const auto t = check_project("samba-standalone-rpcdump-maxents10");
    CHECK(t.calls > 1);
    CHECK(t.entries == 38);
}

namespace {
void check_shared(const std::string& file, std::size_t calls, std::size_t entries)
{
    auto capture = test::shared_file("pcaps/" + file);
    std::string base = file.substr(0, file.rfind('.'));
    auto oracle = test::shared_file("pcaps/" + base + ".expected.json");
    if (!capture || !oracle) EPMDUMP_SKIP("../shared/pcaps is absent: " + file + " may not be copied into the project");
    const auto t = check_capture(*capture, *oracle);
    CHECK(t.calls == calls);
    CHECK(t.entries == entries);
}
} // namespace

TEST_CASE("ept_lookup decodes the 346-entry Windows 10 response of 11 fragments like tshark")
{
    check_shared("win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng", 1, 346);
}

TEST_CASE("ept_map and ept_lookup decode the Exchange capture, ncacn_http tower with a 0x20 floor included")
{
    check_shared("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap", 3, 3);
}

TEST_CASE("ept_map decodes NDR64 responses, ept_s_not_registered ones included")
{
    check_shared("ndr64-ept-map-not-registered-ntlm-alter-context.pcapng", 3, 1);
}

TEST_CASE("ept_map decodes a two-tower NETLOGON answer")
{
    check_shared("ept-map-netlogon-2-towers-minimal.pcapng", 1, 2);
}

TEST_CASE("ept_map decodes the plaintext call next to a sealed one over SMB")
{
    check_shared("smb2-epmapper-pipe-privacy-plus-tcp-ept-map.pcap", 1, 1);
}
