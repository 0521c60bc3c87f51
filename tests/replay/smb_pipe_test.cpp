// The endpoint mapper over SMB named pipes (ncacn_np) in captures of real clients against the
// Samba AD DC (pcaps/samba-ad-dc-smb*.pcap, written by pcaps/generate/smb_captures.py): the
// pipe's WRITE/READ/IOCTL data is a DCE/RPC conversation with the same calls and entries tshark
// sees, the same table as over TCP 135; SMB 3 encryption is counted, never a made-up table.
#include "endpoint_set.hpp"
#include "oracle_check.hpp"

#include "capture_builder.hpp"

#include <epmdump/capture/smb2_pipes.hpp>
#include <epmdump/epm/auth_info.hpp>
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>

using namespace epmdump;
using epmdump::test::endpoint_set;

namespace {

void check_pipe_origin(const epm::enumeration& e, std::uint16_t port)
{
    REQUIRE(e.origin);
    CHECK(e.origin->transport == "ncacn_np");
    CHECK(e.origin->pipe == "\\pipe\\epmapper");
    CHECK(e.origin->server == "10.200.0.2");
    CHECK(e.origin->server_port == port);
    CHECK(e.port == port);
    CHECK(e.origin->complete);
}

// The capture's TCP payloads, one per side's turn, to write again in other segment sizes.
struct turn
{
    bool from_client;
    test::bytes data;
};

class turn_recorder final : public capture::stream_handler
{
public:
    std::vector<turn> turns;
    capture::stream_interest on_data(const capture::tcp_connection&, const capture::stream_chunk& c) override
    {
        const bool client = c.direction == capture::flow_direction::client_to_server;
        if (turns.empty() || turns.back().from_client != client) turns.push_back({client, {}});
        turns.back().data.insert(turns.back().data.end(), c.bytes.begin(), c.bytes.end());
        return capture::stream_interest::keep;
    }
};

std::vector<turn> turns_of(const std::string& name)
{
    auto file = capture::capture_file::open(test::project_pcap(name));
    REQUIRE(file.has_value());
    turn_recorder rec;
    capture::tcp_reassembler r(rec);
    for (;;)
    {
        auto next = file->next();
        REQUIRE(next.has_value());
        if (!*next) break;
        r.feed(file->link_type(), (*next)->data, (*next)->timestamp);
    }
    r.finish();
    return rec.turns;
}

// The turns as one TCP connection cut into `segment`-byte segments, written to a pcap and replayed.
// lost_server_turn: that server turn (1-based) is left out of the file, its sequence numbers
// still used, so the capture shows a hole there.
capture::file_replay replay_resegmented(const std::vector<turn>& turns, std::uint16_t server_port, std::size_t segment,
                                        const capture::replay_options& options = {}, int lost_server_turn = 0)
{
    test::tcp_script s(test::ipv4(10, 200, 0, 1), 40000, test::ipv4(10, 200, 0, 2), server_port, 0x7ffffff0u,
                       0xfffffff0u);
    std::vector<test::tcp_packet_spec> packets{s.handshake_syn(), s.handshake_syn_ack(), s.handshake_ack()};
    int server_turn = 0;
    for (const auto& t : turns)
    {
        auto segs = t.from_client ? s.client_segments(t.data, segment) : s.server_segments(t.data, segment);
        if (!t.from_client && ++server_turn == lost_server_turn) continue;
        packets.insert(packets.end(), segs.begin(), segs.end());
    }
    packets.push_back(s.client_fin());
    packets.push_back(s.server_fin());
    auto file = test::write_pcap(test::frames_of(packets, test::link_wrap::ethernet));
    std::FILE* f = fmemopen(file.data(), file.size(), "rb");
    REQUIRE(f != nullptr);
    return capture::replay_file(f, "resegmented.pcap", options);
}

} // namespace

TEST_CASE("rpcclient's epmlookup over \\pipe\\epmapper (SMB 3.1.1 signed, IOCTL transceive, max_ents 1) replays to tshark's 54 calls and 53 entries")
{
    const auto c = test::replay_one_checked("samba-ad-dc-smb2-rpcclient-epmlookup.pcap");
    const auto& e = c.enumeration;
    CHECK(c.calls.size() == 54);
    CHECK(e.entries.size() == 53);
    CHECK(e.status == epm::enumeration_status::ok);
    CHECK_FALSE(e.auth); // the bind carries no DCE/RPC auth: SMB authenticated the user
    check_pipe_origin(e, 445);
}

