// Every capture in ../shared/pcaps (and the copies in pcaps/) replays to exactly what
// tshark's dissection says: same calls, frames, statuses, handles and entries, in order.
#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/replay.hpp>
#include <epmdump/epm/context_handle.hpp>
#include <epmdump/epm/ept_lookup.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

using namespace epmdump;
using json = nlohmann::json;

namespace {

struct flat_call
{
    const capture::epm_call* call;
    const capture::replayed_conversation* conversation;
};

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

struct oracle_run
{
    capture::file_replay replay;
    json oracle;
    std::vector<flat_call> calls; // ours, by request frame
    std::vector<json> expected;   // tshark's TCP calls, by request frame
};

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
    for (const auto& c : run.oracle.at("calls"))
        if (c.at("transport") == "ncacn_ip_tcp") run.expected.push_back(c);
    std::sort(run.expected.begin(), run.expected.end(),
              [](const json& a, const json& b) { return a.at("request_frame") < b.at("request_frame"); });
    return run;
}

// The fault tshark saw for a request, if any.
std::optional<std::string> oracle_fault(const json& oracle, int request_frame)
{
    for (const auto& f : oracle.at("faults"))
        if (f.at("request_frame") == request_frame) return f.at("status").get<std::string>();
    return std::nullopt;
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
        const auto& origin = *run.calls[i].conversation->enumeration.origin;
        CHECK(origin.client == want.at("client").get<std::string>());
        CHECK(origin.server == want.at("server").get<std::string>());
        CHECK(origin.server_port == want.at("server_port").get<int>());
        if (!want.at("ndr64").is_null()) CHECK(got.ndr64 == want.at("ndr64").get<bool>());

        if (auto fault = oracle_fault(run.oracle, want.at("request_frame").get<int>()))
        {
            REQUIRE(got.fault);
            CHECK(status_hex(*got.fault) == *fault);
            continue;
        }
        if (want.at("response").is_null())
        {
            CHECK(got.response_frame == 0);
            continue;
        }
        const json& resp = want.at("response");
        CHECK(got.response_frame == want.at("response_frame").get<std::uint64_t>());
        CHECK(got.response_fragments == want.at("response_fragments").get<std::size_t>());
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

} // namespace

TEST_CASE("samba AD DC capture replays to its 53 oracle entries")
{
    auto run = load("samba-ad-dc-rpcdump.pcap", true);
    REQUIRE(run);
    check_against_oracle(*run);
    REQUIRE(run->replay.conversations.size() == 1);
    const auto& e = run->replay.conversations[0].enumeration;
    CHECK(e.entries.size() == 53);
    CHECK(e.status == epm::enumeration_status::ok);
    CHECK(e.origin->complete);
    CHECK(e.origin->frames == 17);
}

TEST_CASE("samba AD DC capture paged by max_ents 10 replays every page in order")
{
    auto run = load("samba-ad-dc-rpcdump-maxents10.pcap", true);
    REQUIRE(run);
    check_against_oracle(*run);
    REQUIRE(run->replay.conversations.size() == 1);
    CHECK(run->replay.conversations[0].calls.size() == 7);
    CHECK(run->replay.conversations[0].enumeration.entries.size() == 53);
}

TEST_CASE("samba standalone capture keeps the entries that arrive with ept_s_not_registered")
{
    auto run = load("samba-standalone-rpcdump.pcap", true);
    REQUIRE(run);
    check_against_oracle(*run);
    REQUIRE(run->replay.conversations.size() == 1);
    const auto& c = run->replay.conversations[0];
    CHECK(c.calls.at(0).status == 0x16c9a0d6u);
    CHECK(c.calls.at(0).inquiry_type == std::optional<std::uint32_t>{epm::rpc_c_ep_all_elts});
    CHECK(c.enumeration.entries.size() == 38);
    CHECK(c.enumeration.status == epm::enumeration_status::ok);
}

TEST_CASE("samba standalone capture paged by max_ents 10 replays to its oracle")
{
    auto run = load("samba-standalone-rpcdump-maxents10.pcap", true);
    REQUIRE(run);
    check_against_oracle(*run);
    CHECK(run->replay.conversations.at(0).enumeration.entries.size() == 38);
}

TEST_CASE("Exchange MAPI capture: ept_map towers and an ncacn_http ept_lookup entry, one connection each")
{
    auto run = load("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap", true);
    REQUIRE(run);
    check_against_oracle(*run);
    CHECK(run->replay.conversations.size() == 3);
    CHECK(run->replay.stats.smb_conversations > 0); // the MAPI session's SMB side is skipped, and said so
    bool http = false;
    for (const auto& c : run->replay.conversations)
        for (const auto& e : c.enumeration.entries)
            if (e.where.protseq == "ncacn_http")
            {
                http = true;
                CHECK(e.annotation == "MS Exchange Directory NSP Interface");
                CHECK(e.where.endpoint == "5000");
            }
    CHECK(http);
    // Outlook asked for one interface (match by interface), so this lookup is no full listing.
    int lookups = 0;
    for (const auto& c : run->replay.conversations)
        for (const auto& call : c.calls)
            if (call.opnum == epm::opnum_ept_lookup)
            {
                ++lookups;
                CHECK(call.inquiry_type == std::optional<std::uint32_t>{epm::rpc_c_ep_match_by_if});
            }
    CHECK(lookups == 1);
}

