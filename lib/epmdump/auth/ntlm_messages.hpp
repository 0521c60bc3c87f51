#pragma once
// NTLMSSP messages ([MS-NLMP] 2.2.1): NEGOTIATE and AUTHENTICATE written, CHALLENGE read.
// Sans-I/O and crypto-free: bytes in, typed values out; a bad CHALLENGE is a codec_error with
// the offset of the field that is wrong.
#include <epmdump/core/codec_error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace epmdump::auth::ntlm {

// NegotiateFlags ([MS-NLMP] 2.2.2.5), the ones a client names.
namespace negotiate_flag {
inline constexpr std::uint32_t unicode = 0x00000001;
inline constexpr std::uint32_t oem = 0x00000002;
inline constexpr std::uint32_t request_target = 0x00000004;
inline constexpr std::uint32_t sign = 0x00000010;
inline constexpr std::uint32_t seal = 0x00000020;
inline constexpr std::uint32_t ntlm = 0x00000200;
inline constexpr std::uint32_t always_sign = 0x00008000;
inline constexpr std::uint32_t extended_session_security = 0x00080000;
inline constexpr std::uint32_t target_info = 0x00800000;
inline constexpr std::uint32_t version = 0x02000000;
inline constexpr std::uint32_t key_128 = 0x20000000;
inline constexpr std::uint32_t key_exch = 0x40000000;
inline constexpr std::uint32_t key_56 = 0x80000000;
} // namespace negotiate_flag

// AV_PAIR ids ([MS-NLMP] 2.2.2.1).
enum class av_id : std::uint16_t
{
    eol = 0,
    nb_computer_name = 1,
    nb_domain_name = 2,
    dns_computer_name = 3,
    dns_domain_name = 4,
    dns_tree_name = 5,
    flags = 6,     // MsvAvFlags: 0x2 = the AUTHENTICATE carries a MIC
    timestamp = 7, // FILETIME of the server: the client must then send a MIC
    single_host = 8,
    target_name = 9,
    channel_bindings = 10,
};

inline constexpr std::uint32_t av_flag_mic_present = 0x00000002;

struct av_pair
{
    std::uint16_t id = 0; // av_id, or a value we do not know (kept and sent back as is)
    std::vector<std::byte> value;
    friend bool operator==(const av_pair&, const av_pair&) = default;
};

struct challenge_message
{
    std::uint32_t flags = 0;
    std::array<std::byte, 8> server_challenge{};
    std::vector<std::byte> target_name; // as sent (UTF-16LE with unicode)
    std::vector<av_pair> target_info;   // without the terminating MsvAvEOL
    std::optional<std::array<std::byte, 8>> version;
};

struct challenge_limits
{
    std::size_t max_message = std::size_t{64} * 1024; // a CHALLENGE is a few hundred bytes
    std::size_t max_av_pairs = 64;
};

// Reads a CHALLENGE_MESSAGE. Errors (offset from the start of `message`): bad_header for a
// wrong signature or message type, truncated, bad_value for a field or AV pair outside the
// message or a list without MsvAvEOL, limit_exceeded past `limits`.
result<challenge_message> decode_challenge(std::span<const std::byte> message,
                                           const challenge_limits& limits = {}) noexcept;

// The value of the first pair with `id`, if any.
std::optional<std::span<const std::byte>> find_av(std::span<const av_pair> pairs, av_id id) noexcept;

// The pairs, then MsvAvEOL.
std::vector<std::byte> encode_av_pairs(std::span<const av_pair> pairs);

// NEGOTIATE_MESSAGE with no domain or workstation (their fields empty), and the version when
// the flags name it.
std::vector<std::byte> encode_negotiate(std::uint32_t flags);

inline constexpr std::size_t mic_offset = 72; // in an AUTHENTICATE with a Version field
inline constexpr std::size_t mic_length = 16;

struct authenticate_message
{
    std::uint32_t flags = 0;
    std::vector<std::byte> lm_response;
    std::vector<std::byte> nt_response;
    std::vector<std::byte> domain; // UTF-16LE
    std::vector<std::byte> user;   // UTF-16LE
    std::vector<std::byte> workstation;
    std::vector<std::byte> encrypted_random_session_key;
    std::array<std::byte, 8> version{};
    std::array<std::byte, mic_length> mic{}; // zeros while the MIC is computed
};

// AUTHENTICATE_MESSAGE with Version and MIC fields (payload at offset 88).
std::vector<std::byte> encode_authenticate(const authenticate_message& m);

// UTF-8 to UTF-16LE (what the unicode flag asks for); an invalid byte becomes U+FFFD.
std::vector<std::byte> utf16le(std::string_view utf8);

// The version we send ([MS-NLMP] 2.2.2.10): 10.0, build 0, NTLMSSP revision 15.
inline constexpr std::array<std::byte, 8> client_version{std::byte{10}, std::byte{0}, std::byte{0}, std::byte{0},
                                                         std::byte{0},  std::byte{0}, std::byte{0}, std::byte{15}};

} // namespace epmdump::auth::ntlm
