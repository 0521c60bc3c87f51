#pragma once
// PDUs with no body of their own: shutdown (C706 §12.6.4.11), co_cancel (§12.6.4.6),
// orphaned (§12.6.4.8), and auth3 ([MS-RPCE] 2.2.2.10: 4 pad octets, then the verifier).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/common_header.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::dcerpc {

struct control_pdu
{
    common_header header;
    std::optional<auth_verifier> auth; // co_cancel, orphaned and auth3 may carry one
};

// Accepts shutdown, co_cancel, orphaned and auth3; bad_value for any other PTYPE.
result<control_pdu> decode_control(const common_header& h, std::span<const std::byte> pdu) noexcept;
inline result<control_pdu> decode_shutdown(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    return decode_control(h, pdu);
}
inline result<control_pdu> decode_co_cancel(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    return decode_control(h, pdu);
}
inline result<control_pdu> decode_orphaned(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    return decode_control(h, pdu);
}
inline result<control_pdu> decode_auth3(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    return decode_control(h, pdu);
}

// Header-only PDUs (auth3 gets its 4 pad octets). Flags default to FIRST|LAST.
std::vector<std::byte> encode_control(pdu_type type, std::uint32_t call_id, std::uint8_t flags = pfc_single_frag,
                                      ndr::drep rep = ndr::little_endian_ascii);
// rpc_auth3 ([MS-RPCE] 2.2.2.10): 4 octets the receiver ignores, then the sec_trailer and the
// last token of a context establishment that expects no answer (3.3.1.5.2). Windows fills the
// 4 octets with its max_xmit_frag and max_recv_frag and keeps PFC_SUPPORT_HEADER_SIGN in the
// flags when header signing was negotiated. decode_auth3 reads it back.
std::vector<std::byte> encode_auth3(std::uint32_t call_id, const sec_trailer& trailer, std::span<const std::byte> token,
                                    std::uint8_t flags = pfc_single_frag, std::uint16_t max_xmit_frag = 0,
                                    std::uint16_t max_recv_frag = 0, ndr::drep rep = ndr::little_endian_ascii);
inline std::vector<std::byte> encode_shutdown(std::uint32_t call_id, ndr::drep rep = ndr::little_endian_ascii)
{
    return encode_control(pdu_type::shutdown, call_id, pfc_single_frag, rep);
}
inline std::vector<std::byte> encode_co_cancel(std::uint32_t call_id, ndr::drep rep = ndr::little_endian_ascii)
{
    return encode_control(pdu_type::co_cancel, call_id, pfc_single_frag, rep);
}
inline std::vector<std::byte> encode_orphaned(std::uint32_t call_id, ndr::drep rep = ndr::little_endian_ascii)
{
    return encode_control(pdu_type::orphaned, call_id, pfc_single_frag, rep);
}

} // namespace epmdump::dcerpc
