#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/detail/pdu_io.hpp>
#include <epmdump/dcerpc/syntax.hpp>

namespace epmdump::dcerpc {

std::vector<presentation_context> make_contexts(const syntax_id& abstract_syntax, const context_offer& offer,
                                                std::uint16_t first_context_id)
{
    std::vector<presentation_context> out;
    auto id = first_context_id;
    out.push_back({id++, abstract_syntax, {ndr20_syntax()}});
    if (offer.ndr64) out.push_back({id++, abstract_syntax, {ndr64_syntax()}});
    if (offer.bind_time_features)
        out.push_back({id++, abstract_syntax, {bind_time_feature_syntax(*offer.bind_time_features)}});
    return out;
}

result<bind_pdu> decode_bind(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    if (h.type != pdu_type::bind && h.type != pdu_type::alter_context) return detail::wrong_type("PTYPE not bind");
    auto parts = split_body(h, pdu, common_header_size);
    if (!parts) return parts.error();
    auto r = detail::body_reader(pdu, h, parts->body_offset, parts->body_offset + parts->body.size());

    bind_pdu out;
    out.header = h;
    out.auth = parts->auth;
    auto& p = out.params;
    p.flags = h.flags;
    auto association = detail::read_association_fields(r);
    if (!association) return association.error();
    p.max_xmit_frag = association->max_xmit_frag;
    p.max_recv_frag = association->max_recv_frag;
    p.assoc_group_id = association->assoc_group_id;

    // p_cont_list_t: n_context_elem(1), reserved(1), reserved2(2), then the elements.
    auto n = r.u8();
    if (!n) return n.error();
    if (auto s = r.skip(3); !s) return s.error();
    // Each element is at least 24 bytes (n_transfer_syn may be 0): never reserve more than the
    // body can hold, and never refuse a list that does fit.
    if (std::size_t{*n} * 24 > r.remaining()) return r.error(codec_errc::truncated, "p_cont_elem_t list");
    p.contexts.reserve(*n);
    for (std::size_t i = 0; i < *n; ++i)
    {
        presentation_context c;
        auto id = r.u16();
        if (!id) return id.error();
        c.context_id = *id;
        auto n_syn = r.u8();
        if (!n_syn) return n_syn.error();
        if (auto s = r.skip(1); !s) return s.error();
        auto abstract = detail::read_syntax_id(r);
        if (!abstract) return abstract.error();
        c.abstract_syntax = *abstract;
        if (std::size_t{*n_syn} * 20 > r.remaining()) return r.error(codec_errc::truncated, "transfer_syntaxes");
        c.transfer_syntaxes.reserve(*n_syn);
        for (std::size_t j = 0; j < *n_syn; ++j)
        {
            auto t = detail::read_syntax_id(r);
            if (!t) return t.error();
            c.transfer_syntaxes.push_back(*t);
        }
        p.contexts.push_back(std::move(c));
    }
    return out;
}

namespace {
std::vector<std::byte> encode_bind_like(pdu_type type, std::uint32_t call_id, const bind_params& p, ndr::drep rep)
{
    auto w = detail::start_pdu(type, p.flags, call_id, rep);
    w.u16(p.max_xmit_frag);
    w.u16(p.max_recv_frag);
    w.u32(p.assoc_group_id);
    w.u8(static_cast<std::uint8_t>(p.contexts.size()));
    w.u8(0);
    w.u16(0);
    for (const auto& c : p.contexts)
    {
        w.u16(c.context_id);
        w.u8(static_cast<std::uint8_t>(c.transfer_syntaxes.size()));
        w.u8(0);
        detail::write_syntax_id(w, c.abstract_syntax);
        for (const auto& t : c.transfer_syntaxes) detail::write_syntax_id(w, t);
    }
    patch_lengths(w, 0);
    return w.take();
}
} // namespace

std::vector<std::byte> encode_bind(std::uint32_t call_id, const bind_params& params, ndr::drep rep)
{
    return encode_bind_like(pdu_type::bind, call_id, params, rep);
}

std::vector<std::byte> encode_alter_context(std::uint32_t call_id, const bind_params& params, ndr::drep rep)
{
    return encode_bind_like(pdu_type::alter_context, call_id, params, rep);
}

} // namespace epmdump::dcerpc
