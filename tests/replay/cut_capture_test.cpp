// Real captures cut short at every frame: a conversation is ok only when the capture shows its
// table ended (the listing's end-of-list status or null handle, an ept_map's answer). A bind
// nobody answered, a bind_ack with no call, a call with no response or a listing cut between
// pages is never an empty or partial table called complete.
#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/replay.hpp>
#include <epmdump/epm/ept_interface.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <vector>

using namespace epmdump;

namespace {

struct stored_frame
{
    std::vector<std::byte> data;
    std::chrono::nanoseconds timestamp{};
};

struct stored_capture
{
    int link_type = 0;
    std::vector<stored_frame> frames; // frames[0] is Wireshark's frame 1
};

stored_capture read_capture(const std::filesystem::path& path)
{
    auto file = capture::capture_file::open(path);
    REQUIRE(file.has_value());
    stored_capture out;
    out.link_type = file->link_type();
    for (;;)
    {
        auto r = file->next();
        REQUIRE(r.has_value());
        if (!*r) break;
        out.frames.push_back({{(*r)->data.begin(), (*r)->data.end()}, (*r)->timestamp});
    }
    return out;
}

// The endpoint-mapper conversations of the capture's first `count` frames, as if it ended there.
std::vector<capture::replayed_conversation> replay_first(const stored_capture& c, std::size_t count)
{
    capture::replay_session session("cut.pcap");
    for (std::size_t i = 0; i < count && i < c.frames.size(); ++i)
        session.feed(c.link_type, c.frames[i].data, c.frames[i].timestamp);
    return session.finish();
}

capture::replayed_conversation only(std::vector<capture::replayed_conversation> v)
{
    REQUIRE(v.size() == 1);
    return std::move(v[0]);
}

epm::failure_kind kind_of(const epm::enumeration& e) { return e.error ? e.error->kind : epm::failure_kind::unspecified; }

// The frame (Ethernet, IPv4, TCP) moved to another client port and `later` on: another
// conversation, the same bytes. The TCP checksum is left as is (replay does not check it).
stored_frame moved(const stored_frame& f, std::uint16_t server_port, std::uint16_t client_port,
                   std::chrono::nanoseconds later)
{
    stored_frame out = f;
    const std::size_t tcp = 14 + 4 * (std::to_integer<std::size_t>(f.data.at(14)) & 0x0f);
    const bool from_server = ((std::to_integer<unsigned>(f.data.at(tcp)) << 8) | std::to_integer<unsigned>(f.data.at(tcp + 1))) == server_port;
    const std::size_t at = tcp + (from_server ? 2 : 0);
    out.data.at(at) = static_cast<std::byte>(client_port >> 8);
    out.data.at(at + 1) = static_cast<std::byte>(client_port & 0xff);
    out.timestamp += later;
    return out;
}

} // namespace

TEST_CASE("a Windows listing ended by its null handle is written 5 s of capture time on, though its connection never closes")
{
    const auto path = test::shared_file("pcaps/win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng");
    if (!path) EPMDUMP_SKIP("../shared/pcaps is absent (this capture may not be copied)");
    const auto c = read_capture(*path);
    std::vector<capture::replayed_conversation> written;
    capture::replay_session session("two.pcapng", {}, [&](capture::replayed_conversation&& r) { written.push_back(std::move(r)); });
    for (const auto& f : c.frames) session.feed(c.link_type, f.data, f.timestamp);
    CHECK(written.empty()); // no FIN: the capture stops after the response
    const auto next = moved(c.frames[0], 135, 40000, std::chrono::seconds(4));
    session.feed(c.link_type, next.data, next.timestamp);
    CHECK(written.empty()); // 4 s: within the linger, more may come
    const auto later = moved(c.frames[0], 135, 40001, std::chrono::seconds(10));
    session.feed(c.link_type, later.data, later.timestamp);
    REQUIRE(written.size() == 1); // 10 s of silence after a listing that ended
    CHECK(written[0].enumeration.status == epm::enumeration_status::ok);
    CHECK(written[0].enumeration.entries.size() == 346);
    CHECK(written[0].enumeration.origin->frames == c.frames.size());
    session.finish();
    CHECK(written.size() == 3);
}

