#pragma once
// bind and alter_context (C706 §12.6.4.3, §12.6.4.1; [MS-RPCE] 2.2.2.13 for the extra
// bind-time feature negotiation context of 3.3.1.5.3).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/common_header.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::dcerpc {

// p_cont_elem_t: one presentation context offered in bind / alter_context.
struct presentation_context
{
    std::uint16_t context_id = 0;                 // p_cont_id
    syntax_id abstract_syntax{};
    std::vector<syntax_id> transfer_syntaxes;
    friend bool operator==(const presentation_context&, const presentation_context&) = default;
};

// What a bind or alter_context carries besides the header.
struct bind_params
{
    std::uint16_t max_xmit_frag = default_max_frag;
    std::uint16_t max_recv_frag = default_max_frag;
    std::uint32_t assoc_group_id = 0;
    std::vector<presentation_context> contexts;
    std::uint8_t flags = pfc_single_frag;         // add pfc_support_header_sign etc. here
    friend bool operator==(const bind_params&, const bind_params&) = default;
};

struct bind_pdu
{
    common_header header;
    bind_params params;                           // params.flags == header.flags
    std::optional<auth_verifier> auth;
};

// Which transfer syntaxes a client offers for one abstract syntax.
struct context_offer
{
    bool ndr64 = false;                              // a second context with NDR64
    std::optional<std::uint64_t> bind_time_features; // a third context with the 6cb71c2c-... syntax
};

// Contexts numbered from first_context_id: NDR 2.0, then NDR64 and the bind-time feature
// negotiation syntax when asked for, each in its own context, as Windows clients do
// ([MS-RPCE] 3.3.1.5.3: same abstract syntax, exactly one transfer syntax each).
std::vector<presentation_context> make_contexts(const syntax_id& abstract_syntax, const context_offer& offer,
                                                std::uint16_t first_context_id = 0);

// Accepts PTYPE bind and alter_context. Errors: bad_value for another PTYPE,
// truncated when a context list runs past the body.
result<bind_pdu> decode_bind(const common_header& h, std::span<const std::byte> pdu) noexcept;

std::vector<std::byte> encode_bind(std::uint32_t call_id, const bind_params& params,
                                   ndr::drep rep = ndr::little_endian_ascii);
std::vector<std::byte> encode_alter_context(std::uint32_t call_id, const bind_params& params,
                                            ndr::drep rep = ndr::little_endian_ascii);

} // namespace epmdump::dcerpc
