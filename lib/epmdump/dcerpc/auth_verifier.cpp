#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/ndr/reader.hpp>

namespace epmdump::dcerpc {

result<body_parts> split_body(const common_header& h, std::span<const std::byte> pdu,
                              std::size_t body_start) noexcept
{
    const std::size_t end = h.frag_length;
    if (pdu.size() < end) return codec_error{codec_errc::truncated, pdu.size(), "frag_length beyond input"};
    if (end < body_start) return codec_error{codec_errc::truncated, end, "PDU body"};
    body_parts out;
    out.body_offset = body_start;
    if (h.auth_length == 0)
    {
        out.body = pdu.subspan(body_start, end - body_start);
        return out;
    }
    const std::size_t verifier = std::size_t{h.auth_length} + sec_trailer_size;
    if (verifier > end - body_start)
        return codec_error{codec_errc::bad_value, 10, "auth_length larger than the PDU body"};
    const std::size_t trailer_at = end - verifier;
    ndr::reader r(pdu.subspan(trailer_at, sec_trailer_size), h.drep, ndr::transfer_syntax::ndr20, trailer_at);
    sec_trailer t;
    t.auth_type = r.u8().value();
    t.auth_level = r.u8().value();
    t.auth_pad_length = r.u8().value();
    t.auth_reserved = r.u8().value();
    t.auth_context_id = r.u32().value();
    if (t.auth_pad_length > trailer_at - body_start)
        return codec_error{codec_errc::bad_value, trailer_at + 2, "auth_pad_length larger than the PDU body"};
    out.body = pdu.subspan(body_start, trailer_at - t.auth_pad_length - body_start);
    out.auth = auth_verifier{t, pdu.subspan(trailer_at + sec_trailer_size, h.auth_length)};
    return out;
}

void append_auth_verifier(std::vector<std::byte>& pdu, sec_trailer trailer,
                          std::span<const std::byte> auth_value, std::size_t pad_to, std::size_t pad_from)
{
    if (pdu.size() < common_header_size || pdu.size() < pad_from) return;
    const auto h = decode_common_header(pdu);
    const auto rep = h ? h->drep : ndr::drep{};
    const std::size_t filled = pdu.size() - pad_from;
    const std::size_t pad = pad_to == 0 ? 0 : (pad_to - filled % pad_to) % pad_to;
    pdu.resize(pdu.size() + pad, std::byte{0});
    trailer.auth_pad_length = static_cast<std::uint8_t>(pad);
    ndr::writer w(rep);
    w.u8(trailer.auth_type);
    w.u8(trailer.auth_level);
    w.u8(trailer.auth_pad_length);
    w.u8(trailer.auth_reserved);
    w.u32(trailer.auth_context_id);
    w.bytes(auth_value);
    pdu.insert(pdu.end(), w.buffer().begin(), w.buffer().end());
    // frag_length and auth_length in the PDU's own byte order.
    ndr::writer lengths(rep);
    lengths.u16(static_cast<std::uint16_t>(pdu.size()));
    lengths.u16(static_cast<std::uint16_t>(auth_value.size()));
    for (std::size_t i = 0; i < 4; ++i) pdu[8 + i] = lengths.buffer()[i];
}

} // namespace epmdump::dcerpc
