#include <epmdump/dcerpc/common_header.hpp>

namespace epmdump::dcerpc {

namespace {
constexpr std::size_t frag_length_offset = 8;
constexpr std::size_t auth_length_offset = 10;
constexpr std::size_t call_id_offset = 12;
} // namespace

result<common_header> decode_common_header(std::span<const std::byte> pdu) noexcept
{
    if (pdu.size() < common_header_size) return codec_error{codec_errc::truncated, pdu.size(), "common header"};
    common_header h;
    h.rpc_vers = std::to_integer<std::uint8_t>(pdu[0]);
    if (h.rpc_vers != dcerpc::rpc_vers) return codec_error{codec_errc::bad_header, 0, "rpc_vers"};
    h.rpc_vers_minor = std::to_integer<std::uint8_t>(pdu[1]);
    if (h.rpc_vers_minor > rpc_vers_minor_max) return codec_error{codec_errc::bad_header, 1, "rpc_vers_minor"};
    const auto type = std::to_integer<std::uint8_t>(pdu[2]);
    h.type = static_cast<pdu_type>(type);
    if (type > static_cast<std::uint8_t>(pdu_type::rts) || !is_connection_oriented(h.type))
        return codec_error{codec_errc::bad_header, 2, "PTYPE"};
    h.flags = std::to_integer<std::uint8_t>(pdu[3]);
    const auto d0 = std::to_integer<std::uint8_t>(pdu[4]);
    // C706 §14.1: integer 0 = big-endian, 1 = little-endian; characters 0 = ASCII, 1 = EBCDIC.
    if ((d0 >> 4) > 1 || (d0 & 0x0F) > 1) return codec_error{codec_errc::bad_header, 4, "packed_drep"};
    h.drep = ndr::drep::from_bytes(d0, std::to_integer<std::uint8_t>(pdu[5]));
    const auto fixed = pdu.first<common_header_size>();
    h.frag_length = load<std::uint16_t>(fixed.subspan<frag_length_offset, 2>(), h.drep.integer);
    if (h.frag_length < common_header_size)
        return codec_error{codec_errc::bad_header, frag_length_offset, "frag_length below 16"};
    h.auth_length = load<std::uint16_t>(fixed.subspan<auth_length_offset, 2>(), h.drep.integer);
    h.call_id = load<std::uint32_t>(fixed.subspan<call_id_offset, 4>(), h.drep.integer);
    return h;
}

void encode_common_header(ndr::writer& w, const common_header& h)
{
    w.u8(h.rpc_vers);
    w.u8(h.rpc_vers_minor);
    w.u8(static_cast<std::uint8_t>(h.type));
    w.u8(h.flags);
    w.bytes(w.representation().to_bytes());
    w.u16(h.frag_length);
    w.u16(h.auth_length);
    w.u32(h.call_id);
}

void patch_lengths(ndr::writer& w, std::size_t start, std::uint16_t auth_length)
{
    w.patch_u16(start + frag_length_offset, static_cast<std::uint16_t>(w.size() - start));
    w.patch_u16(start + auth_length_offset, auth_length);
}

} // namespace epmdump::dcerpc
