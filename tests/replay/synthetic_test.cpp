// Captures the tests write themselves from the real PDUs of pcaps/samba-ad-dc-rpcdump.pcap:
// cut into segments, reordered, duplicated, overlapped, lost, interleaved, on every link
// layer and file format we read. Each must replay to the original's entries (or report
// exactly what it lost).
#include <epmdump/capture/replay.hpp>
#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_interface.hpp>

#include "capture_builder.hpp"
#include "stream_collector.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace epmdump;
using namespace epmdump::test;
using namespace std::chrono_literals;

namespace {

// The PDU bytes of the bundled capture, in the order each side sent them.
struct exchange_chunk
{
    bool from_client;
    bytes data;
};

class chunk_recorder final : public capture::stream_handler
{
public:
    std::vector<exchange_chunk> chunks;
    capture::stream_interest on_data(const capture::tcp_connection&, const capture::stream_chunk& c) override
    {
        const bool client = c.direction == capture::flow_direction::client_to_server;
        if (chunks.empty() || chunks.back().from_client != client) chunks.push_back({client, {}});
        chunks.back().data.insert(chunks.back().data.end(), c.bytes.begin(), c.bytes.end());
        return capture::stream_interest::keep;
    }
};

const std::vector<exchange_chunk>& samba_exchange()
{
    static const std::vector<exchange_chunk> chunks = [] {
        auto file = capture::capture_file::open(project_pcap("samba-ad-dc-rpcdump.pcap"));
        if (!file) throw std::runtime_error(file.error().to_string());
        chunk_recorder rec;
        capture::tcp_reassembler r(rec);
        while (auto rec_or = file->next())
        {
            if (!*rec_or) break;
            r.feed(file->link_type(), (*rec_or)->data, (*rec_or)->timestamp);
        }
        r.finish();
        return rec.chunks;
    }();
    return chunks;
}

const std::vector<epm::endpoint_entry>& samba_entries()
{
    static const std::vector<epm::endpoint_entry> entries = [] {
        auto r = capture::replay_file(project_pcap("samba-ad-dc-rpcdump.pcap"));
        if (r.conversations.size() != 1) throw std::runtime_error("bundled capture changed");
        return r.conversations[0].enumeration.entries;
    }();
    return entries;
}

struct build_options
{
    std::size_t segment = 1460;
    bool reverse_each_message = false;
    bool duplicate = false;
    bool overlap = false;         // every segment also sent again shifted back by half
    int drop_server_segment = -1; // index among the server's data segments
};

// The exchange as TCP packets of one connection.
std::vector<tcp_packet_spec> build(tcp_script& s, const build_options& o = {}, bool handshake = true,
                                   const std::vector<exchange_chunk>& exchange = samba_exchange())
{
    std::vector<tcp_packet_spec> out;
    if (handshake) out = {s.handshake_syn(), s.handshake_syn_ack(), s.handshake_ack()};
    int server_index = 0;
    for (const auto& chunk : exchange)
    {
        const std::uint32_t base = chunk.from_client ? s.client_seq() : s.server_seq();
        auto segs = chunk.from_client ? s.client_segments(chunk.data, o.segment) : s.server_segments(chunk.data, o.segment);
        std::vector<tcp_packet_spec> msg;
        for (auto& seg : segs)
        {
            if (!chunk.from_client && server_index++ == o.drop_server_segment) continue;
            msg.push_back(seg);
            if (o.duplicate) msg.push_back(seg);
            if (o.overlap && seg.payload.size() > 1)
            {
                // A copy starting half-way into this segment and reaching into the next one.
                const std::size_t from = static_cast<std::size_t>(seg.seq - base) + seg.payload.size() / 2;
                const std::size_t to = std::min(chunk.data.size(), from + seg.payload.size());
                tcp_packet_spec extra = seg;
                extra.seq = base + static_cast<std::uint32_t>(from);
                extra.payload.assign(chunk.data.begin() + static_cast<std::ptrdiff_t>(from),
                                     chunk.data.begin() + static_cast<std::ptrdiff_t>(to));
                msg.push_back(extra);
            }
        }
        if (o.reverse_each_message) std::reverse(msg.begin(), msg.end());
        out.insert(out.end(), msg.begin(), msg.end());
    }
    out.push_back(s.client_fin());
    out.push_back(s.server_fin());
    return out;
}

tcp_script samba_script(std::uint16_t client_port = 40000, std::uint16_t server_port = 135)
{
    return tcp_script(ipv4(10, 200, 1, 1), client_port, ipv4(10, 200, 1, 2), server_port, 0x7ffffff0u, 0xfffffff0u);
}

capture::file_replay replay_bytes(const bytes& file, const std::string& name = "synthetic.pcap")
{
    std::FILE* f = fmemopen(const_cast<std::byte*>(file.data()), file.size(), "rb");
    return capture::replay_file(f, name);
}

capture::file_replay replay_packets(const std::vector<tcp_packet_spec>& packets, link_wrap w = link_wrap::ethernet)
{
    return replay_bytes(write_pcap(frames_of(packets, w), {false, false, 262144, linktype_of(w)}));
}

void check_full_samba(const capture::file_replay& r, std::size_t conversations = 1)
{
    CHECK_FALSE(r.error);
    REQUIRE(r.conversations.size() == conversations);
    for (const auto& c : r.conversations)
    {
        CHECK(c.enumeration.entries == samba_entries());
        CHECK(c.enumeration.status == epm::enumeration_status::ok);
        CHECK(c.enumeration.origin->complete);
    }
}

} // namespace

