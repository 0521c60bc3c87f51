#include <epmdump/dcerpc/detail/pdu_io.hpp>
#include <epmdump/dcerpc/fault.hpp>

namespace epmdump::dcerpc {

result<fault_pdu> decode_fault(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    if (h.type != pdu_type::fault) return detail::wrong_type("PTYPE not fault");
    if (pdu.size() < h.frag_length) return codec_error{codec_errc::truncated, pdu.size(), "frag_length beyond input"};
    auto r = detail::body_reader(pdu, h, common_header_size, h.frag_length);
    fault_pdu out;
    out.header = h;
    auto hint = r.u32();
    if (!hint) return hint.error();
    out.alloc_hint = *hint;
    auto ctx = r.u16();
    if (!ctx) return ctx.error();
    out.context_id = *ctx;
    auto cancels = r.u8();
    if (!cancels) return cancels.error();
    out.cancel_count = *cancels;
    auto flags = r.u8();
    if (!flags) return flags.error();
    out.fault_flags = *flags;
    auto status = r.u32();
    if (!status) return status.error();
    out.status = *status;
    if (auto reserved2 = r.skip(4); !reserved2) return reserved2.error();
    auto parts = split_body(h, pdu, common_header_size + 16);
    if (!parts) return parts.error();
    out.stub = parts->body;
    out.auth = parts->auth;
    return out;
}

std::vector<std::byte> encode_fault(std::uint32_t call_id, const fault_params& p, ndr::drep rep)
{
    auto w = detail::start_pdu(pdu_type::fault, p.flags, call_id, rep);
    w.u32(p.alloc_hint);
    w.u16(p.context_id);
    w.u8(p.cancel_count);
    w.u8(0);
    w.u32(p.status);
    w.u32(0);
    patch_lengths(w, 0);
    return w.take();
}

} // namespace epmdump::dcerpc
