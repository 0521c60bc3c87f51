// One captured frame: link layer -> IPv4/IPv6 (extension headers) -> TCP (decode_packet).
// Input: one byte choosing the link type (fuzz::link_types), then the frame.
// Properties: a TCP payload is a view inside the frame; for the raw-IP link types decode_ip
// of the same bytes gives the same segment.
#include <epmdump/capture/packet_decoder.hpp>

#include "fuzz_support.hpp"

using namespace epmdump;
using namespace epmdump::capture;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::input_reader in(fuzz::as_bytes(data, size));
    const int link = fuzz::link_type_of(in.u8());
    const auto frame = in.rest();
    const auto p = decode_packet(link, frame);
    if (p.kind != packet_kind::tcp) return 0;
    const auto& s = p.segment;
    EPMDUMP_FUZZ_CHECK(s.payload.empty() ||
                       (s.payload.data() >= frame.data() && s.payload.data() + s.payload.size() <= frame.data() + frame.size()));
    (void)to_string(s.src);
    (void)to_string(s.dst);

    // Raw IP link types carry no link header: decode_ip must see the very same segment.
    if (link == 12 || link == 14 || link == 101 || link == 228 || link == 229)
    {
        const auto q = decode_ip(frame);
        EPMDUMP_FUZZ_CHECK(q.kind == packet_kind::tcp);
        const auto& t = q.segment;
        EPMDUMP_FUZZ_CHECK(t.src == s.src && t.dst == s.dst && t.src_port == s.src_port && t.dst_port == s.dst_port);
        EPMDUMP_FUZZ_CHECK(t.seq == s.seq && t.ack == s.ack && t.flags == s.flags && t.missing == s.missing);
        EPMDUMP_FUZZ_CHECK(t.payload.data() == s.payload.data() && t.payload.size() == s.payload.size());
    }
    return 0;
}
