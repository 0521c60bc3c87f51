#include "capture_calls.hpp"

#include "support/test_files.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>

namespace epmdump::test {

namespace {

using bytes = std::vector<std::byte>;

std::uint32_t get(const bytes& b, std::size_t at, std::size_t n, bool little)
{
    if (at + n > b.size()) throw std::runtime_error("capture: short record");
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        const std::size_t k = little ? at + n - 1 - i : at + i;
        v = v << 8 | std::to_integer<std::uint32_t>(b[k]);
    }
    return v;
}

struct frame
{
    std::uint64_t number;
    std::uint32_t linktype;
    std::span<const std::byte> data;
};

std::vector<frame> read_frames(const bytes& file)
{
    std::vector<frame> frames;
    if (file.size() < 24) throw std::runtime_error("capture: too short");
    const std::uint32_t magic = get(file, 0, 4, true);
    if (magic == 0x0a0d0d0a) // pcapng: blocks of type, length, body, length
    {
        std::vector<std::uint32_t> linktypes;
        bool little = true;
        std::size_t pos = 0;
        while (pos + 12 <= file.size())
        {
            if (get(file, pos, 4, true) == 0x0a0d0d0a) little = get(file, pos + 8, 4, true) == 0x1a2b3c4d;
            const std::uint32_t type = get(file, pos, 4, little);
            const std::uint32_t len = get(file, pos + 4, 4, little);
            if (len < 12 || pos + len > file.size()) throw std::runtime_error("capture: bad pcapng block");
            if (type == 0x0a0d0d0a) linktypes.clear();
            else if (type == 1) linktypes.push_back(get(file, pos + 8, 2, little));
            else if (type == 6)
            {
                const std::uint32_t iface = get(file, pos + 8, 4, little);
                const std::uint32_t caplen = get(file, pos + 20, 4, little);
                if (iface >= linktypes.size() || 28 + caplen > len) throw std::runtime_error("capture: bad EPB");
                frames.push_back({frames.size() + 1, linktypes[iface],
                                  std::span<const std::byte>(file).subspan(pos + 28, caplen)});
            }
            pos += len;
        }
        return frames;
    }
    bool little;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) little = true;
    else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) little = false;
    else throw std::runtime_error("capture: not pcap or pcapng");
    const std::uint32_t linktype = get(file, 20, 4, little);
    std::size_t pos = 24;
    while (pos + 16 <= file.size())
    {
        const std::uint32_t caplen = get(file, pos + 8, 4, little);
        if (pos + 16 + caplen > file.size()) throw std::runtime_error("capture: truncated record");
        frames.push_back({frames.size() + 1, linktype, std::span<const std::byte>(file).subspan(pos + 16, caplen)});
        pos += 16 + caplen;
    }
    return frames;
}

using endpoint = std::pair<bytes, std::uint16_t>; // address bytes, port
using flow_key = std::pair<endpoint, endpoint>;    // source, destination

struct flow
{
    std::optional<std::uint32_t> isn;                            // seq of the first data byte
    std::map<std::uint32_t, std::pair<bytes, std::uint64_t>> segments; // relative seq -> data, frame
    std::uint64_t first_frame = 0;
};

struct stream
{
    bytes data;
    std::vector<std::pair<std::size_t, std::uint64_t>> frame_at; // stream offset where a frame's data starts
    std::uint64_t frame_of(std::size_t offset) const
    {
        std::uint64_t f = 0;
        for (const auto& [at, number] : frame_at)
            if (at <= offset) f = number;
        return f;
    }
};

stream assemble(const flow& f)
{
    stream s;
    for (const auto& [rel, seg] : f.segments)
    {
        const auto& [data, number] = seg;
        if (rel > s.data.size()) break; // a gap: stop where the bytes stop
        const std::size_t skip = s.data.size() - rel;
        if (skip >= data.size()) continue;
        s.frame_at.emplace_back(s.data.size(), number);
        s.data.insert(s.data.end(), data.begin() + static_cast<std::ptrdiff_t>(skip), data.end());
    }
    return s;
}

struct pdu
{
    std::size_t start;
    std::size_t end;
};

