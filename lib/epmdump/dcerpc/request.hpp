#pragma once
// request (C706 §12.6.4.9): alloc_hint, p_cont_id, opnum, an object UUID when
// PFC_OBJECT_UUID is set, then stub data.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/uuid.hpp>
#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/common_header.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::dcerpc {

struct request_pdu
{
    common_header header;
    std::uint32_t alloc_hint = 0;
    std::uint16_t context_id = 0;         // p_cont_id
    std::uint16_t opnum = 0;
    std::optional<uuid> object;           // present iff PFC_OBJECT_UUID
    std::span<const std::byte> stub;      // view into the PDU, auth padding excluded
    std::optional<auth_verifier> auth;
};

result<request_pdu> decode_request(const common_header& h, std::span<const std::byte> pdu) noexcept;

struct request_params
{
    std::uint16_t context_id = 0;
    std::uint16_t opnum = 0;
    std::optional<uuid> object;
    std::uint16_t max_xmit_frag = default_max_frag; // the peer's max_recv_frag after bind
};

// The bytes of one call: the stub split into as many fragments as needed so none exceeds
// max_xmit_frag (FIRST on the first, LAST on the last, alloc_hint = stub bytes still to send
// from this fragment on). Every fragment but the last carries a multiple of 8 stub bytes.
// max_xmit_frag below must_recv_frag_size is raised to it (C706 §12.6.3.1 minimum).
std::vector<std::byte> encode_request(std::uint32_t call_id, const request_params& params,
                                      std::span<const std::byte> stub, ndr::drep rep = ndr::little_endian_ascii);

// The protected form ([MS-RPCE] 2.2.2.11-12): every fragment carries its padding, the
// sec_trailer and plan.signature_length zero octets for the security context to fill, and
// stays within max_xmit_frag with them; `layout` says where each fragment's parts lie.
std::vector<std::byte> encode_request(std::uint32_t call_id, const request_params& params,
                                      std::span<const std::byte> stub, const verifier_plan& plan,
                                      std::vector<protected_fragment>& layout,
                                      ndr::drep rep = ndr::little_endian_ascii);

// Convenience with the argument order of the call: (call_id, context_id, opnum, stub, object, max_xmit_frag).
std::vector<std::byte> encode_request(std::uint32_t call_id, std::uint16_t context_id, std::uint16_t opnum,
                                      std::span<const std::byte> stub, std::optional<uuid> object = std::nullopt,
                                      std::uint16_t max_xmit_frag = default_max_frag,
                                      ndr::drep rep = ndr::little_endian_ascii);

} // namespace epmdump::dcerpc
