// TCP reassembly (tcp_reassembler) fed decoded segments, so the fuzzer spends its time on
// sequence numbers, overlaps, SYN/FIN/RST and the buffer caps rather than on headers.
//
// Input: one option byte, then records until the input ends:
//   ctl   u8   bit 0 sender (0 = port 49152+k, 1 = port 135), bit 1 SYN, bit 2 FIN, bit 3 RST,
//              bit 4 ACK, bits 5-6 connection k (0-3), bit 7 a `missing` byte follows
//   seq   u32  relative to the sender's base ISN (option bit 1 puts the bases near 2^32)
//   ack   u32  relative to the other side's base ISN
//   [missing u8]
//   len   u16  then len payload bytes (fewer at the end of the input)
// Option bit 0: tiny limits (pending caps and 2 connections), to reach gaps and eviction.
// Option bits 2-3: the handler answers `drop` once a connection delivered 0/16/64/256 bytes.
// Option bit 4: a finished connection lingers 2 ns (each segment is 1 ns on), so it is closed
// while segments still come, and a later one on its 4-tuple opens a new connection.
//
// Properties, checked as the handler is called:
//  - on_open/on_close pair up, once per connection, and every connection is closed by finish();
//  - each direction's chunks tile its stream from offset 0, nothing arrives after its gap, a
//    gap is reported at the delivered offset, and on_close's statistics match what was seen;
//  - FIRST COPY WINS: every delivered byte equals the first copy of that sequence number the
//    reassembler was fed in that connection (a model keeps one byte per sequence number);
//  - no bytes stay buffered after finish().
#include <epmdump/capture/tcp_reassembler.hpp>

#include "fuzz_support.hpp"

#include <array>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

using namespace epmdump;
using namespace epmdump::capture;

namespace {

struct endpoint
{
    ip_address address;
    std::uint16_t port = 0;
    friend auto operator<=>(const endpoint&, const endpoint&) = default;
};

// The first copy of every sequence number seen, in 256-byte pages.
class first_copies
{
public:
    EPMDUMP_FUZZ_NO_COVERAGE void learn(std::uint32_t seq, std::byte b)
    {
        auto& p = page_of(seq);
        const auto i = seq & 0xFF;
        if (p.known[i]) return;
        p.known[i] = true;
        p.data[i] = b;
    }
    EPMDUMP_FUZZ_NO_COVERAGE std::optional<std::byte> at(std::uint32_t seq)
    {
        auto& p = page_of(seq);
        const auto i = seq & 0xFF;
        if (!p.known[i]) return std::nullopt;
        return p.data[i];
    }

private:
    struct page
    {
        std::array<std::byte, 256> data{};
        std::array<bool, 256> known{};
    };
    EPMDUMP_FUZZ_NO_COVERAGE page& page_of(std::uint32_t seq)
    {
        if (last_ != nullptr && last_key_ == (seq >> 8)) return *last_;
        last_key_ = seq >> 8;
        last_ = &pages_[last_key_];
        return *last_;
    }
    std::unordered_map<std::uint32_t, page> pages_; // node-based: page addresses are stable
    page* last_ = nullptr;
    std::uint32_t last_key_ = 0;
};

// What the model knows about one sender in the current incarnation of a connection.
struct sender_model
{
    bool seen = false;
    bool valid = true;          // false once a second SYN may have moved the stream start
    std::uint32_t start = 0;    // sequence number of stream offset 0
    first_copies bytes;
};

struct flow_model
{
    std::map<endpoint, sender_model> senders;
};

struct open_connection
{
    endpoint client, server;
    std::uint64_t delivered[2] = {0, 0};
    bool gap[2] = {false, false};
    bool dropped = false;
};

class checker final : public stream_handler
{
public:
    explicit checker(std::uint64_t drop_after) : drop_after_(drop_after) {}

    // Called before each segment is fed: the model learns its bytes (first copy wins).
    void before(const tcp_segment& s)
    {
        current_ = &s;
        learn(s);
    }
    void after() { current_ = nullptr; }

    void on_open(const tcp_connection& c) override
    {
        EPMDUMP_FUZZ_CHECK(open_.count(c.id) == 0);
        EPMDUMP_FUZZ_CHECK(ever_.insert(c.id).second);
        open_connection o{{c.client, c.client_port}, {c.server, c.server_port}};
        open_.emplace(c.id, o);
        // A new incarnation of this 4-tuple: forget the old bytes, then relearn the segment
        // that opened it (it was learned just before into the old incarnation).
        auto& flow = flows_[key(o.client, o.server)];
        flow = flow_model{};
        if (current_ != nullptr) learn(*current_);
    }

    stream_interest on_data(const tcp_connection& c, const stream_chunk& chunk) override
    {
        auto it = open_.find(c.id);
        EPMDUMP_FUZZ_CHECK(it != open_.end());
        auto& o = it->second;
        const int d = static_cast<int>(chunk.direction);
        EPMDUMP_FUZZ_CHECK(!o.dropped);
        EPMDUMP_FUZZ_CHECK(!o.gap[d]);
        EPMDUMP_FUZZ_CHECK(!chunk.bytes.empty());
        EPMDUMP_FUZZ_CHECK(chunk.offset == o.delivered[d]);
        const endpoint& sender = chunk.direction == flow_direction::client_to_server ? o.client : o.server;
        auto& m = flows_[key(o.client, o.server)].senders[sender];
        if (m.valid)
        {
            EPMDUMP_FUZZ_CHECK(m.seen);
            for (std::size_t i = 0; i < chunk.bytes.size(); ++i)
            {
                const auto b = m.bytes.at(static_cast<std::uint32_t>(m.start + chunk.offset + i));
                EPMDUMP_FUZZ_CHECK(b == chunk.bytes[i]);
            }
        }
        o.delivered[d] += chunk.bytes.size();
        if (o.delivered[0] + o.delivered[1] >= drop_after_)
        {
            o.dropped = true;
            return stream_interest::drop;
        }
        return stream_interest::keep;
    }

