#pragma once
// SESSION_SETUP request/response ([MS-SMB2] 2.2.5, 2.2.6) carrying GSS-API/SPNEGO tokens, and
// LOGOFF (2.2.7, 2.2.8), whose bodies are a structure size and a reserved field.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/header.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace epmdump::smb2 {

struct session_setup_request
{
    std::uint8_t flags = 0;                    // session_flag_binding
    std::uint8_t security_mode = 0;            // negotiate_signing_*
    std::uint32_t capabilities = 0;
    std::uint32_t channel = 0;
    std::uint64_t previous_session_id = 0;
    std::span<const std::byte> security_buffer;
};

struct session_setup_response
{
    std::uint16_t session_flags = 0;           // session_flag_is_guest / is_null / encrypt_data
    std::span<const std::byte> security_buffer;
};

std::vector<std::byte> encode_session_setup_request(const header& h, const session_setup_request& r);
result<session_setup_request> decode_session_setup_request(std::span<const std::byte> message) noexcept;
std::vector<std::byte> encode_session_setup_response(const header& h, const session_setup_response& r);
result<session_setup_response> decode_session_setup_response(std::span<const std::byte> message) noexcept;

// LOGOFF request and response have the same body (StructureSize 4, Reserved).
std::vector<std::byte> encode_logoff(const header& h);
result<void> decode_logoff(std::span<const std::byte> message) noexcept;

} // namespace epmdump::smb2