TEST_CASE("epmdump's own --transport smb conversation (SMB 3.1.1 signed, NTLM session, anonymous bind) replays to tshark's calls and to the table it printed live")
{
    const auto c = test::replay_one_checked("samba-ad-dc-smb3-epmdump-ntlm.pcap");
    const auto& e = c.enumeration;
    CHECK(c.calls.size() == 2); // one page of every entry, then Samba's end of the list
    CHECK(e.entries.size() == 53);
    CHECK(e.status == epm::enumeration_status::ok);
    CHECK_FALSE(e.auth); // the bind inside the signed SMB session is anonymous
    check_pipe_origin(e, 445);
    // What epmdump printed while the capture was made (the generator keeps it beside the file).
    std::ifstream in(test::project_pcap("samba-ad-dc-smb3-epmdump-ntlm.live.json"));
    REQUIRE(in);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto live = output::read_json_lines(text);
    REQUIRE(live.has_value());
    REQUIRE(live->enumerations.size() == 1);
    CHECK(live->enumerations[0].transport == "ncacn_np");
    // The same entries in the same order (JSON keeps no raw floors, so compared by what it prints).
    auto printed = [](const epm::enumeration& listing) {
        std::vector<std::string> out;
        for (const auto& entry : listing.entries)
            out.push_back(to_string(entry.object) + " " + to_string(entry.interface.id) + " " + entry.annotation + " " +
                          epm::to_string(entry.where));
        return out;
    };
    CHECK(printed(live->enumerations[0]) == printed(e));
}

TEST_CASE("rpcclient at DCE/RPC level connect over the pipe: same entries, NTLM named with its principal")
{
    const auto plain = test::replay_one_checked("samba-ad-dc-smb2-rpcclient-epmlookup.pcap");
    const auto c = test::replay_one_checked("samba-ad-dc-smb2-rpcclient-epmlookup-connect.pcap");
    const auto& e = c.enumeration;
    CHECK(e.status == epm::enumeration_status::ok);
    CHECK(endpoint_set(e) == endpoint_set(plain.enumeration));
    REQUIRE(e.auth);
    CHECK(e.auth->type == epm::auth_type::ntlm);
    CHECK(e.auth->level == epm::auth_level::connect);
    CHECK(e.auth->principal == "EPMTEST\\epmuser"); // from the rpc_auth3 the client WRITEs
    check_pipe_origin(e, 445);
}

TEST_CASE("impacket on TCP 139 (NetBIOS session request, SMB 2.1, WRITE then READ) replays to the same table as rpcclient on 445")
{
    const auto rpcclient = test::replay_one_checked("samba-ad-dc-smb2-rpcclient-epmlookup.pcap");
    const auto c = test::replay_one_checked("samba-ad-dc-smb21-impacket-port139-netbios.pcap");
    CHECK(c.calls.size() == 7);
    CHECK(c.enumeration.status == epm::enumeration_status::ok);
    CHECK(endpoint_set(c.enumeration) == endpoint_set(rpcclient.enumeration));
    check_pipe_origin(c.enumeration, 139);
}

TEST_CASE("the pipe listing holds the same entries as the AD DC's TCP 135 listing, dynamic ports aside")
{
    // The TCP capture is older: the DC hands out its dynamic TCP ports anew at each start.
    auto without_ports = [](const epm::enumeration& e) {
        auto copy = e;
        for (auto& entry : copy.entries)
            if (entry.where.protseq == "ncacn_ip_tcp") entry.where.endpoint.clear();
        return endpoint_set(copy);
    };
    const auto pipe = test::replay_one_checked("samba-ad-dc-smb2-rpcclient-epmlookup.pcap");
    auto tcp = test::load("samba-ad-dc-rpcdump.pcap", true);
    REQUIRE(tcp);
    REQUIRE(tcp->replay.conversations.size() == 1);
    CHECK(without_ports(pipe.enumeration) == without_ports(tcp->replay.conversations[0].enumeration));
}

TEST_CASE("impacket rpcdump -port 445 sealed by SMB 3 encryption is counted as encrypted, and no table is made up")
{
    auto run = test::load("samba-ad-dc-smb3-rpcdump-port445-encrypted.pcap", true);
    REQUIRE(run);
    test::check_against_oracle(*run); // tshark sees no EPM call either
    CHECK(run->replay.conversations.empty());
    const auto& smb = run->replay.stats.smb;
    CHECK(smb.connections == 1);
    CHECK(smb.encrypted_connections == 1);
    CHECK(smb.encrypted_messages == 18);
    CHECK(smb.pipes == 0);
}

