// The tshark-equality check shared by the replay tests: every call of a capture against the
// oracle pcap_oracle.py wrote from tshark's dissection.
#include "oracle_check.hpp"

#include <epmdump/epm/context_handle.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>

using json = nlohmann::json;

namespace epmdump::test {

namespace {

std::string hex(std::span<const std::byte> b)
{
    std::string out;
    char buf[3];
    for (std::byte x : b)
    {
        std::snprintf(buf, sizeof buf, "%02x", std::to_integer<unsigned>(x));
        out += buf;
    }
    return out;
}

std::string status_hex(std::uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// The tower as tshark saw it: floor count (LE u16), then every floor's raw bytes.
std::string oracle_tower_hex(const json& entry)
{
    const auto floors = entry.at("floors");
    char count[8];
    std::snprintf(count, sizeof count, "%02x%02x", static_cast<unsigned>(floors.size() & 0xff),
                  static_cast<unsigned>(floors.size() >> 8));
    std::string out = count;
    for (const auto& f : floors) out += f.at("raw").get<std::string>();
    return out;
}

std::string oracle_host(const json& e)
{
    if (!e.at("ip").is_null()) return e.at("ip").get<std::string>();
    if (!e.at("netbios_name").is_null()) return e.at("netbios_name").get<std::string>();
    return "";
}

std::string oracle_endpoint(const json& e)
{
    if (!e.at("port").is_null()) return std::to_string(e.at("port").get<int>());
    if (!e.at("pipe").is_null()) return e.at("pipe").get<std::string>();
    if (!e.at("lrpc_endpoint").is_null()) return e.at("lrpc_endpoint").get<std::string>();
    return "";
}

void check_entry(const epm::endpoint_entry& got, const json& want, bool lookup)
{
    CHECK(hex(got.tower) == oracle_tower_hex(want));
    CHECK(to_string(got.interface.id) == want.at("interface").at("uuid").get<std::string>());
    CHECK(got.interface.major == want.at("interface").at("version_major").get<int>());
    CHECK(got.interface.minor == want.at("interface").at("version_minor").get<int>());
    REQUIRE(got.transfer_syntax);
    CHECK(to_string(got.transfer_syntax->id) == want.at("transfer_syntax").at("uuid").get<std::string>());
    CHECK(got.transfer_syntax->major == want.at("transfer_syntax").at("version_major").get<int>());
    if (lookup)
    {
        CHECK(to_string(got.object) == want.at("object").get<std::string>());
        CHECK(got.annotation == want.at("annotation").get<std::string>());
    }
    else
    {
        CHECK(got.object.is_nil()); // ept_map towers carry no object or annotation
        CHECK(got.annotation.empty());
    }
    CHECK(got.where.protseq == want.at("protseq").get<std::string>());
    // tshark leaves floor 5 protocol 0x20 undecoded (no ip): compare the host only where it has one.
    if (!want.at("ip").is_null() || !want.at("netbios_name").is_null()) CHECK(got.where.host == oracle_host(want));
    CHECK(got.where.endpoint == oracle_endpoint(want));
}

// The fault tshark saw for a request, if any.
std::optional<std::string> oracle_fault(const json& oracle, int request_frame)
{
    for (const auto& f : oracle.at("faults"))
        if (f.at("request_frame") == request_frame) return f.at("status").get<std::string>();
    return std::nullopt;
}

} // namespace

std::optional<oracle_run> load(const std::string& name, bool in_project)
{
    std::filesystem::path pcap;
    if (in_project)
        pcap = test::project_pcap(name);
    else if (auto p = test::shared_file("pcaps/" + name))
        pcap = *p;
    else
        return std::nullopt;
    oracle_run run;
    run.replay = capture::replay_file(pcap);
    auto oracle_path = pcap;
    oracle_path.replace_extension(".expected.json");
    run.oracle = json::parse(test::read_text(oracle_path));
    for (const auto& c : run.replay.conversations)
        for (const auto& call : c.calls) run.calls.push_back({&call, &c});
    std::sort(run.calls.begin(), run.calls.end(),
              [](const flat_call& a, const flat_call& b) { return a.call->request_frame < b.call->request_frame; });
    // Every transport replay reads: TCP (135, 593, any port) and named pipes over SMB (ncacn_np).
    for (const auto& c : run.oracle.at("calls")) run.expected.push_back(c);
    std::sort(run.expected.begin(), run.expected.end(),
              [](const json& a, const json& b) { return a.at("request_frame") < b.at("request_frame"); });
    return run;
}

void check_against_oracle(const oracle_run& run)
{
    CHECK_FALSE(run.replay.error);
    REQUIRE(run.calls.size() == run.expected.size());
    std::size_t lookup_entries = 0, map_towers = 0;
    for (std::size_t i = 0; i < run.calls.size(); ++i)
    {
        const capture::epm_call& got = *run.calls[i].call;
        const json& want = run.expected[i];
        CAPTURE(i);
        CAPTURE(got.request_frame);
        CHECK(got.opnum == want.at("opnum").get<int>());
        CHECK(got.call_id == want.at("call_id").get<std::uint32_t>());
        CHECK(got.request_frame == want.at("request_frame").get<std::uint64_t>());
        CHECK(got.request_fragments == want.at("request_fragments").get<std::size_t>());
        CHECK(got.encrypted == want.at("encrypted_stub").get<bool>());
        // The verifier tshark saw on the call's PDUs (none at level connect and without auth).
        const json& auth = want.at("auth");
        CHECK(got.auth_level == (auth.is_null() ? 0 : auth.at("level").get<int>()));
        const auto& origin = *run.calls[i].conversation->enumeration.origin;
        CHECK(origin.client == want.at("client").get<std::string>());
        CHECK(origin.server == want.at("server").get<std::string>());
        CHECK(origin.server_port == want.at("server_port").get<int>());
        CHECK((origin.transport.empty() ? std::string("ncacn_ip_tcp") : origin.transport) ==
              want.at("transport").get<std::string>());
        if (!want.at("ndr64").is_null()) CHECK(got.ndr64 == want.at("ndr64").get<bool>());

        if (auto fault = oracle_fault(run.oracle, want.at("request_frame").get<int>()))
        {
            REQUIRE(got.fault);
            CHECK(status_hex(*got.fault) == *fault);
            continue;
        }
        if (want.at("response").is_null())
        {
            // tshark cannot reassemble a sealed multi-fragment response, so leaves it unpaired;
            // we pair fragments by call_id without reading them: answered, and still sealed.
            if (got.encrypted && got.response_fragments > 1)
                CHECK(got.response_frame > got.request_frame);
            else
                CHECK(got.response_frame == 0);
            continue;
        }
        const json& resp = want.at("response");
        CHECK(got.response_frame == want.at("response_frame").get<std::uint64_t>());
        CHECK(got.response_fragments == want.at("response_fragments").get<std::size_t>());
        if (resp.value("encrypted", false))
        {
            // Sealed: neither tshark nor we can read a status or an entry.
            CHECK(got.encrypted);
            CHECK_FALSE(got.status);
            CHECK(got.entry_count == 0);
            continue;
        }
        CHECK(got.decode_error == "");
        REQUIRE(got.status);
        CHECK(status_hex(*got.status) == resp.at("status").get<std::string>());
        REQUIRE(got.entry_handle);
        CHECK(epm::to_hex(*got.entry_handle) == resp.at("handle").get<std::string>());
        const auto& entries = resp.at("entries");
        REQUIRE(got.entry_count == entries.size());
        const bool lookup = got.opnum == 2;
        (lookup ? lookup_entries : map_towers) += got.entry_count;
        const auto& all = run.calls[i].conversation->enumeration.entries;
        for (std::size_t k = 0; k < entries.size(); ++k)
        {
            CAPTURE(k);
            check_entry(all.at(got.first_entry + k), entries[k], lookup);
        }
    }
    // Nothing else: every entry of every enumeration belongs to one of the calls above.
    std::size_t total = 0;
    for (const auto& c : run.replay.conversations) total += c.enumeration.entries.size();
    CHECK(total == lookup_entries + map_towers);
}


capture::replayed_conversation replay_one_checked(const std::string& name)
{
    auto run = load(name, true);
    REQUIRE(run);
    check_against_oracle(*run);
    REQUIRE(run->replay.conversations.size() == 1);
    return run->replay.conversations[0];
}

} // namespace epmdump::test
