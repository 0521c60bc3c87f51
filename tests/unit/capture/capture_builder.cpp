#include "capture_builder.hpp"

#include <fstream>
#include <stdexcept>

namespace epmdump::test {

namespace {

void put8(bytes& b, unsigned v) { b.push_back(static_cast<std::byte>(v & 0xff)); }
void put16be(bytes& b, unsigned v) { put8(b, v >> 8), put8(b, v); }
void put32be(bytes& b, std::uint32_t v) { put16be(b, v >> 16), put16be(b, v & 0xffff); }
void put16(bytes& b, unsigned v, bool be) { be ? put16be(b, v) : (put8(b, v), put8(b, v >> 8)); }
void put32(bytes& b, std::uint32_t v, bool be)
{
    if (be)
        put32be(b, v);
    else
        put16(b, v & 0xffff, false), put16(b, v >> 16, false);
}
void append(bytes& b, std::span<const std::byte> more) { b.insert(b.end(), more.begin(), more.end()); }
void pad4(bytes& b)
{
    while (b.size() % 4 != 0) put8(b, 0);
}

} // namespace

capture::ip_address ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
{
    const std::byte raw[4] = {std::byte{a}, std::byte{b}, std::byte{c}, std::byte{d}};
    return capture::ip_address::from_v4(std::span<const std::byte, 4>(raw));
}

capture::ip_address ipv6(std::string_view text)
{
    // Only the forms tests use: hex groups with at most one "::".
    std::vector<std::uint16_t> head, tail;
    bool after = false;
    std::size_t i = 0;
    while (i < text.size())
    {
        if (text.substr(i, 2) == "::")
        {
            after = true;
            i += 2;
            continue;
        }
        if (text[i] == ':')
        {
            ++i;
            continue;
        }
        std::size_t j = i;
        unsigned v = 0;
        while (j < text.size() && text[j] != ':')
        {
            const char ch = text[j++];
            v = v * 16 + static_cast<unsigned>(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
        }
        (after ? tail : head).push_back(static_cast<std::uint16_t>(v));
        i = j;
    }
    std::byte raw[16] = {};
    for (std::size_t k = 0; k < head.size(); ++k)
        raw[2 * k] = std::byte(head[k] >> 8), raw[2 * k + 1] = std::byte(head[k] & 0xff);
    for (std::size_t k = 0; k < tail.size(); ++k)
    {
        const std::size_t w = 8 - tail.size() + k;
        raw[2 * w] = std::byte(tail[k] >> 8), raw[2 * w + 1] = std::byte(tail[k] & 0xff);
    }
    return capture::ip_address::from_v6(std::span<const std::byte, 16>(raw));
}

bytes build_ip_tcp(const tcp_packet_spec& p, bool ipv6_ext)
{
    bytes tcp;
    put16be(tcp, p.src_port);
    put16be(tcp, p.dst_port);
    put32be(tcp, p.seq);
    put32be(tcp, p.ack);
    put8(tcp, 5 << 4);
    put8(tcp, p.flags);
    put16be(tcp, 65535); // window
    put16be(tcp, 0);     // checksum (not checked by readers of captures)
    put16be(tcp, 0);     // urgent
    append(tcp, p.payload);

    bytes ip;
    if (!p.src.v6)
    {
        put8(ip, 0x45);
        put8(ip, 0);
        put16be(ip, static_cast<unsigned>(20 + tcp.size()));
        put16be(ip, 0x1234); // identification
        put16be(ip, 0x4000); // DF
        put8(ip, 64);
        put8(ip, 6);
        put16be(ip, 0);
        for (int k = 0; k < 4; ++k) put8(ip, p.src.bytes[k]);
        for (int k = 0; k < 4; ++k) put8(ip, p.dst.bytes[k]);
    }
    else
    {
        bytes ext;
        if (ipv6_ext)
        {
            // hop-by-hop (next: destination options), 8 bytes of PadN
            put8(ext, 60), put8(ext, 0), put8(ext, 1), put8(ext, 4), put32be(ext, 0);
            // destination options (next: TCP), 16 bytes
            put8(ext, 6), put8(ext, 1), put8(ext, 1), put8(ext, 12);
            for (int k = 0; k < 12; ++k) put8(ext, 0);
        }
        put32be(ip, 0x60000000);
        put16be(ip, static_cast<unsigned>(ext.size() + tcp.size()));
        put8(ip, ipv6_ext ? 0 : 6);
        put8(ip, 64);
        for (int k = 0; k < 16; ++k) put8(ip, p.src.bytes[k]);
        for (int k = 0; k < 16; ++k) put8(ip, p.dst.bytes[k]);
        append(ip, ext);
    }
    append(ip, tcp);
    return ip;
}

int dlt_of(link_wrap w)
{
    switch (w)
    {
    case link_wrap::linux_sll: return 113;
    case link_wrap::linux_sll2: return 276;
    case link_wrap::null_le:
    case link_wrap::null_be: return 0;
    case link_wrap::loop: return 108;
    case link_wrap::raw: return 12; // libpcap maps LINKTYPE_RAW 101 to DLT_RAW
    default: return 1;
    }
}

int linktype_of(link_wrap w) { return w == link_wrap::raw ? 101 : dlt_of(w); }

bytes wrap(link_wrap w, const bytes& ip)
{
    const bool v6 = !ip.empty() && (std::to_integer<int>(ip[0]) >> 4) == 6;
    const unsigned ethertype = v6 ? 0x86dd : 0x0800;
    bytes f;
    auto macs = [&f] {
        for (unsigned v : {0x00u, 0x11u, 0x22u, 0x33u, 0x44u, 0x55u, 0x00u, 0x66u, 0x77u, 0x88u, 0x99u, 0xaau}) put8(f, v);
    };
    switch (w)
    {
    case link_wrap::ethernet:
        macs(), put16be(f, ethertype);
        break;
    case link_wrap::ethernet_vlan:
        macs(), put16be(f, 0x8100), put16be(f, 42), put16be(f, ethertype);
        break;
    case link_wrap::ethernet_qinq:
        macs(), put16be(f, 0x88a8), put16be(f, 7), put16be(f, 0x8100), put16be(f, 42), put16be(f, ethertype);
        break;
    case link_wrap::linux_sll:
        put16be(f, 0), put16be(f, 1), put16be(f, 6);
        for (int k = 0; k < 8; ++k) put8(f, k);
        put16be(f, ethertype);
        break;
    case link_wrap::linux_sll2:
        put16be(f, ethertype), put16be(f, 0), put32be(f, 2), put16be(f, 1), put8(f, 0), put8(f, 6);
        for (int k = 0; k < 8; ++k) put8(f, k);
        break;
    case link_wrap::null_le:
        put32(f, v6 ? 30 : 2, false);
        break;
    case link_wrap::null_be:
        put32(f, v6 ? 28 : 2, true);
        break;
    case link_wrap::loop:
        put32(f, v6 ? 24 : 2, true);
        break;
    case link_wrap::raw:
        break;
    }
    append(f, ip);
    return f;
}

bytes write_pcap(const std::vector<frame>& frames, const pcap_options& o)
{
    const bool be = o.big_endian;
    bytes b;
    put32(b, o.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, be);
    put16(b, 2, be), put16(b, 4, be);
    put32(b, 0, be), put32(b, 0, be);
    put32(b, o.snap_length, be);
    put32(b, static_cast<std::uint32_t>(o.linktype), be);
    for (const frame& f : frames)
    {
        const auto ns = f.timestamp.count();
        put32(b, static_cast<std::uint32_t>(ns / 1000000000), be);
        const auto frac = ns % 1000000000;
        put32(b, static_cast<std::uint32_t>(o.nanosecond ? frac : frac / 1000), be);
        put32(b, static_cast<std::uint32_t>(f.data.size()), be);
        put32(b, f.original_length != 0 ? f.original_length : static_cast<std::uint32_t>(f.data.size()), be);
        append(b, f.data);
    }
    return b;
}

bytes write_pcapng(const std::vector<frame>& frames, const pcapng_options& o)
{
    const bool be = o.big_endian;
    bytes out;
    auto block = [&](std::uint32_t type, const bytes& body) {
        const auto len = static_cast<std::uint32_t>(12 + body.size());
        put32(out, type, be), put32(out, len, be);
        append(out, body);
        put32(out, len, be);
    };
    {
        bytes shb;
        put32(shb, 0x1a2b3c4d, be);
        put16(shb, 1, be), put16(shb, 0, be);
        put32(shb, 0xffffffff, be), put32(shb, 0xffffffff, be); // section length unknown
        block(0x0a0d0d0a, shb);
    }
    for (int i = 0; i < o.interfaces; ++i)
    {
        bytes idb;
        put16(idb, static_cast<unsigned>(o.linktype), be), put16(idb, 0, be);
        put32(idb, o.snap_length, be);
        if (o.nanosecond)
        {
            put16(idb, 9, be), put16(idb, 1, be), put8(idb, 9), pad4(idb); // if_tsresol = 10^-9
            put16(idb, 0, be), put16(idb, 0, be);                            // opt_endofopt
        }
        block(1, idb);
    }
    int next_if = 0;
    for (const frame& f : frames)
    {
        const auto ticks = static_cast<std::uint64_t>(o.nanosecond ? f.timestamp.count() : f.timestamp.count() / 1000);
        const auto orig = f.original_length != 0 ? f.original_length : static_cast<std::uint32_t>(f.data.size());
        bytes body;
        switch (o.block)
        {
        case pcapng_block::epb:
            put32(body, static_cast<std::uint32_t>(next_if), be);
            put32(body, static_cast<std::uint32_t>(ticks >> 32), be), put32(body, static_cast<std::uint32_t>(ticks), be);
            put32(body, static_cast<std::uint32_t>(f.data.size()), be), put32(body, orig, be);
            append(body, f.data), pad4(body);
            block(6, body);
            break;
        case pcapng_block::spb: // no timestamp, interface 0
            put32(body, orig, be);
            append(body, f.data), pad4(body);
            block(3, body);
            break;
        case pcapng_block::opb:
            put16(body, static_cast<unsigned>(next_if), be), put16(body, 0, be);
            put32(body, static_cast<std::uint32_t>(ticks >> 32), be), put32(body, static_cast<std::uint32_t>(ticks), be);
            put32(body, static_cast<std::uint32_t>(f.data.size()), be), put32(body, orig, be);
            append(body, f.data), pad4(body);
            block(2, body);
            break;
        }
        next_if = (next_if + 1) % o.interfaces;
    }
    return out;
}

tcp_script::tcp_script(capture::ip_address client, std::uint16_t client_port, capture::ip_address server,
                       std::uint16_t server_port, std::uint32_t client_isn, std::uint32_t server_isn)
    : client_(client), server_(server), client_port_(client_port), server_port_(server_port),
      client_isn_(client_isn), server_isn_(server_isn), client_seq_(client_isn + 1), server_seq_(server_isn + 1)
{
}

tcp_packet_spec tcp_script::make(bool from_client, std::uint8_t flags, bytes payload)
{
    tcp_packet_spec p;
    p.src = from_client ? client_ : server_;
    p.dst = from_client ? server_ : client_;
    p.src_port = from_client ? client_port_ : server_port_;
    p.dst_port = from_client ? server_port_ : client_port_;
    p.seq = from_client ? client_seq_ : server_seq_;
    p.ack = from_client ? server_seq_ : client_seq_;
    p.flags = flags;
    p.payload = std::move(payload);
    (from_client ? client_seq_ : server_seq_) += static_cast<std::uint32_t>(p.payload.size());
    return p;
}

tcp_packet_spec tcp_script::handshake_syn()
{
    tcp_packet_spec p = make(true, 0x02, {});
    p.seq = client_isn_;
    p.ack = 0;
    return p;
}

tcp_packet_spec tcp_script::handshake_syn_ack()
{
    tcp_packet_spec p = make(false, 0x12, {});
    p.seq = server_isn_;
    return p;
}

tcp_packet_spec tcp_script::handshake_ack() { return make(true, 0x10, {}); }
tcp_packet_spec tcp_script::client_data(const bytes& data) { return make(true, 0x18, data); }
tcp_packet_spec tcp_script::server_data(const bytes& data) { return make(false, 0x18, data); }

std::vector<tcp_packet_spec> tcp_script::client_segments(const bytes& data, std::size_t size)
{
    std::vector<tcp_packet_spec> out;
    for (std::size_t at = 0; at < data.size(); at += size)
        out.push_back(client_data(bytes(data.begin() + static_cast<std::ptrdiff_t>(at),
                                        data.begin() + static_cast<std::ptrdiff_t>(std::min(data.size(), at + size)))));
    return out;
}

std::vector<tcp_packet_spec> tcp_script::server_segments(const bytes& data, std::size_t size)
{
    std::vector<tcp_packet_spec> out;
    for (std::size_t at = 0; at < data.size(); at += size)
        out.push_back(server_data(bytes(data.begin() + static_cast<std::ptrdiff_t>(at),
                                        data.begin() + static_cast<std::ptrdiff_t>(std::min(data.size(), at + size)))));
    return out;
}

tcp_packet_spec tcp_script::client_fin()
{
    tcp_packet_spec p = make(true, 0x11, {});
    ++client_seq_;
    return p;
}

tcp_packet_spec tcp_script::server_fin()
{
    tcp_packet_spec p = make(false, 0x11, {});
    ++server_seq_;
    return p;
}

tcp_packet_spec tcp_script::client_rst() { return make(true, 0x14, {}); }

std::vector<frame> frames_of(const std::vector<tcp_packet_spec>& packets, link_wrap w, std::chrono::nanoseconds start)
{
    std::vector<frame> out;
    for (std::size_t i = 0; i < packets.size(); ++i)
        out.push_back(frame{wrap(w, build_ip_tcp(packets[i])), start + std::chrono::milliseconds(i), 0});
    return out;
}

void write_file(const std::filesystem::path& p, std::span<const std::byte> data)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + p.string());
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

} // namespace epmdump::test
