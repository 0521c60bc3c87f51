#include <epmdump/dcerpc/detail/pdu_io.hpp>
#include <epmdump/dcerpc/fault.hpp>

namespace epmdump::dcerpc {

result<fault_pdu> decode_fault(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    if (h.type != pdu_type::fault) return detail::wrong_type("PTYPE not fault");
    auto reader = detail::fragment_reader(pdu, h);
    if (!reader) return reader.error();
    auto& r = *reader;
    fault_pdu out;
    out.header = h;
    auto start = detail::read_call_body_start(r);
    if (!start) return start.error();
    out.alloc_hint = start->alloc_hint;
    out.context_id = start->context_id;
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
