#include <epmdump/capture/tcp_reassembler.hpp>

#include "capture_builder.hpp"
#include "stream_collector.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace epmdump;
using namespace epmdump::test;
using namespace std::chrono_literals;
using capture::flow_direction;

namespace {

const std::string request_text = "0123456789abcdefghijklmnopqrstuvwxyz-REQUEST";
const std::string response_text = "RESPONSE-the quick brown fox jumps over the lazy dog";

tcp_script script(std::uint32_t client_isn = 1000, std::uint32_t server_isn = 5000, std::uint16_t port = 50000)
{
    return tcp_script(ipv4(192, 168, 0, 10), port, ipv4(192, 168, 0, 2), 135, client_isn, server_isn);
}

void run(stream_collector& out, const std::vector<tcp_packet_spec>& packets, capture::reassembly_limits limits = {},
         link_wrap w = link_wrap::ethernet)
{
    capture::tcp_reassembler r(out, limits);
    const auto frames = frames_of(packets, w);
    for (const auto& f : frames) r.feed(dlt_of(w), f.data, f.timestamp);
    r.finish();
}

std::vector<tcp_packet_spec> handshake(tcp_script& s)
{
    return {s.handshake_syn(), s.handshake_syn_ack(), s.handshake_ack()};
}

} // namespace

TEST_CASE("in-order segments come out as one stream per direction with timestamps and frame counts")
{
    auto s = script();
    auto p = handshake(s);
    p.push_back(s.client_data(to_bytes(request_text)));
    p.push_back(s.server_data(to_bytes(response_text)));
    p.push_back(s.client_fin());
    p.push_back(s.server_fin());
    stream_collector out;
    run(out, p);
    const auto& c = out.only();
    CHECK(client_text(c) == request_text);
    CHECK(server_text(c) == response_text);
    CHECK(capture::to_string(c.info.client) == "192.168.0.10");
    CHECK(c.info.server_port == 135);
    CHECK(c.info.frames == 7);
    CHECK(c.info.last_seen - c.info.first_seen == 6ms);
    CHECK(c.info.complete());
    CHECK(c.info.stats(flow_direction::client_to_server).fin);
    CHECK(c.info.stats(flow_direction::server_to_client).syn);
    CHECK(c.closed);
}

TEST_CASE("out-of-order segments are delivered in sequence order")
{
    auto s = script();
    auto p = handshake(s);
    auto segs = s.client_segments(to_bytes(request_text), 5);
    std::mt19937 rng(42);
    std::shuffle(segs.begin(), segs.end(), rng);
    p.insert(p.end(), segs.begin(), segs.end());
    stream_collector out;
    run(out, p);
    CHECK(client_text(out.only()) == request_text);
    CHECK(out.only().info.complete());
}

TEST_CASE("retransmitted and duplicated segments are delivered once")
{
    auto s = script();
    auto p = handshake(s);
    auto segs = s.client_segments(to_bytes(request_text), 7);
    for (const auto& seg : segs) p.push_back(seg), p.push_back(seg);
    p.push_back(segs.front());
    stream_collector out;
    run(out, p);
    CHECK(client_text(out.only()) == request_text);
    CHECK(out.only().info.stats(flow_direction::client_to_server).retransmitted == request_text.size() + 7);
}

