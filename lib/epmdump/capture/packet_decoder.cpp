#include <epmdump/capture/packet_decoder.hpp>
#include <epmdump/core/byte_order.hpp>

namespace epmdump::capture {

namespace {

// Network byte order at a fixed place of a header whose size the caller has checked.
std::uint16_t be16(std::span<const std::byte> b, std::size_t at) noexcept
{
    return load<std::uint16_t>(b.subspan(at).first<2>(), byte_order::big);
}

std::uint32_t be32(std::span<const std::byte> b, std::size_t at) noexcept
{
    return load<std::uint32_t>(b.subspan(at).first<4>(), byte_order::big);
}

decoded_packet kind_only(packet_kind k) noexcept { return decoded_packet{k, {}}; }

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr std::uint16_t ethertype_vlan = 0x8100;  // 802.1Q
constexpr std::uint16_t ethertype_qinq = 0x88a8;  // 802.1ad service tag
constexpr std::uint16_t ethertype_qinq_old = 0x9100;
constexpr int max_vlan_tags = 8;

// `rest` starts right after an EtherType field whose value is `type`.
decoded_packet decode_ethertype(std::uint16_t type, std::span<const std::byte> rest) noexcept
{
    for (int tags = 0; type == ethertype_vlan || type == ethertype_qinq || type == ethertype_qinq_old; ++tags)
    {
        // A tag is TCI(2) + the next EtherType(2).
        if (tags == max_vlan_tags || rest.size() < 4) return kind_only(packet_kind::malformed);
        type = be16(rest, 2);
        rest = rest.subspan(4);
    }
    if (type == ethertype_ipv4 || type == ethertype_ipv6) return decode_ip(rest);
    return kind_only(packet_kind::not_ip);
}

decoded_packet decode_tcp(const ip_address& src, const ip_address& dst, std::span<const std::byte> tcp,
                          std::uint32_t missing) noexcept
{
    if (tcp.size() < 20) return kind_only(packet_kind::malformed);
    const std::size_t header = (std::to_integer<std::size_t>(tcp[12]) >> 4) * 4;
    if (header < 20 || header > tcp.size()) return kind_only(packet_kind::malformed);
    decoded_packet out{packet_kind::tcp, {}};
    tcp_segment& s = out.segment;
    s.src = src;
    s.dst = dst;
    s.src_port = be16(tcp, 0);
    s.dst_port = be16(tcp, 2);
    s.seq = be32(tcp, 4);
    s.ack = be32(tcp, 8);
    s.flags = std::to_integer<std::uint8_t>(tcp[13]);
    s.payload = tcp.subspan(header);
    s.missing = missing;
    return out;
}

decoded_packet decode_ipv4(std::span<const std::byte> p) noexcept
{
    if (p.size() < 20) return kind_only(packet_kind::malformed);
    const std::size_t ihl = (std::to_integer<std::size_t>(p[0]) & 0x0f) * 4;
    if (ihl < 20 || ihl > p.size()) return kind_only(packet_kind::malformed);
    std::size_t total = be16(p, 2);
    // total_length 0 comes from TCP segmentation offload captures: the frame is the packet.
    if (total == 0) total = p.size();
    if (total < ihl) return kind_only(packet_kind::malformed);
    std::uint32_t missing = 0;
    if (total > p.size())
        missing = static_cast<std::uint32_t>(total - p.size()); // cut by the snap length
    else
        p = p.first(total); // drop Ethernet padding
    const std::uint16_t frag = be16(p, 6);
    if ((frag & 0x2000) != 0 || (frag & 0x1fff) != 0) return kind_only(packet_kind::ip_fragment);
    if (std::to_integer<int>(p[9]) != 6) return kind_only(packet_kind::not_tcp);
    const auto src = ip_address::from_v4(p.subspan<12, 4>());
    const auto dst = ip_address::from_v4(p.subspan<16, 4>());
    return decode_tcp(src, dst, p.subspan(ihl), missing);
}

decoded_packet decode_ipv6(std::span<const std::byte> p) noexcept
{
    if (p.size() < 40) return kind_only(packet_kind::malformed);
    std::size_t payload_length = be16(p, 4);
    const auto src = ip_address::from_v6(p.subspan<8, 16>());
    const auto dst = ip_address::from_v6(p.subspan<24, 16>());
    std::span<const std::byte> rest = p.subspan(40);
    std::uint32_t missing = 0;
    // payload_length 0 is a jumbogram or an offload capture: take what was captured.
    if (payload_length != 0)
    {
        if (payload_length > rest.size())
            missing = static_cast<std::uint32_t>(payload_length - rest.size());
        else
            rest = rest.first(payload_length);
    }
    int next = std::to_integer<int>(p[6]);
    for (int hops = 0; hops < 16; ++hops)
    {
        switch (next)
        {
        case 6:
            return decode_tcp(src, dst, rest, missing);
        case 0:  // hop-by-hop options
        case 43: // routing
        case 60: // destination options
        {
            if (rest.size() < 8) return kind_only(packet_kind::malformed);
            const std::size_t len = (std::to_integer<std::size_t>(rest[1]) + 1) * 8;
            if (len > rest.size()) return kind_only(packet_kind::malformed);
            next = std::to_integer<int>(rest[0]);
            rest = rest.subspan(len);
            break;
        }
        case 51: // AH: length in 4-octet units minus 2 (RFC 4302 §2.2)
        {
            if (rest.size() < 8) return kind_only(packet_kind::malformed);
            const std::size_t len = (std::to_integer<std::size_t>(rest[1]) + 2) * 4;
            if (len > rest.size()) return kind_only(packet_kind::malformed);
            next = std::to_integer<int>(rest[0]);
            rest = rest.subspan(len);
            break;
        }
        case 44: // fragment header: only an atomic fragment (offset 0, no M flag) is whole
        {
            if (rest.size() < 8) return kind_only(packet_kind::malformed);
            if ((be16(rest, 2) & 0xfff9) != 0) return kind_only(packet_kind::ip_fragment);
            next = std::to_integer<int>(rest[0]);
            rest = rest.subspan(8);
            break;
        }
        default:
            return kind_only(packet_kind::not_tcp); // ESP, no-next-header, UDP, ICMPv6...
        }
    }
    return kind_only(packet_kind::malformed);
}

// BSD AF_INET is 2 everywhere; AF_INET6 differs per OS (Linux 10, Windows 23, *BSD 24, FreeBSD 28, macOS 30).
decoded_packet decode_family(std::uint32_t family, std::span<const std::byte> rest) noexcept
{
    switch (family)
    {
    case 2:
    case 10:
    case 23:
    case 24:
    case 28:
    case 30:
        return decode_ip(rest);
    default:
        return kind_only(packet_kind::not_ip);
    }
}

} // namespace

decoded_packet decode_ip(std::span<const std::byte> packet) noexcept
{
    if (packet.empty()) return kind_only(packet_kind::malformed);
    switch (std::to_integer<int>(packet[0]) >> 4)
    {
    case 4:
        return decode_ipv4(packet);
    case 6:
        return decode_ipv6(packet);
    default:
        return kind_only(packet_kind::not_ip);
    }
}

decoded_packet decode_packet(int link, std::span<const std::byte> frame) noexcept
{
    switch (link)
    {
    case link_type::ethernet:
        if (frame.size() < 14) return kind_only(packet_kind::malformed);
        return decode_ethertype(be16(frame, 12), frame.subspan(14));
    case link_type::linux_sll: // pkttype, hatype, halen, 8-byte address, protocol
        if (frame.size() < 16) return kind_only(packet_kind::malformed);
        return decode_ethertype(be16(frame, 14), frame.subspan(16));
    case link_type::linux_sll2: // protocol, reserved, ifindex, hatype, pkttype, halen, 8-byte address
        if (frame.size() < 20) return kind_only(packet_kind::malformed);
        return decode_ethertype(be16(frame, 0), frame.subspan(20));
    case link_type::raw:
    case link_type::raw_openbsd:
    case link_type::raw_linktype:
    case link_type::ipv4:
    case link_type::ipv6:
        return decode_ip(frame);
    case link_type::null:
    case link_type::loop:
    {
        if (frame.size() < 4) return kind_only(packet_kind::malformed);
        // The writer's byte order is unknown for DLT_NULL (and some writers got DLT_LOOP
        // wrong), so take whichever reading gives a small number.
        const std::uint32_t big = be32(frame, 0);
        const std::uint32_t little = boost::endian::endian_reverse(big);
        return decode_family(big <= 0xffff ? big : little, frame.subspan(4));
    }
    default:
        return kind_only(packet_kind::unsupported_link);
    }
}

} // namespace epmdump::capture
