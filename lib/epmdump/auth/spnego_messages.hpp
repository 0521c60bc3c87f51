#pragma once
// SPNEGO tokens (RFC 4178 4.2, [MS-SPNG] 2.2) in DER: the negTokenInit we send (inside the GSS
// InitialContextToken of RFC 2743 3.1), the negTokenResp both sides send, and the MechTypeList the
// mechListMIC covers. Sans-I/O, crypto-free: bytes in, typed values out. Only the fields SPNEGO
// names are read; a bad token is a codec_error with the offset of the element that is wrong.
#include <epmdump/core/codec_error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::auth::spnego {

// OIDs as their DER content octets (no tag, no length).
inline constexpr std::byte spnego_oid[] = {std::byte{0x2b}, std::byte{0x06}, std::byte{0x01}, std::byte{0x05},
                                           std::byte{0x05}, std::byte{0x02}}; // 1.3.6.1.5.5.2
inline constexpr std::byte ntlmssp_oid[] = {std::byte{0x2b}, std::byte{0x06}, std::byte{0x01}, std::byte{0x04},
                                            std::byte{0x01}, std::byte{0x82}, std::byte{0x37}, std::byte{0x02},
                                            std::byte{0x02}, std::byte{0x0a}}; // 1.3.6.1.4.1.311.2.2.10

enum class neg_state : std::uint8_t
{
    accept_completed = 0,
    accept_incomplete = 1,
    reject = 2,
    request_mic = 3,
};

struct neg_token_resp
{
    std::optional<neg_state> state;
    std::optional<std::vector<std::byte>> supported_mech; // OID content octets
    std::optional<std::vector<std::byte>> response_token;
    std::optional<std::vector<std::byte>> mech_list_mic;
    friend bool operator==(const neg_token_resp&, const neg_token_resp&) = default;
};

inline constexpr std::size_t max_token = std::size_t{64} * 1024; // an auth_value is at most a fragment

// MechTypeList: SEQUENCE OF MechType (each an OID's content octets). Its DER bytes are what
// the mechListMIC signs (RFC 4178 4.2.1).
std::vector<std::byte> encode_mech_type_list(std::span<const std::span<const std::byte>> mechs);

// InitialContextToken [APPLICATION 0] { spnego OID, negTokenInit [0] { mechTypes [0] (the
// encoded list), mechToken [2] } }.
std::vector<std::byte> encode_neg_token_init(std::span<const std::byte> mech_type_list,
                                             std::span<const std::byte> mech_token);

// negTokenResp [1] { negState [0], supportedMech [1], responseToken [2], mechListMIC [3] }, each
// written when present.
std::vector<std::byte> encode_neg_token_resp(const neg_token_resp& r);

// A negTokenResp as a server sends it (alone, or inside a NegotiationToken choice [1]). Errors:
// bad_header when it is not a negTokenResp, truncated, bad_value for a wrong tag, a negState
// outside the four or a length that is not DER, limit_exceeded past max_token, trailing_bytes
// after it.
result<neg_token_resp> decode_neg_token_resp(std::span<const std::byte> token) noexcept;

} // namespace epmdump::auth::spnego