TEST_CASE("overlapping segments with different bytes: the first copy wins")
{
    auto s = script();
    auto p = handshake(s);
    const std::uint32_t base = s.client_seq();
    // Second half arrives first (buffered), then a copy of all of it with other bytes,
    // then a delivered region is sent again with other bytes.
    tcp_packet_spec first = s.client_data(to_bytes("AAAAABBBBB"));
    tcp_packet_spec late_tail = first;
    late_tail.seq = base + 5;
    late_tail.payload = to_bytes("BBBBBCC");
    tcp_packet_spec conflicting = first;
    conflicting.payload = to_bytes("xxxxxyyyyyzz");
    tcp_packet_spec head = first;
    head.payload = to_bytes("AAAAA");
    tcp_packet_spec rewrite = first;
    rewrite.payload = to_bytes("QQQ");
    p.push_back(late_tail);   // buffered: offsets 5..11 "BBBBBCC"
    p.push_back(conflicting); // 0..4 delivered as "xxxxx"; 5..11 already buffered: keep "BBBBBCC"
    p.push_back(head);        // old now
    p.push_back(rewrite);     // old now
    stream_collector out;
    run(out, p);
    const auto& c = out.only();
    CHECK(client_text(c) == "xxxxxBBBBBCC");
    // Conflicts are counted against buffered bytes only; delivered bytes are not kept.
    CHECK(c.info.stats(flow_direction::client_to_server).overlap_conflicts == 7);
    CHECK(c.info.stats(flow_direction::client_to_server).retransmitted == 7 + 5 + 3);
}

TEST_CASE("one-byte segments reassemble")
{
    auto s = script();
    auto p = handshake(s);
    auto segs = s.client_segments(to_bytes(request_text), 1);
    std::reverse(segs.begin(), segs.end());
    p.insert(p.end(), segs.begin(), segs.end());
    auto resp = s.server_segments(to_bytes(response_text), 1);
    p.insert(p.end(), resp.begin(), resp.end());
    stream_collector out;
    run(out, p);
    CHECK(client_text(out.only()) == request_text);
    CHECK(server_text(out.only()) == response_text);
}

TEST_CASE("sequence numbers wrap around 2^32 without a visible seam")
{
    auto s = script(0xffffffe0u, 0xfffffffeu);
    auto p = handshake(s);
    auto segs = s.client_segments(to_bytes(request_text), 6);
    std::swap(segs[2], segs[5]);
    p.insert(p.end(), segs.begin(), segs.end());
    auto resp = s.server_segments(to_bytes(response_text), 4);
    p.insert(p.end(), resp.begin(), resp.end());
    stream_collector out;
    run(out, p);
    CHECK(client_text(out.only()) == request_text);
    CHECK(server_text(out.only()) == response_text);
    CHECK(out.only().info.complete());
}

TEST_CASE("a capture that starts mid-connection starts each stream at its first segment")
{
    auto s = script();
    handshake(s); // not captured
    s.client_data(to_bytes("lost before capture"));
    std::vector<tcp_packet_spec> p{s.client_data(to_bytes(request_text)), s.server_data(to_bytes(response_text))};
    stream_collector out;
    run(out, p);
    const auto& c = out.only();
    CHECK(client_text(c) == request_text);
    CHECK(server_text(c) == response_text);
    CHECK(c.info.server_port == 135); // the well-known port is the server without a SYN
    CHECK_FALSE(c.info.stats(flow_direction::client_to_server).syn);
}

TEST_CASE("a lost segment poisons that direction from the gap on and nothing else")
{
    auto s = script();
    auto other = script(77, 88, 50001);
    auto p = handshake(s);
    auto q = handshake(other);
    p.insert(p.end(), q.begin(), q.end());
    auto segs = s.client_segments(to_bytes(request_text), 10);
    segs.erase(segs.begin() + 1); // bytes 10..19 never captured
    p.insert(p.end(), segs.begin(), segs.end());
    p.push_back(s.server_data(to_bytes(response_text)));
    p.push_back(other.client_data(to_bytes(request_text)));
    p.push_back(other.server_data(to_bytes(response_text)));
    stream_collector out;
    run(out, p);
    REQUIRE(out.connections.size() == 2);
    const auto& bad = out.connections.at(1);
    CHECK(client_text(bad) == request_text.substr(0, 10));
    CHECK(bad.gaps[0] == std::vector<std::uint64_t>{10});
    CHECK(bad.gaps[1].empty());
    CHECK(server_text(bad) == response_text);
    CHECK_FALSE(bad.info.complete());
    CHECK(bad.info.stats(flow_direction::client_to_server).dropped_after_gap == request_text.size() - 20);
    const auto& good = out.connections.at(2);
    CHECK(client_text(good) == request_text);
    CHECK(server_text(good) == response_text);
    CHECK(good.info.complete());
}

