#include <epmdump/capture/tcp_reassembler.hpp>

#include <algorithm>
#include <cstring>

namespace epmdump::capture {

namespace {

// Serial-number distance (RFC 1982): positive when `a` is after `b`, within 2^31.
std::int64_t seq_diff(std::uint32_t a, std::uint32_t b) noexcept
{
    return static_cast<std::int32_t>(a - b);
}

// Segments further ahead than this are not from this connection's window; they are ignored.
constexpr std::int64_t max_ahead = std::int64_t{1} << 30;

// Without a SYN, the side on the well-known port is the server (135, 593 and anything below
// 1024 first; otherwise the lower port). DCE/RPC conversations fix this from PDU types.
bool looks_like_server(std::uint16_t port, std::uint16_t other) noexcept
{
    const bool low = port < 1024, other_low = other < 1024;
    if (low != other_low) return low;
    return port < other;
}

} // namespace

std::size_t tcp_reassembler::flow_key_hash::operator()(const flow_key& k) const noexcept
{
    std::size_t h = 1469598103934665603ull;
    auto mix = [&h](std::uint8_t b) { h = (h ^ b) * 1099511628211ull; };
    for (auto b : k.a.bytes) mix(b);
    for (auto b : k.b.bytes) mix(b);
    mix(static_cast<std::uint8_t>(k.a_port)), mix(static_cast<std::uint8_t>(k.a_port >> 8));
    mix(static_cast<std::uint8_t>(k.b_port)), mix(static_cast<std::uint8_t>(k.b_port >> 8));
    return h;
}

tcp_reassembler::tcp_reassembler(stream_handler& handler, reassembly_limits limits)
    : handler_(handler), limits_(limits)
{
}

tcp_reassembler::~tcp_reassembler() = default;

packet_kind tcp_reassembler::feed(int link, std::span<const std::byte> frame, std::chrono::nanoseconds timestamp)
{
    ++stats_.packets;
    const decoded_packet p = decode_packet(link, frame);
    switch (p.kind)
    {
    case packet_kind::tcp:
        --stats_.packets; // counted again below
        feed(p.segment, timestamp);
        break;
    case packet_kind::not_ip:
        ++stats_.not_ip;
        break;
    case packet_kind::not_tcp:
        ++stats_.not_tcp;
        break;
    case packet_kind::ip_fragment:
        ++stats_.ip_fragments;
        break;
    case packet_kind::malformed:
        ++stats_.malformed;
        break;
    case packet_kind::unsupported_link:
        ++stats_.unsupported_link;
        break;
    }
    return p.kind;
}

void tcp_reassembler::feed(const tcp_segment& segment, std::chrono::nanoseconds timestamp)
{
    ++stats_.packets;
    ++stats_.tcp_segments;
    flow_direction dir{};
    connection& c = find_or_open(segment, dir, timestamp);
    on_segment(c, dir, segment, timestamp);
    close_lingering(timestamp);
}

void tcp_reassembler::close_lingering(std::chrono::nanoseconds now)
{
    // The least recently seen connections sit at the back of lru_. A few steps per segment keep
    // this O(1): idle connections that may not close yet are stepped over.
    constexpr int max_steps = 8;
    flow_key closing[max_steps];
    int n = 0;
    auto it = lru_.end();
    for (int step = 0; step < max_steps && it != lru_.begin(); ++step)
    {
        --it;
        connection& c = connections_.find(*it)->second;
        // In unsigned arithmetic: stamps from a damaged capture may lie at opposite int64 limits.
        const auto idle = static_cast<std::uint64_t>(now.count()) - static_cast<std::uint64_t>(c.info.last_seen.count());
        if (c.info.last_seen > now || idle < static_cast<std::uint64_t>(limits_.linger.count())) break;
        if (c.done)
            closing[n++] = *it;
        else if (limits_.idle_timeout.count() > 0 && idle >= static_cast<std::uint64_t>(limits_.idle_timeout.count()))
            closing[n++] = *it, ++stats_.idle_closed;
        else if (!c.dropped && handler_.ended(c.info))
            closing[n++] = *it, ++stats_.ended_closed;
    }
    for (int i = 0; i < n; ++i) close(connections_.find(closing[i]));
}

tcp_reassembler::connection& tcp_reassembler::find_or_open(const tcp_segment& s, flow_direction& dir,
                                                           std::chrono::nanoseconds ts)
{
    flow_key key;
    const bool src_first = std::tie(s.src, s.src_port) < std::tie(s.dst, s.dst_port);
    key.a = src_first ? s.src : s.dst;
    key.a_port = src_first ? s.src_port : s.dst_port;
    key.b = src_first ? s.dst : s.src;
    key.b_port = src_first ? s.dst_port : s.src_port;

    const bool opening_syn = s.has(tcp_flags::syn) && !s.has(tcp_flags::ack);
    auto it = connections_.find(key);
    if (it != connections_.end())
    {
        connection& c = it->second;
        const bool from_client = c.info.client == s.src && c.info.client_port == s.src_port;
        const direction_state& d = c.dirs[index(from_client ? flow_direction::client_to_server
                                                           : flow_direction::server_to_client)];
        // A new SYN on a finished connection, or one with another ISN, reuses the 4-tuple.
        const bool reuse = opening_syn && (c.done || c.info.reset || (d.has_isn && d.isn != s.seq));
        if (!reuse)
        {
            lru_.splice(lru_.begin(), lru_, c.lru);
            dir = from_client ? flow_direction::client_to_server : flow_direction::server_to_client;
            return c;
        }
        close(it);
    }

    if (connections_.size() >= limits_.max_connections && !lru_.empty())
    {
        ++stats_.evicted;
        close(connections_.find(lru_.back()));
    }

    connection c;
    c.info.id = next_id_++;
    bool sender_is_client;
    if (s.has(tcp_flags::syn))
        sender_is_client = !s.has(tcp_flags::ack);
    else
        sender_is_client = !looks_like_server(s.src_port, s.dst_port);
    c.info.client = sender_is_client ? s.src : s.dst;
    c.info.client_port = sender_is_client ? s.src_port : s.dst_port;
    c.info.server = sender_is_client ? s.dst : s.src;
    c.info.server_port = sender_is_client ? s.dst_port : s.src_port;
    c.info.first_seen = ts;
    lru_.push_front(key);
    c.lru = lru_.begin();
    ++stats_.connections;
    auto [pos, inserted] = connections_.emplace(key, std::move(c));
    (void)inserted;
    dir = sender_is_client ? flow_direction::client_to_server : flow_direction::server_to_client;
    handler_.on_open(pos->second.info);
    return pos->second;
}

void tcp_reassembler::on_segment(connection& c, flow_direction dir, const tcp_segment& s,
                                 std::chrono::nanoseconds ts)
{
    c.info.last_seen = ts;
    ++c.info.frames;
    direction_stats& st = c.info.directions[index(dir)];
    ++st.frames;
    if (c.done) return;

    direction_state& d = c.dirs[index(dir)];
    std::uint32_t seq = s.seq;
    if (s.has(tcp_flags::syn))
    {
        st.syn = true;
        if (!d.started || (st.delivered == 0 && d.pending.empty()))
        {
            d.has_isn = true;
            d.isn = s.seq;
            d.started = true;
            d.next_seq = s.seq + 1; // the SYN takes one sequence number
        }
        seq = s.seq + 1;
    }
    else if (!d.started)
    {
        d.started = true; // mid-connection: the stream starts here
        d.next_seq = s.seq;
    }

    // What the peer acknowledged tells, at the end, whether bytes we never saw were sent.
    if (s.has(tcp_flags::ack))
    {
        direction_state& peer = c.dirs[index(opposite(dir))];
        const direction_stats& peer_stats = c.info.directions[index(opposite(dir))];
        if (peer.started)
        {
            const std::int64_t ahead = seq_diff(s.ack, peer.next_seq);
            if (ahead > 0 && ahead < max_ahead)
                peer.peer_acked = std::max(peer.peer_acked, peer_stats.delivered + static_cast<std::uint64_t>(ahead));
        }
    }

    if (!c.dropped && (!s.payload.empty() || s.missing != 0)) accept_payload(c, dir, seq, s.payload, ts);

    if (s.has(tcp_flags::fin))
    {
        const std::int64_t at = seq_diff(seq + static_cast<std::uint32_t>(s.payload.size()) + s.missing, d.next_seq);
        if (at >= 0 && at < max_ahead && !d.fin_known)
        {
            d.fin_known = true;
            d.fin_offset = st.delivered + static_cast<std::uint64_t>(at);
        }
        if (d.fin_known && d.fin_offset == st.delivered) st.fin = true;
    }
    if (s.has(tcp_flags::rst))
    {
        c.info.reset = true;
        for (flow_direction x : {flow_direction::client_to_server, flow_direction::server_to_client})
            if (!c.dirs[index(x)].pending.empty()) declare_gap(c, x);
        c.done = true;
    }
    if (c.info.directions[0].fin && c.info.directions[1].fin) c.done = true;
    enforce_total_limit();
}

void tcp_reassembler::accept_payload(connection& c, flow_direction dir, std::uint32_t seq,
                                     std::span<const std::byte> data, std::chrono::nanoseconds ts)
{
    direction_state& d = c.dirs[index(dir)];
    direction_stats& st = c.info.directions[index(dir)];
    if (st.gap)
    {
        st.dropped_after_gap += data.size();
        return;
    }
    std::int64_t rel = seq_diff(seq, d.next_seq);
    if (rel >= max_ahead) return; // not this connection's window
    if (rel < 0)
    {
        // Already delivered: first copy wins.
        const std::size_t old = static_cast<std::size_t>(std::min<std::int64_t>(-rel, static_cast<std::int64_t>(data.size())));
        st.retransmitted += old;
        if (-rel >= static_cast<std::int64_t>(data.size())) return;
        data = data.subspan(old);
        rel = 0;
    }
    if (data.empty()) return;
    if (rel == 0)
    {
        // Buffered blocks all start after `delivered`; one may begin inside this segment.
        const std::uint64_t offset = st.delivered;
        auto it = d.pending.begin();
        if (it != d.pending.end() && it->first < offset + data.size())
        {
            // Deliver up to the buffered block, then let drain() go on from it.
            const std::size_t head = static_cast<std::size_t>(it->first - offset);
            const auto tail = data.subspan(head);
            const auto& block = it->second;
            const std::uint64_t block_end = it->first + block.size();
            const std::size_t n = std::min(tail.size(), block.size());
            st.retransmitted += n;
            if (std::memcmp(tail.data(), block.data(), n) != 0)
                for (std::size_t i = 0; i < n; ++i) st.overlap_conflicts += tail[i] != block[i];
            // The handler may answer `drop` to this delivery, which frees `block`: not used after.
            deliver(c, dir, data.first(head), ts);
            if (!c.dropped && tail.size() > n)
            {
                // The new copy reaches beyond the buffered block: keep its far part in order.
                store_pending(c, dir, block_end, tail.subspan(n));
            }
            drain(c, dir, ts);
            return;
        }
        deliver(c, dir, data, ts);
        drain(c, dir, ts);
        return;
    }
    store_pending(c, dir, st.delivered + static_cast<std::uint64_t>(rel), data);
    if (d.pending_bytes > limits_.max_pending_per_direction) declare_gap(c, dir);
}

void tcp_reassembler::store_pending(connection& c, flow_direction dir, std::uint64_t offset,
                                    std::span<const std::byte> data)
{
    direction_state& d = c.dirs[index(dir)];
    direction_stats& st = c.info.directions[index(dir)];
    // Insert only the bytes no buffered block covers yet (first copy wins).
    while (!data.empty())
    {
        auto next = d.pending.upper_bound(offset);
        if (next != d.pending.begin())
        {
            auto prev = std::prev(next);
            const std::uint64_t prev_end = prev->first + prev->second.size();
            if (prev_end > offset)
            {
                const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(prev_end - offset, data.size()));
                const std::byte* old = prev->second.data() + (offset - prev->first);
                st.retransmitted += n;
                if (std::memcmp(old, data.data(), n) != 0)
                    for (std::size_t i = 0; i < n; ++i) st.overlap_conflicts += old[i] != data[i];
                data = data.subspan(n);
                offset += n;
                continue;
            }
        }
        std::size_t n = data.size();
        if (next != d.pending.end() && next->first < offset + n) n = static_cast<std::size_t>(next->first - offset);
        d.pending.emplace(offset, std::vector<std::byte>(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n)));
        d.pending_bytes += n;
        stats_.pending_bytes += n;
        stats_.peak_pending_bytes = std::max(stats_.peak_pending_bytes, stats_.pending_bytes);
        data = data.subspan(n);
        offset += n;
    }
}

