#pragma once
// The ERROR response body ([MS-SMB2] 2.2.2): what any command answers with a failing status
// (and STATUS_PENDING interim answers), optionally with error contexts (3.1.1).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/header.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace epmdump::smb2 {

struct error_response
{
    std::uint8_t context_count = 0;
    std::span<const std::byte> error_data; // ByteCount octets (a server may send 1 octet for 0)
};

std::vector<std::byte> encode_error_response(const header& h, const error_response& r);
result<error_response> decode_error_response(std::span<const std::byte> message) noexcept;

} // namespace epmdump::smb2