std::vector<pdu> split_pdus(const bytes& d)
{
    std::vector<pdu> out;
    std::size_t pos = 0;
    while (pos + 16 <= d.size())
    {
        if (std::to_integer<int>(d[pos]) != 5) break;
        const bool little = (std::to_integer<int>(d[pos + 4]) & 0xF0) == 0x10;
        const std::uint32_t frag_length = get(d, pos + 8, 2, little);
        if (frag_length < 16 || pos + frag_length > d.size()) break;
        out.push_back({pos, pos + frag_length});
        pos += frag_length;
    }
    return out;
}

struct context
{
    uuid abstract{};
    std::vector<uuid> offered;
    bool ndr64 = false;
};

uuid guid_at(const bytes& d, std::size_t at, bool little)
{
    uuid u{};
    const std::uint32_t a = get(d, at, 4, little);
    const std::uint32_t b = get(d, at + 4, 2, little);
    const std::uint32_t c = get(d, at + 6, 2, little);
    for (int i = 0; i < 4; ++i) u.data[i] = static_cast<std::uint8_t>(a >> (24 - 8 * i));
    u.data[4] = static_cast<std::uint8_t>(b >> 8);
    u.data[5] = static_cast<std::uint8_t>(b);
    u.data[6] = static_cast<std::uint8_t>(c >> 8);
    u.data[7] = static_cast<std::uint8_t>(c);
    for (std::size_t i = 8; i < 16; ++i) u.data[i] = std::to_integer<std::uint8_t>(d[at + i]);
    return u;
}

const uuid ndr64_uuid = *parse_uuid("71710533-beba-4937-8319-b5dbef9ccc36");

// One PDU's stub (request/response body without header and auth trailer).
struct stub_piece
{
    std::uint8_t ptype, flags, auth_level;
    std::uint32_t call_id;
    std::uint16_t ctx_id, opnum;
    ndr::drep rep;
    bytes stub;
};

stub_piece piece_of(const bytes& d, pdu p)
{
    stub_piece s{};
    const bool little = (std::to_integer<int>(d[p.start + 4]) & 0xF0) == 0x10;
    s.rep = ndr::drep::from_bytes(std::to_integer<std::uint8_t>(d[p.start + 4]), std::to_integer<std::uint8_t>(d[p.start + 5]));
    s.ptype = std::to_integer<std::uint8_t>(d[p.start + 2]);
    s.flags = std::to_integer<std::uint8_t>(d[p.start + 3]);
    const std::uint32_t auth_length = get(d, p.start + 10, 2, little);
    s.call_id = get(d, p.start + 12, 4, little);
    s.ctx_id = static_cast<std::uint16_t>(get(d, p.start + 20, 2, little));
    std::size_t header = 24;
    if (s.ptype == 0)
    {
        s.opnum = static_cast<std::uint16_t>(get(d, p.start + 22, 2, little));
        if (s.flags & 0x80) header += 16; // PFC_OBJECT_UUID
    }
    std::size_t end = p.end;
    if (auth_length)
    {
        end -= auth_length + 8;
        s.auth_level = std::to_integer<std::uint8_t>(d[end + 1]);
        end -= std::to_integer<std::size_t>(d[end + 2]); // auth_pad_length
    }
    if (p.start + header <= end)
        s.stub.assign(d.begin() + static_cast<std::ptrdiff_t>(p.start + header), d.begin() + static_cast<std::ptrdiff_t>(end));
    return s;
}

