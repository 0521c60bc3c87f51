#pragma once
// fault (C706 §12.6.4.7; [MS-RPCE] 2.2.2.8: the reserved octet's low bit flags extended
// error information, and the status field always holds the error).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/common_header.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::dcerpc {

inline constexpr std::uint8_t fault_flag_extended_error = 0x01;

struct fault_pdu
{
    common_header header;
    std::uint32_t alloc_hint = 0;
    std::uint16_t context_id = 0;
    std::uint8_t cancel_count = 0;
    std::uint8_t fault_flags = 0;         // C706 "reserved"
    std::uint32_t status = 0;             // nca_s_* / Win32 code, see status_name()
    std::span<const std::byte> stub;      // after reserved2; extended error info if any
    std::optional<auth_verifier> auth;
};

result<fault_pdu> decode_fault(const common_header& h, std::span<const std::byte> pdu) noexcept;

struct fault_params
{
    std::uint32_t status = 0;
    std::uint16_t context_id = 0;
    std::uint8_t cancel_count = 0;
    std::uint8_t flags = pfc_single_frag; // e.g. | pfc_did_not_execute, as Windows sends
    std::uint32_t alloc_hint = 0;
};

std::vector<std::byte> encode_fault(std::uint32_t call_id, const fault_params& params,
                                    ndr::drep rep = ndr::little_endian_ascii);

} // namespace epmdump::dcerpc