TEST_CASE("the bundled exchange re-written into a fresh pcap replays to the same entries")
{
    REQUIRE(samba_entries().size() == 53);
    auto s = samba_script();
    const auto r = replay_packets(build(s));
    check_full_samba(r);
    const auto& o = *r.conversations[0].enumeration.origin;
    CHECK(o.client == "10.200.1.1");
    CHECK(o.client_port == 40000);
    CHECK(o.server_port == 135);
    CHECK(r.conversations[0].enumeration.address == "10.200.1.2");
}

TEST_CASE("replay survives reordered segments within every message")
{
    auto s = samba_script();
    build_options o;
    o.segment = 100;
    o.reverse_each_message = true;
    check_full_samba(replay_packets(build(s, o)));
}

TEST_CASE("replay survives every segment duplicated")
{
    auto s = samba_script();
    build_options o;
    o.segment = 300;
    o.duplicate = true;
    check_full_samba(replay_packets(build(s, o)));
}

TEST_CASE("replay survives overlapping retransmissions")
{
    auto s = samba_script();
    build_options o;
    o.segment = 64;
    o.overlap = true;
    o.reverse_each_message = true;
    check_full_samba(replay_packets(build(s, o)));
}

TEST_CASE("replay survives one-byte segments")
{
    auto s = samba_script();
    build_options o;
    o.segment = 1;
    check_full_samba(replay_packets(build(s, o)));
}

TEST_CASE("a lost server segment makes that conversation incomplete and leaves the other whole")
{
    auto lossy = samba_script(40001);
    auto clean = samba_script(40002);
    build_options o;
    o.segment = 500;
    o.drop_server_segment = 3; // inside the ept_lookup response
    auto p = build(lossy, o);
    auto q = build(clean);
    p.insert(p.end(), q.begin(), q.end());
    const auto r = replay_packets(p);
    REQUIRE(r.conversations.size() == 2);
    const auto& bad = r.conversations[0].enumeration;
    CHECK_FALSE(bad.origin->complete);
    CHECK(bad.status == epm::enumeration_status::error);
    REQUIRE(bad.error);
    CHECK(bad.error->kind == epmdump::epm::failure_kind::no_response);
    CHECK(bad.entries.empty()); // the response never completed: nothing is invented
    const auto& good = r.conversations[1].enumeration;
    CHECK(good.entries == samba_entries());
    CHECK(good.origin->complete);
}

TEST_CASE("two interleaved conversations replay separately")
{
    auto a = samba_script(40003);
    auto b = tcp_script(ipv4(10, 200, 1, 9), 40004, ipv4(10, 200, 1, 2), 135, 5, 6);
    build_options o;
    o.segment = 200;
    auto pa = build(a, o), pb = build(b, o);
    std::vector<tcp_packet_spec> p;
    for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i)
    {
        if (i < pa.size()) p.push_back(pa[i]);
        if (i < pb.size()) p.push_back(pb[i]);
    }
    const auto r = replay_packets(p);
    check_full_samba(r, 2);
    CHECK(r.conversations[1].enumeration.origin->client == "10.200.1.9");
}

