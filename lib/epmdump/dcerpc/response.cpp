#include <epmdump/dcerpc/detail/fragmenter.hpp>
#include <epmdump/dcerpc/detail/pdu_io.hpp>
#include <epmdump/dcerpc/response.hpp>

namespace epmdump::dcerpc {

result<response_pdu> decode_response(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    if (h.type != pdu_type::response) return detail::wrong_type("PTYPE not response");
    auto reader = detail::fragment_reader(pdu, h);
    if (!reader) return reader.error();
    auto& r = *reader;
    response_pdu out;
    out.header = h;
    auto start = detail::read_call_body_start(r);
    if (!start) return start.error();
    out.alloc_hint = start->alloc_hint;
    out.context_id = start->context_id;
    auto cancels = r.u8();
    if (!cancels) return cancels.error();
    out.cancel_count = *cancels;
    if (auto s = r.skip(1); !s) return s.error();
    auto parts = split_body(h, pdu, common_header_size + 8);
    if (!parts) return parts.error();
    out.stub = parts->body;
    out.auth = parts->auth;
    return out;
}

std::vector<std::byte> encode_response(std::uint32_t call_id, const response_params& p, std::span<const std::byte> stub,
                                       ndr::drep rep)
{
    std::vector<std::byte> out;
    detail::for_each_fragment(stub, common_header_size + 8, p.max_xmit_frag,
                              [&](std::uint8_t flags, std::uint32_t alloc_hint, std::span<const std::byte> chunk) {
                                  auto w = detail::start_pdu(pdu_type::response, flags, call_id, rep);
                                  w.u32(alloc_hint);
                                  w.u16(p.context_id);
                                  w.u8(p.cancel_count);
                                  w.u8(0);
                                  w.bytes(chunk);
                                  patch_lengths(w, 0);
                                  if (out.empty())
                                      out = w.take();
                                  else
                                      out.insert(out.end(), w.buffer().begin(), w.buffer().end());
                              });
    return out;
}

std::vector<std::byte> encode_response(std::uint32_t call_id, const response_params& p, std::span<const std::byte> stub,
                                       const verifier_plan& plan, std::vector<protected_fragment>& layout, ndr::drep rep)
{
    return detail::protected_fragments(stub, common_header_size + 8, p.max_xmit_frag, plan, layout,
                                       [&](std::uint8_t flags, std::uint32_t alloc_hint) {
                                           auto w = detail::start_pdu(pdu_type::response, flags, call_id, rep);
                                           w.u32(alloc_hint);
                                           w.u16(p.context_id);
                                           w.u8(p.cancel_count);
                                           w.u8(0);
                                           return w;
                                       });
}

} // namespace epmdump::dcerpc
