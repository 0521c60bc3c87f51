#include <epmdump/dcerpc/any_pdu.hpp>

namespace epmdump::dcerpc {

namespace {
template <class T>
result<any_pdu> wrap(result<T>&& r) noexcept
{
    if (!r) return r.error();
    return any_pdu{std::move(*r)};
}
} // namespace

result<any_pdu> decode_pdu(std::span<const std::byte> pdu) noexcept
{
    auto h = decode_common_header(pdu);
    if (!h) return h.error();
    switch (h->type)
    {
    case pdu_type::request: return wrap(decode_request(*h, pdu));
    case pdu_type::response: return wrap(decode_response(*h, pdu));
    case pdu_type::fault: return wrap(decode_fault(*h, pdu));
    case pdu_type::bind:
    case pdu_type::alter_context: return wrap(decode_bind(*h, pdu));
    case pdu_type::bind_ack:
    case pdu_type::alter_context_resp: return wrap(decode_bind_ack(*h, pdu));
    case pdu_type::bind_nak: return wrap(decode_bind_nak(*h, pdu));
    case pdu_type::rts:
        if (pdu.size() < h->frag_length) return codec_error{codec_errc::truncated, pdu.size(), "frag_length beyond input"};
        return any_pdu{control_pdu{*h, std::nullopt}};
    default: return wrap(decode_control(*h, pdu));
    }
}

} // namespace epmdump::dcerpc