    void on_gap(const tcp_connection& c, flow_direction dir, std::uint64_t offset) override
    {
        auto it = open_.find(c.id);
        EPMDUMP_FUZZ_CHECK(it != open_.end());
        const int d = static_cast<int>(dir);
        EPMDUMP_FUZZ_CHECK(!it->second.gap[d]);
        EPMDUMP_FUZZ_CHECK(offset == it->second.delivered[d]);
        it->second.gap[d] = true;
    }

    void on_close(const tcp_connection& c) override
    {
        auto it = open_.find(c.id);
        EPMDUMP_FUZZ_CHECK(it != open_.end());
        for (int d = 0; d < 2; ++d)
        {
            EPMDUMP_FUZZ_CHECK(c.directions[d].delivered == it->second.delivered[d]);
            EPMDUMP_FUZZ_CHECK(c.directions[d].gap == it->second.gap[d] || it->second.dropped);
        }
        open_.erase(it);
    }

    bool all_closed() const noexcept { return open_.empty(); }

private:
    static std::pair<endpoint, endpoint> key(const endpoint& a, const endpoint& b) { return std::minmax(a, b); }

    EPMDUMP_FUZZ_NO_COVERAGE void learn(const tcp_segment& s)
    {
        const endpoint src{s.src, s.src_port}, dst{s.dst, s.dst_port};
        auto& m = flows_[key(src, dst)].senders[src];
        const bool syn = s.has(tcp_flags::syn);
        const std::uint32_t first = s.seq + (syn ? 1u : 0u);
        if (!m.seen)
        {
            m.seen = true;
            m.start = first;
        }
        else if (syn && first != m.start)
        {
            m.valid = false; // a later SYN with another ISN may restart the stream
        }
        for (std::size_t i = 0; i < s.payload.size(); ++i) m.bytes.learn(static_cast<std::uint32_t>(first + i), s.payload[i]);
    }

    std::uint64_t drop_after_;
    const tcp_segment* current_ = nullptr;
    std::map<std::uint64_t, open_connection> open_;
    std::set<std::uint64_t> ever_;
    std::map<std::pair<endpoint, endpoint>, flow_model> flows_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::input_reader in(fuzz::as_bytes(data, size));
    const auto options = in.u8();
    reassembly_limits limits;
    if (options & 0x01)
    {
        limits.max_pending_per_direction = 256;
        limits.max_pending_total = 512;
        limits.max_connections = 2;
    }
    if (options & 0x10) limits.linger = std::chrono::nanoseconds(2);
    const std::uint32_t base = (options & 0x02) ? 0xFFFFFF00u : 0x10000000u;
    static constexpr std::uint64_t drop_after[] = {~std::uint64_t{0}, 16, 64, 256};
    checker handler(drop_after[(options >> 2) & 3]);
    tcp_reassembler reassembler(handler, limits);

    const std::byte client_ip[4] = {std::byte{10}, std::byte{0}, std::byte{0}, std::byte{1}};
    const std::byte server_ip[4] = {std::byte{10}, std::byte{0}, std::byte{0}, std::byte{2}};
    std::int64_t now = 0;
    while (!in.empty())
    {
        const auto ctl = in.u8();
        const bool from_server = ctl & 0x01;
        const std::uint16_t client_port = static_cast<std::uint16_t>(49152 + ((ctl >> 5) & 3));
        tcp_segment s;
        s.src = ip_address::from_v4(from_server ? std::span<const std::byte, 4>(server_ip) : std::span<const std::byte, 4>(client_ip));
        s.dst = ip_address::from_v4(from_server ? std::span<const std::byte, 4>(client_ip) : std::span<const std::byte, 4>(server_ip));
        s.src_port = from_server ? 135 : client_port;
        s.dst_port = from_server ? client_port : 135;
        s.flags = static_cast<std::uint8_t>(((ctl & 0x02) ? tcp_flags::syn : 0) | ((ctl & 0x04) ? tcp_flags::fin : 0) |
                                            ((ctl & 0x08) ? tcp_flags::rst : 0) | ((ctl & 0x10) ? tcp_flags::ack : 0));
        // Each side's ISN differs, so a wrong direction mapping shows up in the model.
        const std::uint32_t own = base + (from_server ? 0x4000u : 0u);
        const std::uint32_t peer = base + (from_server ? 0u : 0x4000u);
        s.seq = own + in.u32();
        s.ack = peer + in.u32();
        if (ctl & 0x80) s.missing = in.u8();
        s.payload = in.take(in.u16());
        handler.before(s);
        reassembler.feed(s, std::chrono::nanoseconds(now++));
        handler.after();
        EPMDUMP_FUZZ_CHECK(reassembler.stats().pending_bytes <= limits.max_pending_total);
    }
    reassembler.finish();
    EPMDUMP_FUZZ_CHECK(handler.all_closed());
    EPMDUMP_FUZZ_CHECK(reassembler.stats().pending_bytes == 0);
    return 0;
}