TEST_CASE("SMB2 pipe sealed at DCE/RPC level privacy is reported encrypted with NTLM, beside the TCP 135 ept_map")
{
    auto run = test::load("smb2-epmapper-pipe-privacy-plus-tcp-ept-map.pcap", false);
    if (!run) EPMDUMP_SKIP("../shared/pcaps is absent (this capture may not be copied)");
    test::check_against_oracle(*run); // the ncacn_np call (sealed) and the ncacn_ip_tcp one
    REQUIRE(run->replay.conversations.size() == 2);
    const auto& pipe = run->replay.conversations[0].enumeration;
    CHECK(pipe.status == epm::enumeration_status::error);
    REQUIRE(pipe.error);
    CHECK(pipe.error->kind == epm::failure_kind::encrypted);
    CHECK(pipe.error->message.find(epm::to_string(epm::auth_type::ntlm)) != std::string::npos);
    CHECK(pipe.entries.empty());
    REQUIRE(pipe.origin);
    CHECK(pipe.origin->encrypted);
    CHECK(pipe.origin->transport == "ncacn_np");
    CHECK(pipe.origin->pipe == "\\pipe\\epmapper");
    const auto& tcp = run->replay.conversations[1].enumeration;
    CHECK(tcp.origin->transport.empty());
    CHECK(tcp.entries.size() == 1);
}

TEST_CASE("a pipe conversation names its transport and pipe in JSON, and reads back")
{
    const auto c = test::replay_one_checked("samba-ad-dc-smb21-impacket-port139-netbios.pcap");
    const auto line = output::to_json_line(c.enumeration);
    CHECK(line.find(R"("transport":"ncacn_np","pipe":"\\pipe\\epmapper")") != std::string::npos);
    auto back = output::read_json_lines(line + "\n");
    REQUIRE(back.has_value());
    REQUIRE(back->enumerations.size() == 1);
    REQUIRE(back->enumerations[0].origin);
    CHECK(back->enumerations[0].origin->transport == "ncacn_np");
    CHECK(back->enumerations[0].origin->pipe == "\\pipe\\epmapper");
    // A TCP conversation has neither key.
    auto tcp = test::load("samba-ad-dc-rpcdump.pcap", true);
    REQUIRE(tcp);
    CHECK(output::to_json_line(tcp->replay.conversations.at(0).enumeration).find("\"transport\"") == std::string::npos);
}

TEST_CASE("SMB replay survives one-byte segments, on 445 and through the NetBIOS preamble on 139")
{
    for (const auto& [name, port] : {std::pair{"samba-ad-dc-smb21-impacket-port139-netbios.pcap", std::uint16_t{139}},
                                     std::pair{"samba-ad-dc-smb2-rpcclient-epmlookup-connect.pcap", std::uint16_t{445}}})
    {
        CAPTURE(std::string(name));
        const auto whole = test::replay_one_checked(name);
        for (std::size_t segment : {std::size_t{1}, std::size_t{7}, std::size_t{1460}})
        {
            CAPTURE(segment);
            const auto r = replay_resegmented(turns_of(name), port, segment);
            CHECK_FALSE(r.error);
            REQUIRE(r.conversations.size() == 1);
            CHECK(r.conversations[0].enumeration.entries == whole.enumeration.entries);
            CHECK(r.conversations[0].enumeration.status == epm::enumeration_status::ok);
        }
    }
}

TEST_CASE("over the pipe cap, a CREATE is counted and not followed; over the pending cap, requests are counted")
{
    const auto turns = turns_of("samba-ad-dc-smb21-impacket-port139-netbios.pcap");
    capture::replay_options none;
    none.smb.max_pipes = 0;
    const auto r = replay_resegmented(turns, 139, 1460, none);
    CHECK(r.conversations.empty());
    CHECK(r.stats.smb.dropped_pipes == 1);
    CHECK(r.stats.smb.pipes == 0);

    // One pending request at a time is all this client needs (it waits for each answer).
    capture::replay_options one;
    one.smb.max_pending = 1;
    const auto tight = replay_resegmented(turns, 139, 1460, one);
    REQUIRE(tight.conversations.size() == 1);
    CHECK(tight.conversations[0].enumeration.entries.size() == 53);
    CHECK(tight.stats.smb.dropped_requests == 0);
}