void tcp_reassembler::deliver(connection& c, flow_direction dir, std::span<const std::byte> data,
                              std::chrono::nanoseconds ts)
{
    if (data.empty()) return;
    direction_state& d = c.dirs[index(dir)];
    direction_stats& st = c.info.directions[index(dir)];
    stream_chunk chunk{dir, data, st.delivered, ts, stats_.packets};
    st.delivered += data.size();
    d.next_seq += static_cast<std::uint32_t>(data.size());
    if (c.dropped) return;
    if (handler_.on_data(c.info, chunk) == stream_interest::drop)
    {
        c.dropped = true;
        release_pending(c, flow_direction::client_to_server);
        release_pending(c, flow_direction::server_to_client);
    }
}

void tcp_reassembler::drain(connection& c, flow_direction dir, std::chrono::nanoseconds ts)
{
    direction_state& d = c.dirs[index(dir)];
    direction_stats& st = c.info.directions[index(dir)];
    while (!d.pending.empty() && !c.dropped)
    {
        auto it = d.pending.begin();
        if (it->first > st.delivered) break;
        std::vector<std::byte> block = std::move(it->second);
        const std::uint64_t start = it->first;
        d.pending.erase(it);
        d.pending_bytes -= block.size();
        stats_.pending_bytes -= block.size();
        const std::size_t skip = static_cast<std::size_t>(st.delivered - start);
        if (skip < block.size()) deliver(c, dir, std::span<const std::byte>(block).subspan(skip), ts);
    }
    if (d.fin_known && d.fin_offset == st.delivered) st.fin = true;
}

