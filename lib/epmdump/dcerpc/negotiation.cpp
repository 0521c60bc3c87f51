#include <epmdump/dcerpc/negotiation.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include <algorithm>

namespace epmdump::dcerpc {

result<negotiation> negotiate(const bind_params& offered, const bind_ack_params& ack) noexcept
{
    if (ack.results.size() > offered.contexts.size())
        return codec_error{codec_errc::bad_value, 0, "p_result_list: more results than contexts offered"};
    negotiation out;
    out.max_xmit_frag = std::min(offered.max_xmit_frag, ack.max_recv_frag);
    out.max_recv_frag = offered.max_recv_frag;
    out.peer_max_xmit_frag = ack.max_xmit_frag;
    out.assoc_group_id = ack.assoc_group_id;
    for (std::size_t i = 0; i < ack.results.size(); ++i)
    {
        const auto& r = ack.results[i];
        const auto& c = offered.contexts[i];
        if (r.result == result_negotiate_ack)
        {
            out.features = r.reason;
            continue;
        }
        if (!r.accepted())
        {
            if (!out.rejection) out.rejection = r;
            out.rejected.push_back(rejected_context{c.context_id, c.abstract_syntax, r.reason});
            continue;
        }
        if (std::find(c.transfer_syntaxes.begin(), c.transfer_syntaxes.end(), r.transfer_syntax) ==
            c.transfer_syntaxes.end())
            return codec_error{codec_errc::bad_value, 0, "accepted transfer syntax was not offered"};
        out.contexts.push_back(accepted_context{c.context_id, c.abstract_syntax, r.transfer_syntax});
        if (r.transfer_syntax == ndr20_syntax() && !out.ndr20_context) out.ndr20_context = c.context_id;
        if (r.transfer_syntax == ndr64_syntax() && !out.ndr64_context) out.ndr64_context = c.context_id;
    }
    return out;
}

bool negotiation::accepts(std::uint16_t id) const noexcept
{
    return std::any_of(contexts.begin(), contexts.end(), [id](const accepted_context& c) { return c.context_id == id; });
}

} // namespace epmdump::dcerpc
