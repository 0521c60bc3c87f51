#pragma once
// TCP stream reassembly per direction, sans-I/O: fed one captured packet at a time
// (bytes + timestamp), it hands each direction's bytes, in order, to a stream_handler.
//
// Rules (each is tested in tests/unit/capture):
// - Out-of-order segments wait in a per-direction buffer until the hole before them fills.
// - Retransmissions and overlaps: FIRST COPY WINS. Bytes already delivered or already
//   buffered are never replaced by a later copy, whatever it holds (conflicting later
//   copies of still-buffered bytes are counted in `overlap_conflicts`). A receiving stack that
//   accepted the first copy saw the same; and memory stays at one copy per byte.
// - Sequence numbers compare modulo 2^32 (RFC 1982 serial arithmetic); stream offsets are
//   64-bit, so wrap-around is invisible to handlers.
// - SYN sets the start of a direction; a capture that starts mid-connection starts the
//   direction at the first segment seen.
// - A hole that is never filled is a gap. It is declared when the direction's buffered
//   bytes exceed `max_pending_per_direction`, when the buffers of all connections exceed
//   `max_pending_total` (the largest buffer goes first), when the connection is reset or
//   reused, or at finish(). A gap poisons only that direction of that connection, from the
//   gap on: nothing after it is delivered; the other direction and other connections go on.
// - FIN ends a direction once every byte before it is delivered; RST ends both.
#include <epmdump/capture/ip_address.hpp>
#include <epmdump/capture/packet_decoder.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

namespace epmdump::capture {

enum class flow_direction : std::uint8_t
{
    client_to_server = 0,
    server_to_client = 1,
};

// The direction as an array index: 0 client to server, 1 server to client.
constexpr int index(flow_direction d) noexcept { return static_cast<int>(d); }

constexpr flow_direction opposite(flow_direction d) noexcept
{
    return d == flow_direction::client_to_server ? flow_direction::server_to_client
                                                 : flow_direction::client_to_server;
}

struct reassembly_limits
{
    std::size_t max_pending_per_direction = std::size_t{8} << 20; // out-of-order bytes held
    std::size_t max_pending_total = std::size_t{256} << 20;
    std::size_t max_connections = std::size_t{1} << 20; // open at once; the least recently seen is closed
    // A finished connection (both FINs, or an RST) is closed once the capture has moved this far
    // past its last packet (late ACKs and retransmitted FINs come well within it), so its
    // handler hears on_close while the capture goes on.
    std::chrono::nanoseconds linger = std::chrono::seconds(5);
    // A connection with no packet for this long (capture time) is closed as it stands, as
    // Zeek's inactivity timeout does: captures that stop before the FIN stay bounded. 0: never.
    std::chrono::nanoseconds idle_timeout = std::chrono::minutes(5);
};

struct direction_stats
{
    std::uint64_t frames = 0;            // segments sent this way (pure ACKs included)
    std::uint64_t delivered = 0;         // bytes handed to the handler
    std::uint64_t retransmitted = 0;     // bytes seen again (dropped: first copy wins)
    std::uint64_t overlap_conflicts = 0; // of those, still-buffered bytes that differed from the first copy
    std::uint64_t dropped_after_gap = 0; // bytes discarded because the direction is poisoned
    bool syn = false;
    bool fin = false;                    // FIN seen and every byte before it delivered
    bool gap = false;                    // a hole was never filled
    std::uint64_t gap_offset = 0;        // stream offset of the first missing byte
};

struct tcp_connection
{
    std::uint64_t id = 0; // 1-based, order of first appearance in the capture
    ip_address client;    // the SYN sender; without a SYN, a guess (see tcp_reassembler.cpp)
    std::uint16_t client_port = 0;
    ip_address server;
    std::uint16_t server_port = 0;
    std::chrono::nanoseconds first_seen{};
    std::chrono::nanoseconds last_seen{};
    std::uint64_t frames = 0;
    bool reset = false;
    direction_stats directions[2];