TEST_CASE("a listing cut after its first page, then silent for the idle timeout, is written incomplete while the capture goes on")
{
    const auto c = read_capture(test::project_pcap("samba-ad-dc-rpcdump.pcap"));
    for (const auto timeout : {std::chrono::nanoseconds(std::chrono::minutes(5)), std::chrono::nanoseconds(0)})
    {
        CAPTURE(timeout.count());
        capture::replay_options options;
        options.reassembly.idle_timeout = timeout;
        std::vector<capture::replayed_conversation> written;
        capture::replay_session session("cut.pcap", options, [&](capture::replayed_conversation&& r) { written.push_back(std::move(r)); });
        for (std::size_t i = 0; i < 12; ++i) session.feed(c.link_type, c.frames[i].data, c.frames[i].timestamp);
        const auto later = moved(c.frames[5], 135, 40000, std::chrono::minutes(6));
        session.feed(c.link_type, later.data, later.timestamp);
        REQUIRE(written.size() == (timeout.count() > 0 ? 1u : 0u)); // 0: kept to the capture's end
        session.finish();
        REQUIRE_FALSE(written.empty());
        const auto& e = written[0].enumeration;
        CHECK(e.entries.size() == 53);
        CHECK(e.status == epm::enumeration_status::incomplete);
        CHECK(e.error->message.find("the listing did not end") != std::string::npos);
    }
}

TEST_CASE("a capture holding only the bind (the first 5 frames, 848 bytes, of the Samba AD DC capture) is no_response, not an empty ok table")
{
    const auto c = read_capture(test::project_pcap("samba-ad-dc-rpcdump.pcap"));
    const auto e = only(replay_first(c, 5)).enumeration;
    CHECK(e.status == epm::enumeration_status::error);
    CHECK(kind_of(e) == epmdump::epm::failure_kind::no_response);
    CHECK(e.error->message == "the server never answered the bind");
}

TEST_CASE("bind and bind_ack with no call after them is incomplete, not an empty ok table")
{
    const auto c = read_capture(test::project_pcap("samba-ad-dc-rpcdump.pcap"));
    const auto e = only(replay_first(c, 7)).enumeration;
    CHECK(e.status == epm::enumeration_status::error);
    CHECK(kind_of(e) == epmdump::epm::failure_kind::incomplete);
    CHECK(e.error->message == "no endpoint-mapper call after the bind");
}

TEST_CASE("an ept_lookup whose response was not captured is no_response")
{
    const auto c = read_capture(test::project_pcap("samba-ad-dc-rpcdump.pcap"));
    const auto e = only(replay_first(c, 8)).enumeration;
    CHECK(e.status == epm::enumeration_status::error);
    CHECK(kind_of(e) == epmdump::epm::failure_kind::no_response);
}

TEST_CASE("a listing cut after its first page keeps the page's entries and is incomplete, since the handle says more may follow")
{
    const auto c = read_capture(test::project_pcap("samba-ad-dc-rpcdump.pcap"));
    const auto e = only(replay_first(c, 12)).enumeration; // the first lookup answered, the second not asked
    CHECK(e.entries.size() == 53);
    CHECK(e.status == epm::enumeration_status::incomplete);
    CHECK(kind_of(e) == epmdump::epm::failure_kind::incomplete);
    CHECK(e.error->message.find("the listing did not end") != std::string::npos);
    // The second lookup's ept_s_not_registered (frame 14) is what ends it.
    CHECK(only(replay_first(c, 14)).enumeration.status == epm::enumeration_status::ok);
}

TEST_CASE("a paged listing cut at any frame is ok only from its last page on, and never ok with fewer entries")
{
    for (const char* name : {"samba-ad-dc-rpcdump-maxents10.pcap", "samba-standalone-rpcdump-maxents10.pcap"})
    {
        CAPTURE(std::string(name));
        const auto c = read_capture(test::project_pcap(name));
        const auto whole = only(replay_first(c, c.frames.size()));
        REQUIRE(whole.enumeration.status == epm::enumeration_status::ok);
        const std::uint64_t last_response = whole.calls.back().response_frame;
        for (std::size_t n = 1; n <= c.frames.size(); ++n)
        {
            CAPTURE(n);
            const auto cut = replay_first(c, n);
            if (cut.empty()) continue; // before the bind: no endpoint-mapper conversation yet
            const auto e = only(cut).enumeration;
            CHECK((e.status == epm::enumeration_status::ok) == (n >= last_response));
            if (e.status == epm::enumeration_status::ok) CHECK(e.entries == whole.enumeration.entries);
            if (e.status != epm::enumeration_status::ok) CHECK(e.error.has_value());
        }
    }
}

