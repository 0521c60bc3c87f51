#include "pcap_writer.hpp"

#include <stdexcept>

namespace epmdump::bench {

namespace {

void put16(unsigned char* p, unsigned v) { p[0] = static_cast<unsigned char>(v >> 8), p[1] = static_cast<unsigned char>(v); }
void put32(unsigned char* p, std::uint32_t v) { put16(p, v >> 16), put16(p + 2, v & 0xffff); }

// RFC 791 header checksum (tshark does not check it by default; written right anyway).
unsigned ip_checksum(const unsigned char* h, std::size_t n)
{
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < n; i += 2) sum += static_cast<std::uint32_t>(h[i] << 8 | h[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return ~sum & 0xffff;
}

constexpr std::uint8_t fin = 0x01, syn = 0x02, psh = 0x08, ack = 0x10;

} // namespace

pcap_writer::pcap_writer(const std::filesystem::path& path) : out_(path, std::ios::binary | std::ios::trunc)
{
    if (!out_) throw std::runtime_error(path.string() + ": cannot create");
    // Native-order classic header: magic, v2.4, zone, sigfigs, snaplen, LINKTYPE_ETHERNET.
    const std::uint32_t h[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};
    out_.write(reinterpret_cast<const char*>(h), sizeof h);
    bytes_ = sizeof h;
}

void pcap_writer::segment(bool from_server, std::uint8_t flags, std::span<const std::byte> payload)
{
    const int s = from_server ? 1 : 0, d = 1 - s;
    frame_.assign(14 + 20 + 20, 0);
    // Ethernet: locally administered MACs, last octet names the side.
    frame_[0] = 0x02, frame_[5] = static_cast<unsigned char>(d + 1);
    frame_[6] = 0x02, frame_[11] = static_cast<unsigned char>(s + 1);
    put16(&frame_[12], 0x0800);
    unsigned char* ip = &frame_[14];
    ip[0] = 0x45;
    put16(ip + 2, static_cast<unsigned>(40 + payload.size()));
    ip[6] = 0x40; // DF
    ip[8] = 64, ip[9] = 6;
    put32(ip + 12, ip_[s]), put32(ip + 16, ip_[d]);
    put16(ip + 10, ip_checksum(ip, 20));
    unsigned char* tcp = ip + 20;
    put16(tcp, port_[s]), put16(tcp + 2, port_[d]);
    put32(tcp + 4, seq_[s]), put32(tcp + 8, (flags & ack) ? seq_[d] : 0);
    tcp[12] = 5 << 4, tcp[13] = flags;
    put16(tcp + 14, 65535);
    const auto* p = reinterpret_cast<const unsigned char*>(payload.data());
    frame_.insert(frame_.end(), p, p + payload.size());
    seq_[s] += static_cast<std::uint32_t>(payload.size()) + ((flags & (syn | fin)) ? 1u : 0u);

    // 10 µs apart from 2024-01-01, so time only moves forward.
    const std::uint64_t us = 1704067200ull * 1000000 + frames_ * 10;
    const std::uint32_t rec[4] = {static_cast<std::uint32_t>(us / 1000000), static_cast<std::uint32_t>(us % 1000000),
                                  static_cast<std::uint32_t>(frame_.size()), static_cast<std::uint32_t>(frame_.size())};
    out_.write(reinterpret_cast<const char*>(rec), sizeof rec);
    out_.write(reinterpret_cast<const char*>(frame_.data()), static_cast<std::streamsize>(frame_.size()));
    ++frames_;
    bytes_ += sizeof rec + frame_.size();
}

void pcap_writer::conversation(std::uint32_t client_ip, std::uint16_t client_port, std::uint32_t server_ip,
                               std::uint16_t server_port, std::span<const tcp_chunk> chunks)
{
    ip_[0] = client_ip, ip_[1] = server_ip;
    port_[0] = client_port, port_[1] = server_port;
    seq_[0] = 0x10000000u + client_port, seq_[1] = 0x20000000u + client_port;
    segment(false, syn, {});
    segment(true, syn | ack, {});
    segment(false, ack, {});
    for (const auto& c : chunks) segment(c.from_server, psh | ack, c.payload);
    segment(false, fin | ack, {});
    segment(true, fin | ack, {});
    segment(false, ack, {});
    if (!out_) throw std::runtime_error("pcap write failed");
}

} // namespace epmdump::bench