void read_connection(const stream& client, const stream& server, std::vector<captured_call>& out)
{
    const auto cpdus = split_pdus(client.data);
    const auto spdus = split_pdus(server.data);
    // Contexts: each bind/alter_context offers, the next bind_ack/alter_context_resp answers positionally.
    std::map<std::uint16_t, context> contexts;
    std::vector<std::vector<std::pair<std::uint16_t, context>>> pending_offers;
    std::map<std::uint32_t, captured_call> calls;
    std::vector<std::uint32_t> call_order;
    std::size_t si = 0;
    auto absorb_server_until = [&](std::size_t limit_frame) {
        // Server PDUs are consumed lazily: only what answers binds matters before requests.
        while (si < spdus.size())
        {
            const auto p = spdus[si];
            if (limit_frame && server.frame_of(p.start) > limit_frame) break;
            const bytes& d = server.data;
            const auto ptype = std::to_integer<int>(d[p.start + 2]);
            const bool little = (std::to_integer<int>(d[p.start + 4]) & 0xF0) == 0x10;
            if ((ptype == 12 || ptype == 15) && !pending_offers.empty())
            {
                std::size_t pos = p.start + 24;
                const std::uint32_t port_len = get(d, pos, 2, little);
                pos += 2 + port_len;
                pos = p.start + ((pos - p.start + 3) & ~std::size_t{3});
                const std::size_t n = std::to_integer<std::size_t>(d[pos]);
                pos += 4;
                auto offers = std::move(pending_offers.front());
                pending_offers.erase(pending_offers.begin());
                for (std::size_t i = 0; i < n && i < offers.size(); ++i, pos += 24)
                {
                    if (get(d, pos, 2, little) != 0) continue; // not accepted
                    auto ctx = offers[i].second;
                    ctx.ndr64 = guid_at(d, pos + 4, little) == ndr64_uuid;
                    contexts[offers[i].first] = ctx;
                }
            }
            else if (ptype == 2 || ptype == 3)
            {
                auto piece = piece_of(d, p);
                auto it = calls.find(piece.call_id);
                if (it != calls.end())
                {
                    auto& call = it->second;
                    call.response_rep = piece.rep;
                    call.response_stub.insert(call.response_stub.end(), piece.stub.begin(), piece.stub.end());
                    if (ptype == 3) call.response_is_fault = true;
                    if (piece.flags & 0x02 || ptype == 3)
                    {
                        call.has_response = true;
                        call.response_frame = server.frame_of(p.end - 1);
                    }
                }
            }
            ++si;
        }
    };
    for (const auto& p : cpdus)
    {
        absorb_server_until(client.frame_of(p.start));
        const bytes& d = client.data;
        const auto ptype = std::to_integer<int>(d[p.start + 2]);
        const bool little = (std::to_integer<int>(d[p.start + 4]) & 0xF0) == 0x10;
        if (ptype == 11 || ptype == 14)
        {
            std::size_t pos = p.start + 24;
            const std::size_t n = std::to_integer<std::size_t>(d[pos]);
            pos += 4;
            std::vector<std::pair<std::uint16_t, context>> offers;
            for (std::size_t i = 0; i < n; ++i)
            {
                const auto ctx_id = static_cast<std::uint16_t>(get(d, pos, 2, little));
                const std::size_t nts = std::to_integer<std::size_t>(d[pos + 2]);
                context c;
                c.abstract = guid_at(d, pos + 4, little);
                pos += 24 + 20 * nts;
                offers.emplace_back(ctx_id, c);
            }
            pending_offers.push_back(std::move(offers));
        }
        else if (ptype == 0)
        {
            auto piece = piece_of(d, p);
            auto [it, inserted] = calls.try_emplace(piece.call_id);
            auto& call = it->second;
            if (inserted || (piece.flags & 0x01))
            {
                if (!inserted && call.request_frame) // a call_id reused: keep the finished one
                {
                    out.push_back(std::move(call));
                    call = captured_call{};
                }
                if (inserted) call_order.push_back(piece.call_id);
                call.call_id = piece.call_id;
                call.opnum = piece.opnum;
                call.request_rep = piece.rep;
                call.auth_level = piece.auth_level;
                if (auto c = contexts.find(piece.ctx_id); c != contexts.end())
                {
                    call.abstract_syntax = c->second.abstract;
                    call.ndr64 = c->second.ndr64;
                }
            }
            call.request_stub.insert(call.request_stub.end(), piece.stub.begin(), piece.stub.end());
            if (piece.flags & 0x02) call.request_frame = client.frame_of(p.end - 1);
        }
    }
    absorb_server_until(0);
    for (auto id : call_order) out.push_back(std::move(calls[id]));
}

} // namespace

