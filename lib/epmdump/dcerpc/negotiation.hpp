#pragma once
// What a bind / alter_context exchange settled: which offered context to use for NDR 2.0 or
// NDR64, the bind-time features the server acknowledged, and the fragment sizes for each
// direction (C706 §12.6.4.3-4; results are positional, [MS-RPCE] 3.3.1.5.3).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>

#include <cstdint>
#include <optional>

namespace epmdump::dcerpc {

struct negotiation
{
    std::optional<std::uint16_t> ndr20_context; // p_cont_id of an accepted NDR 2.0 context
    std::optional<std::uint16_t> ndr64_context; // p_cont_id of an accepted NDR64 context
    std::optional<std::uint64_t> features;      // reason bits of a negotiate_ack result
    // First non-acceptance result (for the error message) when nothing was accepted.
    std::optional<context_result> rejection;
    std::uint16_t max_xmit_frag = 0;            // what we may send: min(ours, the server's max_recv_frag)
    std::uint16_t max_recv_frag = 0;            // what we must accept: the max_recv_frag we offered
    std::uint32_t assoc_group_id = 0;

    bool accepted() const noexcept { return ndr20_context || ndr64_context; }
};

// Matches ack.results to offered.contexts by position. Errors: bad_value when the server
// returns a different number of results than contexts offered, or accepts a transfer
// syntax that context did not offer.
result<negotiation> negotiate(const bind_params& offered, const bind_ack_params& ack) noexcept;

} // namespace epmdump::dcerpc
