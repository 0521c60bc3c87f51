#pragma once
// The SMB 3.x TRANSFORM_HEADER ([MS-SMB2] 2.2.41) that wraps an encrypted message: signature
// (the AEAD tag), nonce (11 octets for CCM, 12 for GCM, zero-padded to 16), original size, flags
// (Encrypted, or the 3.0 EncryptionAlgorithm AES-128-CCM) and the session. The AEAD's associated
// data is the header from the nonce on (32 octets).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/header.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace epmdump::smb2 {

inline constexpr std::uint16_t transform_flag_encrypted = 0x0001;
inline constexpr std::size_t transform_aad_offset = 20;

struct transform_header
{
    signature_bytes signature{};
    std::array<std::byte, 16> nonce{};
    std::uint32_t original_message_size = 0;
    std::uint16_t flags = transform_flag_encrypted;
    std::uint64_t session_id = 0;
};

result<transform_header> decode_transform_header(std::span<const std::byte> frame) noexcept;
void append_transform_header(std::vector<std::byte>& out, const transform_header& t);

} // namespace epmdump::smb2