TEST_CASE("IPv6 conversations report IPv6 addresses")
{
    tcp_script s(ipv6("fd00::1"), 40005, ipv6("fd00::2"), 135);
    const auto r = replay_packets(build(s));
    check_full_samba(r);
    CHECK(r.conversations[0].enumeration.address == "fd00::2");
    CHECK(r.conversations[0].enumeration.origin->client == "fd00::1");
}

TEST_CASE("VLAN, QinQ, SLL, SLL2, null and loop link layers replay alike")
{
    for (link_wrap w : {link_wrap::ethernet_vlan, link_wrap::ethernet_qinq, link_wrap::linux_sll, link_wrap::linux_sll2,
                        link_wrap::null_le, link_wrap::null_be, link_wrap::loop, link_wrap::raw})
    {
        CAPTURE(static_cast<int>(w));
        auto s = samba_script();
        check_full_samba(replay_packets(build(s), w));
    }
}

TEST_CASE("big-endian and nanosecond pcap files replay alike and keep their timestamps")
{
    for (bool be : {false, true})
        for (bool ns : {false, true})
        {
            auto s = samba_script();
            auto frames = frames_of(build(s), link_wrap::ethernet, 1700000000s + 123456789ns);
            const auto r = replay_bytes(write_pcap(frames, {be, ns, 262144, 1}));
            check_full_samba(r);
            const double first = r.conversations.at(0).enumeration.origin->first_timestamp;
            const double expected = ns ? 1700000000.123456789 : 1700000000.123456;
            CHECK(first == doctest::Approx(expected).epsilon(1e-15));
        }
}

TEST_CASE("pcapng with several interfaces and either section byte order replays alike")
{
    for (bool be : {false, true})
    {
        auto s = samba_script();
        pcapng_options o;
        o.big_endian = be;
        o.interfaces = 3;
        check_full_samba(replay_bytes(write_pcapng(frames_of(build(s)), o), "synthetic.pcapng"));
    }
}

TEST_CASE("DCE/RPC on a port that is not 135 is found by its first PDU header")
{
    auto s = samba_script(40006, 49999);
    const auto r = replay_packets(build(s));
    check_full_samba(r);
    CHECK(r.conversations[0].enumeration.port == 49999);
}

TEST_CASE("the ncacn_http/1.0 banner before the first PDU is skipped")
{
    auto s = samba_script(40007, 593);
    std::vector<tcp_packet_spec> p{s.handshake_syn(), s.handshake_syn_ack(), s.handshake_ack()};
    // The banner arrives split across two segments.
    p.push_back(s.server_data(to_bytes("ncacn_")));
    p.push_back(s.server_data(to_bytes("http/1.0")));
    auto rest = build(s, {}, false);
    p.insert(p.end(), rest.begin(), rest.end());
    const auto r = replay_packets(p);
    check_full_samba(r);
    CHECK(r.conversations[0].enumeration.port == 593);
}

TEST_CASE("without a handshake, PDU types decide which side is the client")
{
    // Client on port 1025, server on 49999: the port heuristic guesses wrong, the PDUs fix it.
    tcp_script s(ipv4(10, 0, 0, 7), 1025, ipv4(10, 0, 0, 8), 49999);
    const auto r = replay_packets(build(s, {}, false));
    check_full_samba(r);
    CHECK(r.conversations[0].enumeration.origin->client == "10.0.0.7");
    CHECK(r.conversations[0].enumeration.origin->server_port == 49999);
}

TEST_CASE("a late retransmitted bind still maps its context when the bind_ack came first")
{
    auto s = samba_script(40008);
    auto p = build(s, {}, true);
    // p[3] is the bind (first client data); move it after the bind_ack at p[4].
    REQUIRE(p[3].src_port == 40008);
    std::swap(p[3], p[4]);
    check_full_samba(replay_packets(p));
}