TEST_CASE("suricata EPM capture: both opnum 42 calls end in nca_op_rng_error faults")
{
    auto run = load("epm-fault-nca-op-rng-error-opnum42.pcap", true);
    REQUIRE(run);
    check_against_oracle(*run);
    REQUIRE(run->replay.conversations.size() == 2);
    for (const auto& c : run->replay.conversations)
    {
        CHECK(c.enumeration.status == epm::enumeration_status::error);
        REQUIRE(c.enumeration.error);
        CHECK(c.enumeration.error->kind == epmdump::epm::failure_kind::fault);
        CHECK(c.enumeration.error->message.find("nca_op_rng_error") != std::string::npos);
    }
}

TEST_CASE("Windows 10 capture: 346 entries from an 11-fragment response")
{
    auto run = load("win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng", false);
    if (!run) EPMDUMP_SKIP("../shared/pcaps is absent (this capture may not be copied)");
    check_against_oracle(*run);
    REQUIRE(run->calls.size() == 1);
    CHECK(run->calls[0].call->response_fragments == 11);
    CHECK(run->replay.conversations[0].enumeration.entries.size() == 346);
}

TEST_CASE("NDR64 capture: three ept_map calls decoded with the NDR64 transfer syntax")
{
    auto run = load("ndr64-ept-map-not-registered-ntlm-alter-context.pcapng", false);
    if (!run) EPMDUMP_SKIP("../shared/pcaps is absent (this capture may not be copied)");
    check_against_oracle(*run);
    REQUIRE(run->calls.size() == 3);
    for (const auto& c : run->calls) CHECK(c.call->ndr64);
    CHECK(run->calls[2].call->auth_level == 5); // integrity only: still decodable
}

TEST_CASE("scapy nanosecond pcapng: ept_map for NETLOGON returns two towers")
{
    auto run = load("ept-map-netlogon-2-towers-minimal.pcapng", false);
    if (!run) EPMDUMP_SKIP("../shared/pcaps is absent (this capture may not be copied)");
    check_against_oracle(*run);
    REQUIRE(run->replay.conversations.size() == 1);
    const auto& o = *run->replay.conversations[0].enumeration.origin;
    // pcapng with if_tsresol 9: the timestamps keep their nanoseconds.
    CHECK(o.last_timestamp > o.first_timestamp);
}

TEST_CASE("SMB2 capture: the sealed named-pipe ept_map is skipped, the TCP 135 ept_map decodes")
{
    auto run = load("smb2-epmapper-pipe-privacy-plus-tcp-ept-map.pcap", false);
    if (!run) EPMDUMP_SKIP("../shared/pcaps is absent (this capture may not be copied)");
    check_against_oracle(*run); // only the oracle's ncacn_ip_tcp call is expected
    CHECK(run->replay.stats.smb_conversations == 1);
    REQUIRE(run->replay.conversations.size() == 1);
    const auto& c = run->replay.conversations[0];
    CHECK_FALSE(c.calls.at(0).entry_handle->is_null());
    CHECK(c.enumeration.entries.size() == 1);
    CHECK(epm::to_string(c.enumeration.entries[0].where) == "ncacn_ip_tcp:192.168.1.195[49231]");
}

TEST_CASE("with a sink, each conversation is handed over when its connection closes, the same as without one")
{
    for (const char* name : {"samba-ad-dc-rpcdump.pcap", "epm-fault-nca-op-rng-error-opnum42.pcap"})
    {
        CAPTURE(std::string(name));
        const auto path = test::project_pcap(name);
        const auto whole = capture::replay_file(path);
        REQUIRE_FALSE(whole.error);
        REQUIRE_FALSE(whole.conversations.empty());

        // Frame by frame: the sink sees each closed conversation before the capture ends.
        auto file = capture::capture_file::open(path);
        REQUIRE(file.has_value());
        std::vector<capture::replayed_conversation> streamed;
        // These captures last under a second: a finished connection is closed at its last packet.
        capture::replay_options options;
        options.reassembly.linger = std::chrono::nanoseconds(0);
        capture::replay_session session(path.string(), options, [&](capture::replayed_conversation&& c) {
            streamed.push_back(std::move(c));
        });
        for (;;)
        {
            auto r = file->next();
            REQUIRE(r.has_value());
            if (!*r) break;
            session.feed(file->link_type(), (*r)->data, (*r)->timestamp);
        }
        const auto before_end = streamed.size();
        CHECK(session.finish().empty());
        CHECK(before_end == whole.conversations.size()); // every connection in these captures closes

        REQUIRE(streamed.size() == whole.conversations.size());
        for (std::size_t i = 0; i < streamed.size(); ++i)
        {
            CHECK(streamed[i].connection_id == whole.conversations[i].connection_id);
            CHECK(streamed[i].enumeration.entries == whole.conversations[i].enumeration.entries);
            CHECK(streamed[i].enumeration.status == whole.conversations[i].enumeration.status);
        }
    }
}
