#pragma once
// Link layer -> IPv4/IPv6 -> TCP, for one captured frame. Sans-I/O, never allocates.
//
// IPv4 fragments are ignored, not reassembled: a TCP segment carried in fragments is
// counted as `ip_fragment` and, if it held stream bytes, the stream sees a hole there and
// reports that direction incomplete. TCP over fragmented IP is rare on EPM traffic
// (segments are far below the MTU), and reassembly would need its own memory caps.
// IPv6 extension headers (hop-by-hop, routing, destination options, AH, atomic fragments)
// are skipped; real IPv6 fragments are ignored the same way.
#include <epmdump/capture/ip_address.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace epmdump::capture {

// Link-layer header types as pcap_datalink() reports them (tcpdump.org/linktypes.html).
namespace link_type {
inline constexpr int null = 0;          // BSD loopback, family in the capturing host's byte order
inline constexpr int ethernet = 1;
inline constexpr int raw = 12;          // DLT_RAW on most systems
inline constexpr int raw_openbsd = 14;  // DLT_RAW on OpenBSD
inline constexpr int raw_linktype = 101; // LINKTYPE_RAW as written in files
inline constexpr int loop = 108;        // OpenBSD loopback, family in network byte order
inline constexpr int linux_sll = 113;
inline constexpr int ipv4 = 228;
inline constexpr int ipv6 = 229;
inline constexpr int linux_sll2 = 276;
} // namespace link_type

// TCP header flags (RFC 9293 §3.1).
namespace tcp_flags {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
} // namespace tcp_flags

struct tcp_segment
{
    ip_address src;
    ip_address dst;
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;
    std::span<const std::byte> payload; // the captured part of the segment's data
    std::uint32_t missing = 0;          // data bytes the snap length cut off after `payload`

    bool has(std::uint8_t flag) const noexcept { return (flags & flag) != 0; }
};

enum class packet_kind : std::uint8_t
{
    tcp,              // `segment` is valid
    not_ip,           // ARP, LLC, ...: nothing for us
    not_tcp,          // UDP, ICMP, ...
    ip_fragment,      // ignored by design (see above)
    malformed,        // a header is cut short or inconsistent
    unsupported_link, // a link type we do not decode
};

struct decoded_packet
{
    packet_kind kind = packet_kind::malformed;
    tcp_segment segment;
};

// `frame` is the captured bytes of one record of a file whose link type is `link`.
decoded_packet decode_packet(int link, std::span<const std::byte> frame) noexcept;

// `packet` starts at an IPv4 or IPv6 header (version nibble decides).
decoded_packet decode_ip(std::span<const std::byte> packet) noexcept;

} // namespace epmdump::capture