TEST_CASE("a recorded bind_ack accepting NDR64 where the client offered NDR 2.0 only is reported, not believed")
{
    // The Samba exchange with its bind_ack changed to accept NDR64 for context 0. Believed, the
    // NDR 2.0 stubs would be read as NDR64; refused, the context stays unknown and the mapper
    // port's rule reads them as NDR 2.0, so the table is kept and flagged.
    auto exchange = samba_exchange();
    REQUIRE(exchange.size() >= 2);
    REQUIRE_FALSE(exchange[1].from_client);
    auto& ack_bytes = exchange[1].data;
    const auto header = dcerpc::decode_common_header(ack_bytes).value();
    REQUIRE(header.type == dcerpc::pdu_type::bind_ack);
    REQUIRE(header.frag_length == ack_bytes.size());
    auto ack = dcerpc::decode_bind_ack(header, ack_bytes).value().params;
    REQUIRE(ack.results.at(0).transfer_syntax == dcerpc::ndr20_syntax());
    ack.results.at(0).transfer_syntax = dcerpc::ndr64_syntax();
    ack_bytes = dcerpc::encode_bind_ack(header.call_id, ack, header.drep);
    REQUIRE(ack_bytes.size() == header.frag_length);

    auto s = samba_script(40012);
    const auto r = replay_packets(build(s, {}, true, exchange));
    REQUIRE(r.conversations.size() == 1);
    const auto& e = r.conversations[0].enumeration;
    REQUIRE(e.error.has_value());
    CHECK(e.error->kind == epm::failure_kind::decode);
    CHECK(e.error->message.find("bind_ack: ") == 0);
    CHECK(e.error->message.find("not offered") != std::string::npos);
    CHECK(e.status == epm::enumeration_status::incomplete);
    CHECK(e.entries == samba_entries());
    for (const auto& call : r.conversations[0].calls) CHECK_FALSE(call.ndr64);
}

TEST_CASE("stubs sealed with auth level privacy are reported as encrypted, not empty")
{
    auto s = samba_script(40009);
    dcerpc::bind_params bp;
    bp.contexts = dcerpc::make_contexts(epm::ept_interface(), {});
    auto bind = dcerpc::encode_bind(1, bp);
    const std::byte token[16] = {};
    dcerpc::sec_trailer t;
    t.auth_type = 10;
    t.auth_level = 6;
    dcerpc::append_auth_verifier(bind, t, token);
    dcerpc::bind_ack_params ap;
    ap.secondary_address = "135";
    ap.results.push_back({dcerpc::result_acceptance, 0, dcerpc::ndr20_syntax()});
    auto ack = dcerpc::encode_bind_ack(1, ap);
    dcerpc::append_auth_verifier(ack, t, token);
    const bytes sealed(64, std::byte{0xa5});
    auto request = dcerpc::encode_request(2, 0, epm::opnum_ept_lookup, sealed);
    dcerpc::append_auth_verifier(request, t, token, 16);
    auto response = dcerpc::encode_response(2, {}, sealed);
    dcerpc::append_auth_verifier(response, t, token, 16);
    std::vector<tcp_packet_spec> p{s.handshake_syn(), s.handshake_syn_ack(), s.handshake_ack(),
                                   s.client_data(bind), s.server_data(ack), s.client_data(request),
                                   s.server_data(response)};
    const auto r = replay_packets(p);
    REQUIRE(r.conversations.size() == 1);
    const auto& c = r.conversations[0];
    REQUIRE(c.calls.size() == 1);
    CHECK(c.calls[0].encrypted);
    CHECK(c.calls[0].auth_level == 6);
    CHECK(c.enumeration.origin->encrypted);
    REQUIRE(c.enumeration.error);
    CHECK(c.enumeration.error->kind == epmdump::epm::failure_kind::encrypted);
    CHECK(c.enumeration.status == epm::enumeration_status::error);
}

TEST_CASE("traffic that is not DCE/RPC yields no conversation")
{
    tcp_script s(ipv4(10, 0, 0, 1), 40010, ipv4(10, 0, 0, 2), 80);
    std::vector<tcp_packet_spec> p{s.handshake_syn(), s.handshake_syn_ack(), s.handshake_ack(),
                                   s.client_data(to_bytes("GET / HTTP/1.1\r\n\r\n")),
                                   s.server_data(to_bytes("HTTP/1.1 200 OK\r\n\r\n"))};
    const auto r = replay_packets(p);
    CHECK_FALSE(r.error);
    CHECK(r.conversations.empty());
    CHECK(r.stats.rpc_conversations == 0);
}

