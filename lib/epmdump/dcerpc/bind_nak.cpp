#include <epmdump/dcerpc/bind_nak.hpp>
#include <epmdump/dcerpc/detail/pdu_io.hpp>

namespace epmdump::dcerpc {

result<bind_nak_pdu> decode_bind_nak(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    if (h.type != pdu_type::bind_nak) return detail::wrong_type("PTYPE not bind_nak");
    // bind_nak carries no verifier; auth_length is ignored as Windows and Samba send 0.
    auto reader = detail::fragment_reader(pdu, h);
    if (!reader) return reader.error();
    auto& r = *reader;

    bind_nak_pdu out;
    out.header = h;
    auto reason = r.u16();
    if (!reason) return reason.error();
    out.params.provider_reject_reason = *reason;
    if (r.at_end()) return out;

    auto n = r.u8();
    if (!n) return n.error();
    if (std::size_t{*n} * 2 > r.remaining()) return r.error(codec_errc::truncated, "p_rt_versions_supported_t");
    out.params.versions.reserve(*n);
    for (std::size_t i = 0; i < *n; ++i)
    {
        rt_version v;
        v.major = r.u8().value();
        v.minor = r.u8().value();
        out.params.versions.push_back(v);
    }
    // [MS-RPCE] 2.2.2.9: the Signature is present when frag_length leaves room for it.
    const std::size_t pad = (4 - r.position() % 4) % 4;
    if (r.remaining() >= pad + 16)
    {
        auto g = r.guid();
        if (!g) return g.error();
        out.params.signature = *g;
    }
    return out;
}

std::vector<std::byte> encode_bind_nak(std::uint32_t call_id, const bind_nak_params& p, ndr::drep rep)
{
    auto w = detail::start_pdu(pdu_type::bind_nak, pfc_single_frag, call_id, rep);
    w.u16(p.provider_reject_reason);
    w.u8(static_cast<std::uint8_t>(p.versions.size()));
    for (const auto& v : p.versions)
    {
        w.u8(v.major);
        w.u8(v.minor);
    }
    if (p.signature) w.guid(*p.signature);
    patch_lengths(w, 0);
    return w.take();
}

} // namespace epmdump::dcerpc
