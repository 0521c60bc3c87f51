#include <epmdump/capture/packet_decoder.hpp>

#include "capture_builder.hpp"

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::test;
using capture::packet_kind;

namespace {

tcp_packet_spec sample(bool v6 = false)
{
    tcp_packet_spec p;
    p.src = v6 ? ipv6("2001:db8::10") : ipv4(10, 0, 0, 1);
    p.dst = v6 ? ipv6("2001:db8::20") : ipv4(10, 0, 0, 2);
    p.src_port = 49152;
    p.dst_port = 135;
    p.seq = 0xfffffff0;
    p.ack = 7;
    p.flags = capture::tcp_flags::psh | capture::tcp_flags::ack;
    p.payload = to_bytes("hello");
    return p;
}

void check_sample(const capture::decoded_packet& d, bool v6 = false)
{
    REQUIRE(d.kind == packet_kind::tcp);
    CHECK(capture::to_string(d.segment.src) == (v6 ? "2001:db8::10" : "10.0.0.1"));
    CHECK(capture::to_string(d.segment.dst) == (v6 ? "2001:db8::20" : "10.0.0.2"));
    CHECK(d.segment.src_port == 49152);
    CHECK(d.segment.dst_port == 135);
    CHECK(d.segment.seq == 0xfffffff0);
    CHECK(d.segment.ack == 7);
    CHECK(d.segment.has(capture::tcp_flags::psh));
    CHECK(d.segment.payload.size() == 5);
    CHECK(d.segment.missing == 0);
}

} // namespace

TEST_CASE("every supported link layer yields the same TCP segment")
{
    for (link_wrap w : {link_wrap::ethernet, link_wrap::ethernet_vlan, link_wrap::ethernet_qinq, link_wrap::linux_sll,
                        link_wrap::linux_sll2, link_wrap::null_le, link_wrap::null_be, link_wrap::loop, link_wrap::raw})
        for (bool v6 : {false, true})
        {
            CAPTURE(static_cast<int>(w));
            CAPTURE(v6);
            check_sample(capture::decode_packet(dlt_of(w), wrap(w, build_ip_tcp(sample(v6)))), v6);
        }
}

TEST_CASE("raw IP is accepted under DLT 12, 14 and LINKTYPE 101")
{
    const bytes ip = build_ip_tcp(sample());
    for (int link : {12, 14, 101}) check_sample(capture::decode_packet(link, ip));
}

TEST_CASE("IPv6 extension headers are skipped to reach TCP")
{
    check_sample(capture::decode_ip(build_ip_tcp(sample(true), true)), true);
}

TEST_CASE("Ethernet padding after the IPv4 total length is not stream data")
{
    bytes f = wrap(link_wrap::ethernet, build_ip_tcp(sample()));
    f.insert(f.end(), 6, std::byte{0});
    check_sample(capture::decode_packet(capture::link_type::ethernet, f));
}

TEST_CASE("a snap length that cuts the payload reports the missing byte count")
{
    bytes f = wrap(link_wrap::ethernet, build_ip_tcp(sample()));
    f.resize(f.size() - 3);
    const auto d = capture::decode_packet(capture::link_type::ethernet, f);
    REQUIRE(d.kind == packet_kind::tcp);
    CHECK(d.segment.payload.size() == 2);
    CHECK(d.segment.missing == 3);
}

TEST_CASE("IPv4 total length 0 from segmentation offload takes the whole frame")
{
    bytes ip = build_ip_tcp(sample());
    ip[2] = std::byte{0}, ip[3] = std::byte{0};
    check_sample(capture::decode_ip(ip));
}

TEST_CASE("IPv4 fragments are ignored by design")
{
    bytes ip = build_ip_tcp(sample());
    ip[6] = std::byte{0x20}; // more fragments
    CHECK(capture::decode_ip(ip).kind == packet_kind::ip_fragment);
    ip[6] = std::byte{0x00}, ip[7] = std::byte{0x10}; // offset 16*8
    CHECK(capture::decode_ip(ip).kind == packet_kind::ip_fragment);
}

TEST_CASE("non-TCP, non-IP, cut headers and unknown links are classified, not decoded")
{
    bytes ip = build_ip_tcp(sample());
    bytes udp = ip;
    udp[9] = std::byte{17};
    CHECK(capture::decode_ip(udp).kind == packet_kind::not_tcp);

    bytes arp = wrap(link_wrap::ethernet, ip);
    arp[12] = std::byte{0x08}, arp[13] = std::byte{0x06};
    CHECK(capture::decode_packet(1, arp).kind == packet_kind::not_ip);

    for (std::size_t cut : {0u, 10u, 19u, 30u, 39u})
        CHECK(capture::decode_ip(std::span<const std::byte>(ip).first(cut)).kind == packet_kind::malformed);
    bytes bad_offset = ip;
    bad_offset[32] = std::byte{0xf0}; // TCP data offset 60 > what is there
    CHECK(capture::decode_ip(bad_offset).kind == packet_kind::malformed);
    CHECK(capture::decode_packet(147, ip).kind == packet_kind::unsupported_link);
    CHECK(capture::decode_packet(1, std::span<const std::byte>(ip).first(5)).kind == packet_kind::malformed);
}

TEST_CASE("IPv6 addresses print in RFC 5952 form")
{
    CHECK(capture::to_string(ipv6("2001:db8::1")) == "2001:db8::1");
    CHECK(capture::to_string(ipv6("::1")) == "::1");
    CHECK(capture::to_string(ipv6("fe80::1:0:0:1")) == "fe80::1:0:0:1");
    CHECK(capture::to_string(ipv6("2001:db8:0:1:1:1:1:1")) == "2001:db8:0:1:1:1:1:1");
    CHECK(capture::to_string(ipv6("::ffff:a00:1")) == "::ffff:10.0.0.1");
}