std::vector<captured_call> read_captured_calls(const std::filesystem::path& capture)
{
    const bytes file = read_file(capture);
    std::map<flow_key, flow> flows;
    std::vector<flow_key> syn_senders; // flows whose first packet was a bare SYN (the client side)
    for (const auto& f : read_frames(file))
    {
        if (f.linktype != 1) continue; // Ethernet only: every capture here is DLT 1
        auto d = f.data;
        if (d.size() < 14) continue;
        std::size_t pos = 12;
        std::uint32_t ethertype = std::to_integer<std::uint32_t>(d[pos]) << 8 | std::to_integer<std::uint32_t>(d[pos + 1]);
        pos += 2;
        while (ethertype == 0x8100 && pos + 4 <= d.size())
        {
            ethertype = std::to_integer<std::uint32_t>(d[pos + 2]) << 8 | std::to_integer<std::uint32_t>(d[pos + 3]);
            pos += 4;
        }
        bytes src, dst;
        std::size_t l4 = 0, l4_end = 0;
        if (ethertype == 0x0800 && pos + 20 <= d.size())
        {
            const std::size_t ihl = (std::to_integer<std::size_t>(d[pos]) & 0x0F) * 4;
            const std::size_t total = std::to_integer<std::size_t>(d[pos + 2]) << 8 | std::to_integer<std::size_t>(d[pos + 3]);
            if (std::to_integer<int>(d[pos + 9]) != 6) continue;
            src.assign(d.begin() + static_cast<std::ptrdiff_t>(pos + 12), d.begin() + static_cast<std::ptrdiff_t>(pos + 16));
            dst.assign(d.begin() + static_cast<std::ptrdiff_t>(pos + 16), d.begin() + static_cast<std::ptrdiff_t>(pos + 20));
            l4 = pos + ihl;
            // total 0 happens with segmentation offload: take the whole frame
            l4_end = total ? std::min(d.size(), pos + total) : d.size();
        }
        else if (ethertype == 0x86dd && pos + 40 <= d.size())
        {
            if (std::to_integer<int>(d[pos + 6]) != 6) continue;
            const std::size_t payload = std::to_integer<std::size_t>(d[pos + 4]) << 8 | std::to_integer<std::size_t>(d[pos + 5]);
            src.assign(d.begin() + static_cast<std::ptrdiff_t>(pos + 8), d.begin() + static_cast<std::ptrdiff_t>(pos + 24));
            dst.assign(d.begin() + static_cast<std::ptrdiff_t>(pos + 24), d.begin() + static_cast<std::ptrdiff_t>(pos + 40));
            l4 = pos + 40;
            l4_end = payload ? std::min(d.size(), l4 + payload) : d.size();
        }
        else
            continue;
        if (l4 + 20 > l4_end) continue;
        const bytes seg(d.begin() + static_cast<std::ptrdiff_t>(l4), d.begin() + static_cast<std::ptrdiff_t>(l4_end));
        const auto sport = static_cast<std::uint16_t>(get(seg, 0, 2, false));
        const auto dport = static_cast<std::uint16_t>(get(seg, 2, 2, false));
        const std::uint32_t seq = get(seg, 4, 4, false);
        const std::size_t data_offset = (std::to_integer<std::size_t>(seg[12]) >> 4) * 4;
        const auto flags = std::to_integer<int>(seg[13]);
        flow_key key{{src, sport}, {dst, dport}};
        auto& fl = flows[key];
        if (!fl.first_frame) fl.first_frame = f.number;
        if (flags & 0x02) // SYN: data starts at seq + 1
        {
            fl.isn = seq + 1;
            if (!(flags & 0x10)) syn_senders.push_back(key);
            continue;
        }
        if (data_offset >= seg.size()) continue;
        if (!fl.isn) fl.isn = seq; // capture started mid-connection
        const std::uint32_t rel = seq - *fl.isn;
        if (rel > 0x7fffffff) continue; // before the start we know
        fl.segments.try_emplace(rel, bytes(seg.begin() + static_cast<std::ptrdiff_t>(data_offset), seg.end()), f.number);
    }
    std::vector<captured_call> calls;
    for (const auto& [key, fl] : flows)
    {
        const flow_key reverse{key.second, key.first};
        const bool is_client = std::find(syn_senders.begin(), syn_senders.end(), key) != syn_senders.end() ||
                               (std::find(syn_senders.begin(), syn_senders.end(), reverse) == syn_senders.end() &&
                                key.second.second < key.first.second); // no handshake seen: lower port serves
        if (!is_client) continue;
        const auto back = flows.find(reverse);
        const stream client = assemble(fl);
        const stream server = back != flows.end() ? assemble(back->second) : stream{};
        read_connection(client, server, calls);
    }
    std::sort(calls.begin(), calls.end(),
              [](const captured_call& a, const captured_call& b) { return a.request_frame < b.request_frame; });
    return calls;
}

} // namespace epmdump::test