TEST_CASE("a last segment that was acknowledged but never captured is a gap")
{
    auto s = script();
    auto p = handshake(s);
    p.push_back(s.client_data(to_bytes("first")));
    s.client_data(to_bytes("lost")); // never captured
    p.push_back(s.server_data(to_bytes(response_text))); // acks both
    stream_collector out;
    run(out, p);
    CHECK(out.only().gaps[0] == std::vector<std::uint64_t>{5});
    CHECK_FALSE(out.only().info.complete());
}

TEST_CASE("two interleaved conversations stay apart")
{
    auto a = script(1, 2, 50010);
    auto b = tcp_script(ipv4(192, 168, 0, 11), 50010, ipv4(192, 168, 0, 2), 135, 3, 4);
    auto pa = handshake(a);
    auto pb = handshake(b);
    auto ca = a.client_segments(to_bytes(request_text), 3);
    auto cb = b.client_segments(to_bytes(response_text), 4);
    std::vector<tcp_packet_spec> p;
    for (std::size_t i = 0; i < 3; ++i) p.push_back(pa[i]), p.push_back(pb[i]);
    for (std::size_t i = 0; i < std::max(ca.size(), cb.size()); ++i)
    {
        if (i < ca.size()) p.push_back(ca[i]);
        if (i < cb.size()) p.push_back(cb[i]);
    }
    stream_collector out;
    run(out, p);
    REQUIRE(out.connections.size() == 2);
    CHECK(client_text(out.connections.at(1)) == request_text);
    CHECK(client_text(out.connections.at(2)) == response_text);
}

TEST_CASE("RST ends the connection and turns a pending hole into a gap")
{
    auto s = script();
    auto p = handshake(s);
    auto segs = s.client_segments(to_bytes(request_text), 10);
    p.push_back(segs[0]);
    p.push_back(segs[2]);
    p.push_back(s.client_rst());
    p.push_back(segs[1]); // after the reset: too late
    stream_collector out;
    run(out, p);
    const auto& c = out.only();
    CHECK(c.info.reset);
    CHECK(client_text(c) == request_text.substr(0, 10));
    CHECK(c.gaps[0] == std::vector<std::uint64_t>{10});
}

TEST_CASE("a new SYN on a finished 4-tuple opens a second connection")
{
    auto s1 = script(100, 200);
    auto s2 = script(900000, 800000);
    auto p = handshake(s1);
    p.push_back(s1.client_data(to_bytes("one")));
    p.push_back(s1.client_fin());
    p.push_back(s1.server_fin());
    auto h2 = handshake(s2);
    p.insert(p.end(), h2.begin(), h2.end());
    p.push_back(s2.client_data(to_bytes("two")));
    stream_collector out;
    run(out, p);
    REQUIRE(out.connections.size() == 2);
    CHECK(client_text(out.connections.at(1)) == "one");
    CHECK(client_text(out.connections.at(2)) == "two");
    CHECK(out.connections.at(1).info.complete());
}

TEST_CASE("the per-direction buffer cap turns a hole into a gap early")
{
    auto s = script();
    auto p = handshake(s);
    auto segs = s.client_segments(bytes(4000, std::byte{'x'}), 100);
    segs.erase(segs.begin());
    p.insert(p.end(), segs.begin(), segs.end());
    capture::reassembly_limits limits;
    limits.max_pending_per_direction = 1000;
    stream_collector out;
    capture::tcp_reassembler r(out, limits);
    for (const auto& f : frames_of(p)) r.feed(1, f.data, f.timestamp);
    // The gap is declared while the capture still runs, and the buffer is freed.
    REQUIRE(out.connections.size() == 1);
    CHECK(out.connections.at(1).gaps[0] == std::vector<std::uint64_t>{0});
    CHECK(r.stats().pending_bytes == 0);
    CHECK(r.stats().peak_pending_bytes <= 1100);
    r.finish();
    CHECK(out.connections.at(1).gaps[0].size() == 1);
}