TEST_CASE("a truncated capture file reports file and offset and keeps what came before")
{
    auto s1 = samba_script(40011);
    auto s2 = samba_script(40012);
    auto p = build(s1);
    const std::size_t first_len = p.size();
    auto q = build(s2);
    p.insert(p.end(), q.begin(), q.end());
    auto frames = frames_of(p);
    bytes file = write_pcap(frames);
    std::size_t offset = 24;
    for (std::size_t i = 0; i < first_len + 2; ++i) offset += 16 + frames[i].data.size();
    file.resize(offset + 20); // cut inside the record after the second handshake's SYN-ACK
    const auto r = replay_bytes(file, "cut.pcap");
    REQUIRE(r.error);
    CHECK(r.error->file == "cut.pcap");
    CHECK(r.error->offset == offset);
    REQUIRE(r.conversations.size() == 1); // the first conversation, whole
    CHECK(r.conversations[0].enumeration.entries == samba_entries());
}

TEST_CASE("bad files are errors with file and offset: empty, not a capture, absurd snap length")
{
    const auto empty = replay_bytes({}, "empty.pcap");
    REQUIRE(empty.error);
    CHECK(empty.error->to_string() == "empty.pcap: at byte offset 0: empty file (0 bytes), not a capture");

    const auto text = replay_bytes(to_bytes("this is not a capture file at all"), "text.pcap");
    REQUIRE(text.error);
    CHECK(text.error->file == "text.pcap");
    CHECK(text.error->offset == 0);

    auto s = samba_script();
    bytes file = write_pcap(frames_of(build(s)), {false, false, 0x7fffffff, 1});
    // Record 2 claims 2 GB of captured data.
    const std::size_t second = 24 + 16 + frames_of(build(s)).front().data.size();
    file[second + 8] = std::byte{0}, file[second + 9] = std::byte{0}, file[second + 10] = std::byte{0},
    file[second + 11] = std::byte{0x80};
    const auto absurd = replay_bytes(file, "absurd.pcap");
    REQUIRE(absurd.error);
    CHECK(absurd.error->offset == second);
    CHECK(absurd.conversations.empty());
}

TEST_CASE("a capture that starts after the bind still decodes calls on the endpoint-mapper port")
{
    auto s = samba_script(40013);
    auto all = build(s);
    // Drop the handshake and the bind / bind_ack: start with the ept_lookup request.
    std::vector<tcp_packet_spec> p(all.begin() + 5, all.end());
    REQUIRE(p.front().src_port == 40013);
    const auto r = replay_packets(p);
    REQUIRE(r.conversations.size() == 1);
    CHECK(r.conversations[0].enumeration.entries == samba_entries());

    // On another port nothing says the unknown context is the endpoint mapper.
    auto t = samba_script(40014, 50123);
    auto other = build(t);
    const auto q = replay_packets(std::vector<tcp_packet_spec>(other.begin() + 5, other.end()));
    CHECK(q.conversations.empty());
}

TEST_CASE("seeded damage to a capture never crashes replay")
{
    const bytes original = read_file(project_pcap("samba-ad-dc-rpcdump-maxents10.pcap"));
    std::mt19937 rng(2026);
    for (int round = 0; round < 300; ++round)
    {
        bytes damaged = original;
        const int flips = 1 + static_cast<int>(rng() % 20);
        for (int i = 0; i < flips; ++i)
            damaged[24 + rng() % (damaged.size() - 24)] = static_cast<std::byte>(rng()); // keep the file header
        if (round % 3 == 0) damaged.resize(24 + rng() % (damaged.size() - 24));
        const auto r = replay_bytes(damaged, "damaged.pcap");
        for (const auto& c : r.conversations) CHECK(c.enumeration.origin.has_value());
    }
}

TEST_CASE("a DCE/RPC session bound to another interface on another port is not followed")
{
    // The bundled exchange with its bind rewritten to offer only DRSUAPI: no endpoint table.
    auto s = samba_script(40015, 49667);
    auto p = build(s);
    REQUIRE(p[3].src_port == 40015);
    auto bind = dcerpc::decode_bind(*dcerpc::decode_common_header(p[3].payload), p[3].payload);
    REQUIRE(bind.has_value());
    for (auto& c : bind->params.contexts) c.abstract_syntax = {*parse_uuid("e3514235-4b06-11d1-ab04-00c04fc2dcd2"), 4, 0};
    const auto rewritten = dcerpc::encode_bind(bind->header.call_id, bind->params);
    REQUIRE(rewritten.size() == p[3].payload.size()); // same length: sequence numbers still hold
    p[3].payload = rewritten;
    const auto r = replay_packets(p);
    CHECK(r.conversations.empty());
    CHECK(r.stats.rpc_conversations == 1);
}
