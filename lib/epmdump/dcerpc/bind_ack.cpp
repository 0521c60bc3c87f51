#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/detail/pdu_io.hpp>

namespace epmdump::dcerpc {

result<bind_ack_pdu> decode_bind_ack(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    if (h.type != pdu_type::bind_ack && h.type != pdu_type::alter_context_resp)
        return detail::wrong_type("PTYPE not bind_ack");
    auto parts = split_body(h, pdu, common_header_size);
    if (!parts) return parts.error();
    auto r = detail::body_reader(pdu, h, parts->body_offset, parts->body_offset + parts->body.size());

    bind_ack_pdu out;
    out.header = h;
    out.auth = parts->auth;
    auto& p = out.params;
    p.flags = h.flags;
    auto association = detail::read_association_fields(r);
    if (!association) return association.error();
    p.max_xmit_frag = association->max_xmit_frag;
    p.max_recv_frag = association->max_recv_frag;
    p.assoc_group_id = association->assoc_group_id;

    // port_any_t: length (incl. NUL), then the characters; then pad to 4 (C706 §12.6.4.4).
    auto length = r.u16();
    if (!length) return length.error();
    if (*length > max_secondary_address)
        return codec_error{codec_errc::limit_exceeded, r.offset() - 2, "sec_addr length"};
    auto chars = r.bytes(*length);
    if (!chars) return chars.error();
    p.secondary_address.reserve(chars->size());
    for (auto b : *chars)
    {
        const auto c = std::to_integer<std::uint8_t>(b);
        if (c == 0) break;
        p.secondary_address.push_back(h.drep.character == ndr::char_set::ebcdic ? ndr::ebcdic_to_ascii(c)
                                                                                : static_cast<char>(c));
    }
    if (auto a = r.align(4); !a) return a.error();

    // p_result_list_t: n_results(1), reserved(1), reserved2(2), then 24-byte p_result_t.
    auto n = r.u8();
    if (!n) return n.error();
    if (auto s = r.skip(3); !s) return s.error();
    if (std::size_t{*n} * 24 > r.remaining()) return r.error(codec_errc::truncated, "p_result_list_t");
    p.results.reserve(*n);
    for (std::size_t i = 0; i < *n; ++i)
    {
        context_result c;
        c.result = r.u16().value();
        c.reason = r.u16().value();
        auto t = detail::read_syntax_id(r);
        if (!t) return t.error();
        c.transfer_syntax = *t;
        p.results.push_back(c);
    }
    return out;
}

namespace {
std::vector<std::byte> encode_bind_ack_like(pdu_type type, std::uint32_t call_id, const bind_ack_params& p,
                                            ndr::drep rep)
{
    auto w = detail::start_pdu(type, p.flags, call_id, rep);
    w.u16(p.max_xmit_frag);
    w.u16(p.max_recv_frag);
    w.u32(p.assoc_group_id);
    // Windows sends length 0 and no characters when there is no secondary address.
    const auto& a = p.secondary_address;
    w.u16(static_cast<std::uint16_t>(a.empty() ? 0 : a.size() + 1));
    for (char c : a)
        w.u8(rep.character == ndr::char_set::ebcdic ? ndr::ascii_to_ebcdic(c) : static_cast<std::uint8_t>(c));
    if (!a.empty()) w.u8(0);
    w.align(4);
    w.u8(static_cast<std::uint8_t>(p.results.size()));
    w.u8(0);
    w.u16(0);
    for (const auto& c : p.results)
    {
        w.u16(c.result);
        w.u16(c.reason);
        detail::write_syntax_id(w, c.transfer_syntax);
    }
    patch_lengths(w, 0);
    return w.take();
}
} // namespace

std::vector<std::byte> encode_bind_ack(std::uint32_t call_id, const bind_ack_params& params, ndr::drep rep)
{
    return encode_bind_ack_like(pdu_type::bind_ack, call_id, params, rep);
}

std::vector<std::byte> encode_alter_context_resp(std::uint32_t call_id, const bind_ack_params& params,
                                                 ndr::drep rep)
{
    return encode_bind_ack_like(pdu_type::alter_context_resp, call_id, params, rep);
}

} // namespace epmdump::dcerpc
