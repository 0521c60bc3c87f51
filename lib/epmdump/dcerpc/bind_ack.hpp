#pragma once
// bind_ack and alter_context_resp (C706 §12.6.4.4, §12.6.4.2; [MS-RPCE] 2.2.2.4 for
// result 3 negotiate_ack and 3.3.1.5.3 for the feature bits it returns in reason).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/common_header.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace epmdump::dcerpc {

// p_cont_def_result_t.
inline constexpr std::uint16_t result_acceptance = 0;
inline constexpr std::uint16_t result_user_rejection = 1;
inline constexpr std::uint16_t result_provider_rejection = 2;
inline constexpr std::uint16_t result_negotiate_ack = 3; // [MS-RPCE] 2.2.2.4

// p_provider_reason_t (only meaningful with result_provider_rejection).
inline constexpr std::uint16_t reason_not_specified = 0;
inline constexpr std::uint16_t abstract_syntax_not_supported = 1;
inline constexpr std::uint16_t proposed_transfer_syntaxes_not_supported = 2;
inline constexpr std::uint16_t local_limit_exceeded = 3;

// p_result_t: one per offered context, in the order offered.
struct context_result
{
    std::uint16_t result = result_acceptance;
    std::uint16_t reason = 0;        // p_provider_reason_t, or the feature bits for negotiate_ack
    syntax_id transfer_syntax{}; // the accepted one; nil otherwise
    bool accepted() const noexcept { return result == result_acceptance; }
    friend bool operator==(const context_result&, const context_result&) = default;
};

// Longest secondary address we accept (port_any_t); Windows sends "135", "49667" or a pipe name.
inline constexpr std::size_t max_secondary_address = 256;

struct bind_ack_params
{
    std::uint16_t max_xmit_frag = default_max_frag;
    std::uint16_t max_recv_frag = default_max_frag;
    std::uint32_t assoc_group_id = 0;
    std::string secondary_address;    // port_spec without its NUL; "" when the server sends length 0
    std::vector<context_result> results;
    std::uint8_t flags = pfc_single_frag;
    friend bool operator==(const bind_ack_params&, const bind_ack_params&) = default;
};

struct bind_ack_pdu
{
    common_header header;
    bind_ack_params params;
    std::optional<auth_verifier> auth;
};

// Accepts PTYPE bind_ack and alter_context_resp. secondary_address is translated from EBCDIC
// when the drep says so. Errors: limit_exceeded for a port_spec over max_secondary_address,
// truncated when the result list runs past the body.
result<bind_ack_pdu> decode_bind_ack(const common_header& h, std::span<const std::byte> pdu) noexcept;

std::vector<std::byte> encode_bind_ack(std::uint32_t call_id, const bind_ack_params& params,
                                       ndr::drep rep = ndr::little_endian_ascii);
std::vector<std::byte> encode_alter_context_resp(std::uint32_t call_id, const bind_ack_params& params,
                                                 ndr::drep rep = ndr::little_endian_ascii);

} // namespace epmdump::dcerpc
