#pragma once
// What a bind / alter_context exchange settled: which offered context to use for NDR 2.0 or
// NDR64, the bind-time features the server acknowledged, and the fragment sizes for each
// direction (C706 §12.6.4.3-4; results are positional, [MS-RPCE] 3.3.1.5.3).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace epmdump::dcerpc {

// One context the server accepted, with the transfer syntax it chose among those offered.
struct accepted_context
{
    std::uint16_t context_id = 0;
    syntax_id abstract_syntax{};
    syntax_id transfer_syntax{};
    friend bool operator==(const accepted_context&, const accepted_context&) = default;
};

// One context the server refused, with its p_provider_reason_t.
struct rejected_context
{
    std::uint16_t context_id = 0;
    syntax_id abstract_syntax{};
    std::uint16_t reason = 0;
    friend bool operator==(const rejected_context&, const rejected_context&) = default;
};

struct negotiation
{
    std::vector<accepted_context> contexts;     // every accepted context, in the order offered
    std::optional<std::uint16_t> ndr20_context; // p_cont_id of an accepted NDR 2.0 context
    std::optional<std::uint16_t> ndr64_context; // p_cont_id of an accepted NDR64 context
    std::optional<std::uint64_t> features;      // reason bits of a negotiate_ack result
    // First non-acceptance result (for the error message) when nothing was accepted.
    std::optional<context_result> rejection;
    std::vector<rejected_context> rejected;     // every refused context, in the order offered
    std::uint16_t max_xmit_frag = 0;            // what we may send: min(ours, the server's max_recv_frag)
    std::uint16_t max_recv_frag = 0;            // what we must accept: the max_recv_frag we offered
    std::uint16_t peer_max_xmit_frag = 0;       // what the server said it sends at most
    std::uint32_t assoc_group_id = 0;

    bool accepted() const noexcept { return ndr20_context || ndr64_context; }
    // The server accepted context `id` (with one of the transfer syntaxes offered for it).
    bool accepts(std::uint16_t id) const noexcept;
};

// The one reading of a bind_ack / alter_context_resp. Matches ack.results to offered.contexts
// by position; a context the list stops short of is not accepted (nor rejected with a reason).
// Errors: bad_value when the server returns more results than contexts offered, or accepts a
// transfer syntax that context did not offer (NDR64 where only NDR 2.0 was, or one never offered).
result<negotiation> negotiate(const bind_params& offered, const bind_ack_params& ack) noexcept;

} // namespace epmdump::dcerpc
