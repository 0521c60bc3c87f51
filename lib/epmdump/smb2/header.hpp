#pragma once
// The 64-octet SMB2 packet header, sync and async forms ([MS-SMB2] 2.2.1.1, 2.2.1.2), and the
// walk over a compounded chain of messages (NextCommand, [MS-SMB2] 3.2.4.1.4 / 3.3.5.2.7).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/constants.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace epmdump::smb2 {

using signature_bytes = std::array<std::byte, 16>;

struct header
{
    std::uint16_t credit_charge = 0;
    std::uint32_t status = 0;               // responses; ChannelSequence/Reserved in requests
    smb2::command command = command::negotiate;
    std::uint16_t credits = 0;              // CreditRequest (request) / CreditResponse (response)
    std::uint32_t flags = 0;                // flags_*
    std::uint32_t next_command = 0;         // offset of the next compounded message, 0 = last
    std::uint64_t message_id = 0;
    std::uint64_t async_id = 0;             // async form (flags_async_command)
    std::uint32_t process_id = 0;           // sync form: Reserved (0xFEFF on Windows)
    std::uint32_t tree_id = 0;              // sync form
    std::uint64_t session_id = 0;
    signature_bytes signature{};

    bool is_response() const noexcept { return (flags & flags_server_to_redir) != 0; }
    bool is_async() const noexcept { return (flags & flags_async_command) != 0; }
    bool is_signed() const noexcept { return (flags & flags_signed) != 0; }
};

// The header at the start of `message` (StructureSize 64, ProtocolId 0xFE 'SMB').
result<header> decode_header(std::span<const std::byte> message) noexcept;
// Writes the 64 octets of h at the end of out.
void append_header(std::vector<std::byte>& out, const header& h);
// Offset of the Signature field in the header, for signing in place.
inline constexpr std::size_t signature_offset = 48;

// One message of a compound chain: its header and its octets (header included; the last one
// runs to the end of the frame, the others to their NextCommand).
struct compound_part
{
    smb2::header header;
    std::span<const std::byte> bytes;
    std::size_t offset = 0; // from the start of the frame
};

// Splits one transport frame into its messages. Each NextCommand must be a multiple of 8, at
// least a header long and inside the frame; at most max_compound_messages.
result<std::vector<compound_part>> split_compound(std::span<const std::byte> frame);

} // namespace epmdump::smb2