void tcp_reassembler::release_pending(connection& c, flow_direction dir)
{
    direction_state& d = c.dirs[index(dir)];
    stats_.pending_bytes -= d.pending_bytes;
    d.pending_bytes = 0;
    d.pending.clear();
}

void tcp_reassembler::declare_gap(connection& c, flow_direction dir)
{
    direction_stats& st = c.info.directions[index(dir)];
    if (st.gap) return;
    st.gap = true;
    st.gap_offset = st.delivered;
    for (const auto& [offset, block] : c.dirs[index(dir)].pending) st.dropped_after_gap += block.size();
    release_pending(c, dir);
    ++stats_.gaps;
    if (!c.dropped) handler_.on_gap(c.info, dir, st.gap_offset);
}

void tcp_reassembler::close(std::unordered_map<flow_key, connection, flow_key_hash>::iterator it)
{
    connection& c = it->second;
    for (flow_direction x : {flow_direction::client_to_server, flow_direction::server_to_client})
    {
        const direction_state& d = c.dirs[index(x)];
        const direction_stats& st = c.info.directions[index(x)];
        // Bytes before a FIN, bytes the peer acknowledged, or buffered bytes past a hole
        // were sent but never seen.
        const std::uint64_t fin_ack = d.fin_known && d.fin_offset == st.delivered ? 1 : 0;
        const bool unseen = !c.dropped && (!d.pending.empty() || (d.fin_known && d.fin_offset > st.delivered) ||
                            d.peer_acked > st.delivered + fin_ack);
        if (unseen) declare_gap(c, x);
    }
    handler_.on_close(c.info);
    lru_.erase(c.lru);
    connections_.erase(it);
}

void tcp_reassembler::enforce_total_limit()
{
    while (stats_.pending_bytes > limits_.max_pending_total)
    {
        connection* victim = nullptr;
        flow_direction vdir{};
        std::size_t most = 0;
        for (auto& [key, c] : connections_)
            for (flow_direction x : {flow_direction::client_to_server, flow_direction::server_to_client})
                if (c.dirs[index(x)].pending_bytes > most)
                {
                    most = c.dirs[index(x)].pending_bytes;
                    victim = &c;
                    vdir = x;
                }
        if (victim == nullptr) break;
        declare_gap(*victim, vdir);
    }
}

void tcp_reassembler::finish()
{
    // Close in order of first appearance, so handlers see a stable order.
    std::vector<std::pair<std::uint64_t, flow_key>> order;
    order.reserve(connections_.size());
    for (const auto& [key, c] : connections_) order.emplace_back(c.info.id, key);
    std::sort(order.begin(), order.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (const auto& [id, key] : order) close(connections_.find(key));
}

} // namespace epmdump::capture
