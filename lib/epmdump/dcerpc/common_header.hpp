#pragma once
// The 16-byte header every connection-oriented PDU starts with (C706 §12.6.1, §12.6.3.1).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/pdu_type.hpp>
#include <epmdump/ndr/drep.hpp>
#include <epmdump/ndr/writer.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace epmdump::dcerpc {

struct common_header
{
    std::uint8_t rpc_vers = dcerpc::rpc_vers;
    std::uint8_t rpc_vers_minor = 0;
    pdu_type type = pdu_type::request;
    std::uint8_t flags = pfc_single_frag; // pfc_flags
    ndr::drep drep{};                     // packed_drep: the sender's data representation
    std::uint16_t frag_length = 0;
    std::uint16_t auth_length = 0;
    std::uint32_t call_id = 0;

    bool first_frag() const noexcept { return (flags & pfc_first_frag) != 0; }
    bool last_frag() const noexcept { return (flags & pfc_last_frag) != 0; }
    friend bool operator==(const common_header&, const common_header&) = default;
};

// Decodes the first 16 bytes. frag_length, auth_length and call_id are read in the byte order
// the PDU's own packed_drep names (C706 §12.6.2: the header is in the sender's representation).
// Errors: truncated (< 16 bytes); bad_header for rpc_vers != 5, rpc_vers_minor > 1, a drep
// nibble other than 0/1, a type that is unknown or connectionless-only, frag_length < 16.
// Bytes after the header are not looked at.
result<common_header> decode_common_header(std::span<const std::byte> pdu) noexcept;

// Writes the header in the writer's byte order; packed_drep is taken from the writer (so the
// bytes always match the encoding) and h.drep is ignored. Use patch_lengths() afterwards.
void encode_common_header(ndr::writer& w, const common_header& h);

// Sets frag_length (= w.size() - start) and auth_length of the PDU that begins at start.
void patch_lengths(ndr::writer& w, std::size_t start, std::uint16_t auth_length = 0);

} // namespace epmdump::dcerpc
