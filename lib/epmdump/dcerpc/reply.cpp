#include <epmdump/dcerpc/reply.hpp>

namespace epmdump::dcerpc {

result<reply> decode_reply(const message& m) noexcept
{
    switch (m.type)
    {
    case pdu_type::bind_ack:
    case pdu_type::alter_context_resp:
        if (auto ack = decode_bind_ack(m.first, m.pdu)) return reply{std::move(*ack)};
        else return ack.error();
    case pdu_type::bind_nak:
        if (auto nak = decode_bind_nak(m.first, m.pdu)) return reply{std::move(*nak)};
        else return nak.error();
    case pdu_type::fault:
        if (auto fault = decode_fault(m.first, m.pdu)) return reply{*fault};
        else return fault.error();
    case pdu_type::response:
        return reply{response_reply{m.stub, m.first.drep, m.context_id}};
    default:
        return codec_error{codec_errc::bad_value, 2, "PTYPE: not a reply a server sends"};
    }
}

} // namespace epmdump::dcerpc