TEST_CASE("the total buffer cap sacrifices the largest buffer only")
{
    auto big = script(1, 2, 50020);
    auto small = script(3, 4, 50021);
    auto p = handshake(big);
    auto q = handshake(small);
    p.insert(p.end(), q.begin(), q.end());
    auto bs = big.client_segments(bytes(3000, std::byte{'b'}), 100);
    auto ss = small.client_segments(bytes(300, std::byte{'s'}), 100);
    std::swap(ss[0], ss[1]);
    p.insert(p.end(), ss.begin(), ss.begin() + 1); // small: one segment buffered
    p.insert(p.end(), bs.begin() + 1, bs.end());   // big: hole at 0, 2900 buffered
    p.insert(p.end(), ss.begin() + 1, ss.end());   // small: hole filled
    capture::reassembly_limits limits;
    limits.max_pending_total = 2000;
    stream_collector out;
    run(out, p, limits);
    CHECK(out.connections.at(1).gaps[0] == std::vector<std::uint64_t>{0});
    CHECK(out.connections.at(2).gaps[0].empty());
    CHECK(client_text(out.connections.at(2)) == std::string(300, 's'));
}

TEST_CASE("the connection cap closes the least recently seen connection")
{
    std::vector<tcp_packet_spec> p;
    std::vector<tcp_script> scripts;
    for (std::uint16_t i = 0; i < 5; ++i) scripts.push_back(script(10 * i, 20 * i, static_cast<std::uint16_t>(51000 + i)));
    for (auto& s : scripts) p.push_back(s.handshake_syn());
    p.push_back(scripts[0].handshake_syn_ack()); // connection 1 is fresh again
    for (auto& s : scripts) p.push_back(s.client_data(to_bytes("x")));
    capture::reassembly_limits limits;
    limits.max_connections = 3;
    stream_collector out;
    capture::tcp_reassembler r(out, limits);
    for (const auto& f : frames_of(p)) r.feed(1, f.data, f.timestamp);
    CHECK(r.stats().evicted > 0);
    CHECK(out.connections.at(2).closed); // evicted before the end
    r.finish();
}

TEST_CASE("a connection silent for the idle timeout of capture time is closed while the capture goes on")
{
    // A's one segment at 0 s; B talks at 0 s and again 6 min later, past A's 5 min idle timeout.
    auto a = script(1000, 5000, 51000), b = script(2000, 6000, 51001);
    std::vector<tcp_packet_spec> p{a.client_data(to_bytes("a")), b.client_data(to_bytes("b")), b.client_data(to_bytes("c"))};
    auto frames = frames_of(p);
    frames[2].timestamp += 6min;
    for (const auto timeout : {std::chrono::nanoseconds(5min), std::chrono::nanoseconds(0)})
    {
        CAPTURE(timeout.count());
        capture::reassembly_limits limits;
        limits.idle_timeout = timeout;
        stream_collector out;
        capture::tcp_reassembler r(out, limits);
        for (const auto& f : frames) r.feed(1, f.data, f.timestamp);
        CHECK(out.connections.at(1).closed == (timeout.count() > 0)); // 0: never
        CHECK_FALSE(out.connections.at(2).closed);
        CHECK(r.stats().idle_closed == (timeout.count() > 0 ? 1u : 0u));
        r.finish();
        CHECK(client_text(out.connections.at(1)) == "a"); // closed as it stood: nothing lost
        CHECK(client_text(out.connections.at(2)) == "bc");
    }
}

