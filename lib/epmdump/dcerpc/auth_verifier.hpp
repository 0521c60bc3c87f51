#pragma once
// The optional authentication verifier at the end of a PDU: padding, the 8-byte sec_trailer,
// then auth_length bytes of auth_value (C706 §13.2.6.1, [MS-RPCE] 2.2.2.11).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/common_header.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::dcerpc {

struct sec_trailer
{
    std::uint8_t auth_type = 0;       // 10 NTLMSSP, 9 SPNEGO, 16 Kerberos, ...
    std::uint8_t auth_level = 0;      // 1 none ... 6 packet privacy
    std::uint8_t auth_pad_length = 0; // padding bytes between the body and this trailer
    std::uint8_t auth_reserved = 0;
    std::uint32_t auth_context_id = 0;
    friend bool operator==(const sec_trailer&, const sec_trailer&) = default;
};

struct auth_verifier
{
    sec_trailer trailer;
    std::span<const std::byte> auth_value; // view into the PDU
};

// A PDU body split at the verifier: body is [body_start, end of body) with the auth padding
// already removed, so for request/response/fault it is exactly the stub.
struct body_parts
{
    std::span<const std::byte> body;  // view into the PDU
    std::size_t body_offset = 0;      // where body starts within the PDU
    std::optional<auth_verifier> auth;
};

// Looks only at pdu[0, h.frag_length). With auth_length == 0 the body runs to frag_length.
// Otherwise the sec_trailer sits at frag_length - auth_length - 8 and auth_pad_length bytes
// before it are padding. Errors: truncated when pdu is shorter than frag_length;
// bad_value when the verifier or the padding would overlap the fixed fields before body_start.
result<body_parts> split_body(const common_header& h, std::span<const std::byte> pdu,
                              std::size_t body_start) noexcept;

// Appends padding (to a multiple of pad_to, measured from pad_from: the PDU start by default),
// the sec_trailer and auth_value to the single PDU in pdu, then rewrites frag_length and
// auth_length. trailer.auth_pad_length is overwritten with the padding actually added. pad_to 4
// is C706's rule; request and response stubs pad to auth_pad_alignment from the stub start.
void append_auth_verifier(std::vector<std::byte>& pdu, sec_trailer trailer,
                          std::span<const std::byte> auth_value, std::size_t pad_to = 4, std::size_t pad_from = 0);

// [MS-RPCE] 2.2.2.11: a protected request or response stub is padded to a multiple of 16
// counted from the stub's start (Windows and Samba do so), so a block cipher seals whole blocks.
inline constexpr std::size_t auth_pad_alignment = 16;

// What a protected request or response carries besides its stub: the sec_trailer (its
// auth_pad_length is set per fragment) and room for signature_length octets of auth_value.
struct verifier_plan
{
    sec_trailer trailer;
    std::size_t signature_length = 0; // at least 1: auth_length 0 means "no verifier" on the wire
};

// Where one protected fragment's parts lie in the encoded bytes ([MS-RPCE] 2.2.2.11-12), so the
// security context can sign [start, body) and [trailer, signature) and seal [body, trailer).
struct protected_fragment
{
    std::size_t start = 0;     // the common header
    std::size_t body = 0;      // the stub, then auth_pad_length octets of padding
    std::size_t trailer = 0;   // the 8-octet sec_trailer
    std::size_t signature = 0; // auth_value: auth_length octets (zero until protected)
    std::size_t end = 0;       // start + frag_length
};

} // namespace epmdump::dcerpc
