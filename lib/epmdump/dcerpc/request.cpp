#include <epmdump/dcerpc/detail/fragmenter.hpp>
#include <epmdump/dcerpc/detail/pdu_io.hpp>
#include <epmdump/dcerpc/request.hpp>

namespace epmdump::dcerpc {

result<request_pdu> decode_request(const common_header& h, std::span<const std::byte> pdu) noexcept
{
    if (h.type != pdu_type::request) return detail::wrong_type("PTYPE not request");
    const bool has_object = (h.flags & pfc_object_uuid) != 0;
    const std::size_t body_start = common_header_size + 8 + (has_object ? 16 : 0);
    auto reader = detail::fragment_reader(pdu, h);
    if (!reader) return reader.error();
    auto& r = *reader;
    request_pdu out;
    out.header = h;
    auto start = detail::read_call_body_start(r);
    if (!start) return start.error();
    out.alloc_hint = start->alloc_hint;
    out.context_id = start->context_id;
    auto op = r.u16();
    if (!op) return op.error();
    out.opnum = *op;
    if (has_object)
    {
        auto object = r.guid();
        if (!object) return object.error();
        out.object = *object;
    }
    auto parts = split_body(h, pdu, body_start);
    if (!parts) return parts.error();
    out.stub = parts->body;
    out.auth = parts->auth;
    return out;
}

std::vector<std::byte> encode_request(std::uint32_t call_id, const request_params& p, std::span<const std::byte> stub,
                                      ndr::drep rep)
{
    std::vector<std::byte> out;
    const std::size_t header = common_header_size + 8 + (p.object ? 16 : 0);
    const std::uint8_t extra = p.object ? pfc_object_uuid : 0;
    detail::for_each_fragment(stub, header, p.max_xmit_frag,
                              [&](std::uint8_t flags, std::uint32_t alloc_hint, std::span<const std::byte> chunk) {
                                  auto w = detail::start_pdu(pdu_type::request, flags | extra, call_id, rep);
                                  w.u32(alloc_hint);
                                  w.u16(p.context_id);
                                  w.u16(p.opnum);
                                  if (p.object) w.guid(*p.object);
                                  w.bytes(chunk);
                                  patch_lengths(w, 0);
                                  if (out.empty())
                                      out = w.take();
                                  else
                                      out.insert(out.end(), w.buffer().begin(), w.buffer().end());
                              });
    return out;
}

std::vector<std::byte> encode_request(std::uint32_t call_id, const request_params& p, std::span<const std::byte> stub,
                                      const verifier_plan& plan, std::vector<protected_fragment>& layout, ndr::drep rep)
{
    const std::size_t header = common_header_size + 8 + (p.object ? 16 : 0);
    const std::uint8_t extra = p.object ? pfc_object_uuid : 0;
    return detail::protected_fragments(stub, header, p.max_xmit_frag, plan, layout,
                                       [&](std::uint8_t flags, std::uint32_t alloc_hint) {
                                           auto w = detail::start_pdu(pdu_type::request, flags | extra, call_id, rep);
                                           w.u32(alloc_hint);
                                           w.u16(p.context_id);
                                           w.u16(p.opnum);
                                           if (p.object) w.guid(*p.object);
                                           return w;
                                       });
}

std::vector<std::byte> encode_request(std::uint32_t call_id, std::uint16_t context_id, std::uint16_t opnum,
                                      std::span<const std::byte> stub, std::optional<uuid> object,
                                      std::uint16_t max_xmit_frag, ndr::drep rep)
{
    return encode_request(call_id, request_params{context_id, opnum, object, max_xmit_frag}, stub, rep);
}

} // namespace epmdump::dcerpc