TEST_CASE("a connection whose handler has ended is closed after the linger of silence, without a FIN")
{
    auto a = script(1000, 5000, 51000), b = script(2000, 6000, 51001);
    std::vector<tcp_packet_spec> p{a.client_data(to_bytes("a")), b.client_data(to_bytes("b")), b.client_data(to_bytes("c"))};
    auto frames = frames_of(p);
    frames[2].timestamp += 6s; // past the 5 s linger, far from the idle timeout
    for (const bool ended : {true, false})
    {
        CAPTURE(ended);
        stream_collector out;
        out.say_ended = ended;
        capture::tcp_reassembler r(out);
        for (const auto& f : frames) r.feed(1, f.data, f.timestamp);
        CHECK(out.connections.at(1).closed == ended);
        CHECK_FALSE(out.connections.at(2).closed); // its last packet is the one just fed
        CHECK(r.stats().ended_closed == (ended ? 1u : 0u));
        r.finish();
    }
}

TEST_CASE("a handler that drops a connection gets nothing more from it")
{
    auto s = script();
    auto p = handshake(s);
    auto segs = s.client_segments(to_bytes(request_text), 4);
    p.insert(p.end(), segs.begin(), segs.end());
    stream_collector out;
    out.drop_after_bytes = 4;
    run(out, p);
    CHECK(client_text(out.only()) == "0123");
    CHECK(out.only().info.frames == p.size()); // still counted
}

TEST_CASE("a segment cut by the snap length leaves a gap where its bytes were")
{
    auto s = script();
    auto p = handshake(s);
    p.push_back(s.client_data(to_bytes("0123456789")));
    p.push_back(s.client_data(to_bytes("abcdef")));
    auto frames = frames_of(p);
    // erase, not resize(size() - 4): GCC 12 under -fsanitize sees a possible wrap in the resize
    // and fails -Werror with -Wstringop-overflow (a false positive).
    frames[3].data.erase(frames[3].data.end() - 4, frames[3].data.end()); // "012345" kept
    stream_collector out;
    capture::tcp_reassembler r(out);
    for (const auto& f : frames) r.feed(1, f.data, f.timestamp);
    r.finish();
    CHECK(client_text(out.only()) == "012345");
    CHECK(out.only().gaps[0] == std::vector<std::uint64_t>{6});
}

TEST_CASE("IPv6, VLAN, SLL, SLL2 and loopback captures reassemble alike")
{
    for (link_wrap w : {link_wrap::ethernet_vlan, link_wrap::ethernet_qinq, link_wrap::linux_sll,
                        link_wrap::linux_sll2, link_wrap::null_le, link_wrap::null_be, link_wrap::loop, link_wrap::raw})
        for (bool v6 : {false, true})
        {
            CAPTURE(static_cast<int>(w));
            tcp_script s = v6 ? tcp_script(ipv6("fd00::10"), 50000, ipv6("fd00::2"), 135) : script();
            auto p = handshake(s);
            auto segs = s.client_segments(to_bytes(request_text), 9);
            std::reverse(segs.begin(), segs.end());
            p.insert(p.end(), segs.begin(), segs.end());
            p.push_back(s.server_data(to_bytes(response_text)));
            stream_collector out;
            run(out, p, {}, w);
            CHECK(client_text(out.only()) == request_text);
            CHECK(server_text(out.only()) == response_text);
            CHECK(capture::to_string(out.only().info.server) == (v6 ? "fd00::2" : "192.168.0.2"));
        }
}