TEST_CASE("an ept_map answered is a complete table, and the same ept_map without its answer is not")
{
    // Outlook's ept_map for NSPI: request in frame 399, answer in frame 400.
    const auto c = read_capture(test::project_pcap("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap"));
    const auto unanswered = replay_first(c, 399);
    REQUIRE(unanswered.size() == 1);
    CHECK(unanswered[0].calls.at(0).opnum == epm::opnum_ept_map);
    CHECK(unanswered[0].enumeration.status == epm::enumeration_status::error);
    CHECK(kind_of(unanswered[0].enumeration) == epmdump::epm::failure_kind::no_response);
    const auto answered = replay_first(c, 400);
    REQUIRE(answered.size() == 1);
    CHECK(answered[0].enumeration.status == epm::enumeration_status::ok);
    CHECK(answered[0].enumeration.entries.size() == 1);
}

TEST_CASE("a listing page with an error status is lookup_failed, not the end of the list")
{
    // Frame 14 is the second ept_lookup response: its stub ends with the status,
    // ept_s_not_registered. Made ept_s_cant_perform_op (0x16c9a0cd), the list did not end.
    auto c = read_capture(test::project_pcap("samba-ad-dc-rpcdump.pcap"));
    auto& data = c.frames.at(13).data;
    REQUIRE(data.size() > 4);
    const std::byte not_registered[] = {std::byte{0xd6}, std::byte{0xa0}, std::byte{0xc9}, std::byte{0x16}};
    REQUIRE(std::equal(std::begin(not_registered), std::end(not_registered), data.end() - 4));
    data[data.size() - 4] = std::byte{0xcd};
    const auto e = only(replay_first(c, c.frames.size())).enumeration;
    CHECK(e.status == epm::enumeration_status::incomplete);
    CHECK(e.entries.size() == 53);
    CHECK(kind_of(e) == epmdump::epm::failure_kind::lookup_failed);
    CHECK(e.error->message.find("0x16c9a0cd") != std::string::npos);
}

TEST_CASE("every whole real capture still replays with each of its tables ok, except the one whose server faulted and sealed ones")
{
    const char* project[] = {"samba-ad-dc-rpcdump.pcap", "samba-ad-dc-rpcdump-maxents10.pcap",
                             "samba-standalone-rpcdump.pcap", "samba-standalone-rpcdump-maxents10.pcap",
                             "exchange-mapi-nspi-lookup-ncacn_http-tower.pcap",
                             "samba-ad-dc-smb2-rpcclient-epmlookup.pcap", "samba-ad-dc-smb2-rpcclient-epmlookup-connect.pcap",
                             "samba-ad-dc-smb21-impacket-port139-netbios.pcap"};
    const char* shared[] = {"win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng",
                            "ndr64-ept-map-not-registered-ntlm-alter-context.pcapng",
                            "ept-map-netlogon-2-towers-minimal.pcapng", "smb2-epmapper-pipe-privacy-plus-tcp-ept-map.pcap"};
    std::vector<std::filesystem::path> files;
    for (const char* name : project) files.push_back(test::project_pcap(name));
    for (const char* name : shared)
        if (auto p = test::shared_file(std::string("pcaps/") + name)) files.push_back(*p);
    for (const auto& path : files)
    {
        CAPTURE(path.string());
        const auto r = capture::replay_file(path);
        CHECK_FALSE(r.error);
        REQUIRE_FALSE(r.conversations.empty());
        for (const auto& conversation : r.conversations)
        {
            // The SMB2 pipe at DCE/RPC level privacy is sealed: encrypted, never ok (smb_pipe_test).
            if (conversation.enumeration.origin->encrypted) continue;
            CHECK(conversation.enumeration.status == epm::enumeration_status::ok);
            CHECK_FALSE(conversation.enumeration.error);
        }
    }
}
