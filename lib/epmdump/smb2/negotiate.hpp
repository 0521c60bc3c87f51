#pragma once
// NEGOTIATE request and response ([MS-SMB2] 2.2.3, 2.2.4) with the SMB 3.1.1 negotiate contexts
// a pipe client uses: preauth integrity (SHA-512 and the salt), encryption capabilities (the
// ciphers) and signing capabilities (the MAC algorithms), 2.2.3.1.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/constants.hpp>
#include <epmdump/smb2/header.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::smb2 {

using guid_bytes = std::array<std::byte, 16>;

struct preauth_integrity_capabilities
{
    std::vector<std::uint16_t> hash_algorithms; // hash_sha512
    std::vector<std::byte> salt;
};

// A context we keep but do not interpret (compression, netname, transport, RDMA, future ones).
struct raw_negotiate_context
{
    std::uint16_t type = 0;
    std::span<const std::byte> data;
};

struct negotiate_contexts
{
    std::optional<preauth_integrity_capabilities> preauth;
    std::optional<std::vector<cipher>> ciphers;                 // encryption capabilities
    std::optional<std::vector<signing_algorithm>> signing;      // signing capabilities
    std::vector<raw_negotiate_context> others;                  // decode only
};

struct negotiate_request
{
    std::uint16_t security_mode = negotiate_signing_enabled;
    std::uint32_t capabilities = 0;
    guid_bytes client_guid{};
    std::vector<dialect> dialects;
    negotiate_contexts contexts; // sent only when dialects offer 3.1.1
};

struct negotiate_response
{
    std::uint16_t security_mode = 0;
    smb2::dialect dialect = dialect::smb2_0_2;
    guid_bytes server_guid{};
    std::uint32_t capabilities = 0;
    std::uint32_t max_transact_size = 0;
    std::uint32_t max_read_size = 0;
    std::uint32_t max_write_size = 0;
    std::uint64_t system_time = 0;
    std::uint64_t server_start_time = 0;
    std::span<const std::byte> security_buffer; // the server's GSS/SPNEGO hint
    negotiate_contexts contexts;                // 3.1.1 only
};

// Messages are whole (the 64-octet header first): offsets in the body are from the header's
// start, and so are error offsets.
std::vector<std::byte> encode_negotiate_request(const header& h, const negotiate_request& r);
result<negotiate_request> decode_negotiate_request(std::span<const std::byte> message);
std::vector<std::byte> encode_negotiate_response(const header& h, const negotiate_response& r);
result<negotiate_response> decode_negotiate_response(std::span<const std::byte> message);

// The negotiate context list alone (8-aligned contexts, each a type, a length and data); `base`
// is the offset of `bytes` in its message, for error offsets and the alignment.
result<negotiate_contexts> decode_negotiate_contexts(std::span<const std::byte> bytes, std::uint16_t count,
                                                     std::size_t base);

} // namespace epmdump::smb2
