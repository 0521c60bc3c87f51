// Every capture in ../shared/pcaps (and the copies in pcaps/) replays to exactly what
// tshark's dissection says: same calls, frames, statuses, handles and entries, in order.
#include "oracle_check.hpp"

#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/replay.hpp>
#include <epmdump/epm/context_handle.hpp>
#include <epmdump/epm/ept_lookup.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

using namespace epmdump;
using test::check_against_oracle;
using test::load;

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
    CHECK(run->replay.stats.smb.connections > 0); // the MAPI session's SMB side holds no endpoint-mapper pipe
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
