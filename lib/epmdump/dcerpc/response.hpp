#pragma once
// response (C706 §12.6.4.10): alloc_hint, p_cont_id, cancel_count, reserved, stub data.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/common_header.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::dcerpc {

struct response_pdu
{
    common_header header;
    std::uint32_t alloc_hint = 0;
    std::uint16_t context_id = 0;
    std::uint8_t cancel_count = 0;
    std::span<const std::byte> stub;      // view into the PDU, auth padding excluded
    std::optional<auth_verifier> auth;
};

result<response_pdu> decode_response(const common_header& h, std::span<const std::byte> pdu) noexcept;

struct response_params
{
    std::uint16_t context_id = 0;
    std::uint8_t cancel_count = 0;
    std::uint16_t max_xmit_frag = default_max_frag; // the client's max_recv_frag
};

// Fragments like encode_request (for scripted test servers and tests).
std::vector<std::byte> encode_response(std::uint32_t call_id, const response_params& params,
                                       std::span<const std::byte> stub, ndr::drep rep = ndr::little_endian_ascii);
// The protected form, as encode_request's: padding, sec_trailer and room for the signature.
std::vector<std::byte> encode_response(std::uint32_t call_id, const response_params& params,
                                       std::span<const std::byte> stub, const verifier_plan& plan,
                                       std::vector<protected_fragment>& layout,
                                       ndr::drep rep = ndr::little_endian_ascii);

} // namespace epmdump::dcerpc
