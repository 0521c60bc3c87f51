#include <epmdump/dcerpc/control_pdu.hpp>
#include <epmdump/dcerpc/detail/pdu_io.hpp>

namespace epmdump::dcerpc {

result<control_pdu> decode_control(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    std::size_t body_start = common_header_size;
    switch (h.type)
    {
    case pdu_type::shutdown:
    case pdu_type::co_cancel:
    case pdu_type::orphaned: break;
    case pdu_type::auth3:
        // [MS-RPCE] 2.2.2.10: 4 octets (max_xmit_frag/max_recv_frag, ignored) precede the verifier.
        body_start += 4;
        break;
    default: return detail::wrong_type("PTYPE not shutdown/co_cancel/orphaned/auth3");
    }
    auto parts = split_body(h, pdu, body_start);
    if (!parts) return parts.error();
    return control_pdu{h, parts->auth};
}

std::vector<std::byte> encode_control(pdu_type type, std::uint32_t call_id, std::uint8_t flags, ndr::drep rep)
{
    auto w = detail::start_pdu(type, flags, call_id, rep);
    if (type == pdu_type::auth3) w.u32(0);
    patch_lengths(w, 0);
    return w.take();
}

std::vector<std::byte> encode_auth3(std::uint32_t call_id, const sec_trailer& trailer, std::span<const std::byte> token,
                                    std::uint8_t flags, std::uint16_t max_xmit_frag, std::uint16_t max_recv_frag,
                                    ndr::drep rep)
{
    auto w = detail::start_pdu(pdu_type::auth3, flags, call_id, rep);
    w.u16(max_xmit_frag);
    w.u16(max_recv_frag);
    patch_lengths(w, 0);
    auto pdu = w.take();
    append_auth_verifier(pdu, trailer, token);
    return pdu;
}

} // namespace epmdump::dcerpc