namespace {

// The SMB2 command of a turn's first message on 445 (Direct TCP header, then the SMB2 header).
std::optional<std::uint16_t> first_command(const turn& t)
{
    if (t.data.size() < 4 + 16 || t.data[4] != std::byte{0xFE}) return std::nullopt;
    return std::to_integer<std::uint16_t>(t.data[16]) | std::to_integer<std::uint16_t>(t.data[17]) << 8;
}

} // namespace

TEST_CASE("a capture that starts after the pipe's CREATE counts the pipe messages it cannot place, none silently lost")
{
    const auto whole = test::replay_one_checked("samba-ad-dc-smb2-rpcclient-epmlookup-connect.pcap");
    auto turns = turns_of("samba-ad-dc-smb2-rpcclient-epmlookup-connect.pcap");
    // Cut before the first IOCTL (11): NEGOTIATE, SESSION_SETUP, TREE_CONNECT and CREATE are not in the file.
    const auto first_ioctl = std::find_if(turns.begin(), turns.end(),
                                          [](const turn& t) { return t.from_client && first_command(t) == 11; });
    REQUIRE(first_ioctl != turns.end());
    const auto cut = replay_resegmented(std::vector<turn>(first_ioctl, turns.end()), 445, 1460);
    CHECK_FALSE(cut.error);
    CHECK(cut.conversations.empty());
    CHECK(cut.stats.smb.pipes == 0);
    // Every pipe message: bind and bind_ack, the rpc_auth3 WRITE (NTLM at level connect), and the
    // 54 ept_lookup calls (max_ents 1: one per entry, then the end of the list) with their answers.
    const std::size_t calls = whole.enumeration.entries.size() + 1;
    CHECK(cut.stats.smb.unopened_pipe_messages == 2 + 1 + 2 * calls);

    const auto uncut = replay_resegmented(turns, 445, 1460);
    CHECK(uncut.stats.smb.unopened_pipe_messages == 0);
    REQUIRE(uncut.conversations.size() == 1);
}

TEST_CASE("a gap in an SMB connection leaves the pipe's listing incomplete, never ok with fewer entries")
{
    // Server turns on 139: session response, negotiate, 2 session setup legs, tree connect,
    // create, write, bind_ack, write, first page (10), write, second page (12) ...
    const auto turns = turns_of("samba-ad-dc-smb21-impacket-port139-netbios.pcap");
    const auto r = replay_resegmented(turns, 139, 1460, {}, 12);
    REQUIRE(r.conversations.size() == 1);
    const auto& e = r.conversations[0].enumeration;
    CHECK(e.status != epm::enumeration_status::ok);
    CHECK_FALSE(e.origin->complete);
    CHECK(e.entries.size() == 10); // the first page, read before the hole
}

TEST_CASE("a pipe's endpoint is written as a string binding names it")
{
    CHECK(capture::pipe_endpoint("epmapper") == "\\pipe\\epmapper");
    CHECK(capture::pipe_endpoint("\\PIPE\\lsarpc") == "\\PIPE\\lsarpc");
    CHECK(capture::pipe_endpoint("\\epmapper") == "\\pipe\\epmapper");
}

TEST_CASE("seeded damage to SMB captures never crashes replay, and what it reports stays consistent")
{
    for (const char* name : {"samba-ad-dc-smb21-impacket-port139-netbios.pcap", "samba-ad-dc-smb2-rpcclient-epmlookup.pcap"})
    {
        CAPTURE(std::string(name));
        const test::bytes original = test::read_file(test::project_pcap(name));
        std::mt19937 rng(16);
        for (int round = 0; round < 200; ++round)
        {
            test::bytes damaged = original;
            const int flips = 1 + static_cast<int>(rng() % 12);
            for (int i = 0; i < flips; ++i)
                damaged[24 + rng() % (damaged.size() - 24)] = static_cast<std::byte>(rng()); // the file header stays
            std::FILE* f = fmemopen(damaged.data(), damaged.size(), "rb");
            REQUIRE(f != nullptr);
            const auto r = capture::replay_file(f, "damaged.pcap");
            // A damaged pipe may lose its table, never gain one: at most the capture's one conversation.
            CHECK(r.conversations.size() <= 1);
            for (const auto& c : r.conversations)
            {
                REQUIRE(c.enumeration.origin.has_value());
                for (const auto& call : c.calls) CHECK(call.first_entry + call.entry_count <= c.enumeration.entries.size());
            }
        }
    }
}