TEST_CASE("random segment order, duplication and overlap never change the delivered bytes")
{
    // Property check over many seeds: any arrival order of overlapping copies of the
    // same bytes gives the same stream (all copies agree, so first-copy-wins is invisible).
    bytes data;
    for (int i = 0; i < 3000; ++i) data.push_back(static_cast<std::byte>(i * 7 + i / 13));
    for (unsigned seed = 1; seed <= 40; ++seed)
    {
        std::mt19937 rng(seed);
        auto s = script(rng(), rng());
        auto p = handshake(s);
        const std::uint32_t base = s.client_seq();
        std::vector<tcp_packet_spec> segs;
        // Cover the stream with random windows, some overlapping, each byte at least once.
        for (std::size_t at = 0; at < data.size();)
        {
            const std::size_t len = 1 + rng() % 200;
            const std::size_t back = std::min<std::size_t>(at, rng() % 50);
            const std::size_t from = at - back, to = std::min(data.size(), at + len);
            tcp_packet_spec seg = s.client_data({});
            seg.seq = base + static_cast<std::uint32_t>(from);
            seg.payload.assign(data.begin() + static_cast<std::ptrdiff_t>(from), data.begin() + static_cast<std::ptrdiff_t>(to));
            segs.push_back(seg);
            if (rng() % 4 == 0) segs.push_back(seg);
            at = to;
        }
        std::shuffle(segs.begin(), segs.end(), rng);
        p.insert(p.end(), segs.begin(), segs.end());
        stream_collector out;
        run(out, p);
        CAPTURE(seed);
        REQUIRE(client_text(out.only()).size() == data.size());
        CHECK(std::equal(data.begin(), data.end(), client_text(out.only()).begin(),
                         [](std::byte a, char b) { return a == static_cast<std::byte>(b); }));
        CHECK(out.only().info.complete());
    }
}

TEST_CASE("a retransmitted SYN and data carried on the SYN do not disturb the stream")
{
    auto s = script();
    tcp_packet_spec syn = s.handshake_syn();
    tcp_packet_spec syn_data = syn;
    syn_data.payload = to_bytes("early");
    std::vector<tcp_packet_spec> p{syn, syn, s.handshake_syn_ack()};
    // Data on the SYN takes the sequence numbers right after it (TCP Fast Open).
    p[1] = syn_data;
    tcp_packet_spec next = s.client_data(to_bytes("-late"));
    next.seq += 5;
    p.push_back(next);
    stream_collector out;
    run(out, p);
    CHECK(client_text(out.only()) == "early-late");
    CHECK(out.only().info.complete());
}

TEST_CASE("a capture that starts at the SYN-ACK still knows which side is the server")
{
    auto s = script(1, 2, 50030);
    s.handshake_syn(); // not captured
    std::vector<tcp_packet_spec> p{s.handshake_syn_ack(), s.handshake_ack(), s.client_data(to_bytes(request_text)),
                                   s.server_data(to_bytes(response_text))};
    stream_collector out;
    run(out, p);
    const auto& c = out.only();
    CHECK(c.info.client_port == 50030);
    CHECK(client_text(c) == request_text);
    CHECK(server_text(c) == response_text);
}

TEST_CASE("frames that are not TCP are counted by kind and never reach a handler")
{
    stream_collector out;
    capture::tcp_reassembler r(out);
    auto s = script();
    bytes ip = build_ip_tcp(s.client_data(to_bytes("x")));
    bytes udp = ip;
    udp[9] = std::byte{17};
    bytes frag = ip;
    frag[6] = std::byte{0x20};
    CHECK(r.feed(1, wrap(link_wrap::ethernet, udp), 1s) == capture::packet_kind::not_tcp);
    CHECK(r.feed(1, wrap(link_wrap::ethernet, frag), 2s) == capture::packet_kind::ip_fragment);
    CHECK(r.feed(105, ip, 3s) == capture::packet_kind::unsupported_link); // 802.11
    CHECK(r.feed(1, bytes(10), 4s) == capture::packet_kind::malformed);
    r.finish();
    CHECK(out.connections.empty());
    CHECK(r.stats().packets == 4);
    CHECK(r.stats().not_tcp == 1);
    CHECK(r.stats().ip_fragments == 1);
    CHECK(r.stats().unsupported_link == 1);
    CHECK(r.stats().malformed == 1);
}
