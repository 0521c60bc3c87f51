#pragma once
// bind_nak (C706 §12.6.4.5; [MS-RPCE] 2.2.2.9 adds the optional Signature).
// Its reason is a p_reject_reason_t, NOT the p_provider_reason_t of bind_ack
// (see bind_nak_reason_name / provider_reason_name in names.hpp).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/uuid.hpp>
#include <epmdump/dcerpc/common_header.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::dcerpc {

// p_reject_reason_t (C706 §12.6.3.1; [MS-RPCE] 2.2.2.5 adds 8 and 9).
inline constexpr std::uint16_t reject_reason_not_specified = 0;
inline constexpr std::uint16_t reject_temporary_congestion = 1;
inline constexpr std::uint16_t reject_local_limit_exceeded = 2;
inline constexpr std::uint16_t reject_called_paddr_unknown = 3;
inline constexpr std::uint16_t reject_protocol_version_not_supported = 4;
inline constexpr std::uint16_t reject_default_context_not_supported = 5;
inline constexpr std::uint16_t reject_user_data_not_readable = 6;
inline constexpr std::uint16_t reject_no_psap_available = 7;
inline constexpr std::uint16_t reject_authentication_type_not_recognized = 8;
inline constexpr std::uint16_t reject_invalid_checksum = 9;

struct rt_version
{
    std::uint8_t major = 5;
    std::uint8_t minor = 0;
    friend bool operator==(const rt_version&, const rt_version&) = default;
};

struct bind_nak_params
{
    std::uint16_t provider_reject_reason = reject_reason_not_specified;
    std::vector<rt_version> versions;  // p_rt_versions_supported_t; may be empty
    std::optional<uuid> signature;     // [MS-RPCE] 2.2.2.9, 4-byte aligned after versions
    friend bool operator==(const bind_nak_params&, const bind_nak_params&) = default;
};

struct bind_nak_pdu
{
    common_header header;
    bind_nak_params params;
};

// The versions list is optional on the wire: a body of only the 2-byte reason decodes with
// no versions. The signature is read when 16 bytes remain after the versions (aligned to 4).
result<bind_nak_pdu> decode_bind_nak(const common_header& h, std::span<const std::byte> pdu) noexcept;

std::vector<std::byte> encode_bind_nak(std::uint32_t call_id, const bind_nak_params& params,
                                       ndr::drep rep = ndr::little_endian_ascii);

} // namespace epmdump::dcerpc