    const direction_stats& stats(flow_direction d) const noexcept { return directions[static_cast<int>(d)]; }
    bool complete() const noexcept { return !directions[0].gap && !directions[1].gap; }
};

struct stream_chunk
{
    flow_direction direction = flow_direction::client_to_server;
    std::span<const std::byte> bytes; // valid during the call only
    std::uint64_t offset = 0;         // stream offset of bytes[0]
    std::chrono::nanoseconds timestamp{}; // of the packet that made these bytes contiguous
    std::uint64_t frame = 0;              // that packet's 1-based number
};

enum class stream_interest : std::uint8_t
{
    keep, // go on delivering this connection
    drop, // not interesting: count its frames, buffer and deliver nothing more
};

class stream_handler
{
public:
    virtual void on_open(const tcp_connection&) {}
    virtual stream_interest on_data(const tcp_connection&, const stream_chunk&) = 0;
    virtual void on_gap(const tcp_connection&, flow_direction, std::uint64_t /*offset*/) {}
    // Last call for a connection; `tcp_connection` holds its final statistics.
    virtual void on_close(const tcp_connection&) {}
    // True once the handler has all it wants (its exchange provably ended): the connection is
    // then closed after `linger` of silence, like one that sent its FINs.
    virtual bool ended(const tcp_connection&) { return false; }

protected:
    ~stream_handler() = default;
};

struct reassembly_stats
{
    std::uint64_t packets = 0;
    std::uint64_t tcp_segments = 0;
    std::uint64_t not_ip = 0;
    std::uint64_t not_tcp = 0;
    std::uint64_t ip_fragments = 0;
    std::uint64_t malformed = 0;
    std::uint64_t unsupported_link = 0;
    std::uint64_t connections = 0;
    std::uint64_t evicted = 0;        // closed early by max_connections
    std::uint64_t idle_closed = 0;    // closed by idle_timeout, unfinished
    std::uint64_t ended_closed = 0;   // closed after linger because the handler had ended
    std::uint64_t gaps = 0;
    std::size_t pending_bytes = 0;    // buffered now, all connections
    std::size_t peak_pending_bytes = 0;
};

class tcp_reassembler
{
public:
    explicit tcp_reassembler(stream_handler& handler, reassembly_limits limits = {});
    ~tcp_reassembler();
    tcp_reassembler(const tcp_reassembler&) = delete;
    tcp_reassembler& operator=(const tcp_reassembler&) = delete;

    // One captured frame of link type `link` (a DLT as pcap_datalink() reports it).
    packet_kind feed(int link, std::span<const std::byte> frame, std::chrono::nanoseconds timestamp);
    // One already decoded segment (tests and fuzzers can build these directly).
    void feed(const tcp_segment& segment, std::chrono::nanoseconds timestamp);
    // End of capture: holes become gaps, every open connection is closed.
    void finish();

    const reassembly_stats& stats() const noexcept { return stats_; }

private:
    struct flow_key
    {
        ip_address a;
        ip_address b;
        std::uint16_t a_port = 0;
        std::uint16_t b_port = 0;
        friend bool operator==(const flow_key&, const flow_key&) = default;
    };
    struct flow_key_hash
    {
        std::size_t operator()(const flow_key& k) const noexcept;
    };
    struct direction_state
    {
        bool started = false;
        bool has_isn = false;
        std::uint32_t isn = 0;
        std::uint32_t next_seq = 0;            // sequence number of the next byte to deliver
        std::map<std::uint64_t, std::vector<std::byte>> pending; // by stream offset, disjoint
        std::size_t pending_bytes = 0;
        bool fin_known = false;
        std::uint64_t fin_offset = 0;
        std::uint64_t peer_acked = 0; // highest stream offset the other side acknowledged, +1 for a FIN
    };
    struct connection
    {
        tcp_connection info;
        direction_state dirs[2];
        bool dropped = false;
        bool done = false;
        std::list<flow_key>::iterator lru;
    };

    connection& find_or_open(const tcp_segment& s, flow_direction& dir, std::chrono::nanoseconds ts);
    void on_segment(connection& c, flow_direction dir, const tcp_segment& s, std::chrono::nanoseconds ts);
    void accept_payload(connection& c, flow_direction dir, std::uint32_t seq, std::span<const std::byte> data,
                        std::chrono::nanoseconds ts);
    void store_pending(connection& c, flow_direction dir, std::uint64_t offset, std::span<const std::byte> data);
    void deliver(connection& c, flow_direction dir, std::span<const std::byte> data, std::chrono::nanoseconds ts);
    void drain(connection& c, flow_direction dir, std::chrono::nanoseconds ts);
    void declare_gap(connection& c, flow_direction dir);
    void release_pending(connection& c, flow_direction dir);
    void close(std::unordered_map<flow_key, connection, flow_key_hash>::iterator it);
    void close_lingering(std::chrono::nanoseconds now);
    void enforce_total_limit();

    stream_handler& handler_;
    reassembly_limits limits_;
    reassembly_stats stats_;
    std::unordered_map<flow_key, connection, flow_key_hash> connections_;
    std::list<flow_key> lru_; // front = most recently seen
    std::uint64_t next_id_ = 1;
};

} // namespace epmdump::capture
