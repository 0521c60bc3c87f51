#pragma once
// What a server answered on a connection-oriented association, decoded in one place: a
// bind_ack or alter_context_resp (C706 §12.6.4.4, §12.6.4.2), a bind_nak (§12.6.4.5), a fault
// (§12.6.4.7) or a response's joined stub (§12.6.4.10). The live session and replay both read
// replies through decode_reply; what a bind_ack settles is negotiate()'s (negotiation.hpp).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/bind_nak.hpp>
#include <epmdump/dcerpc/fault.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/ndr/drep.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

namespace epmdump::dcerpc {

// A whole response: every fragment's stub joined, in the server's data representation.
struct response_reply
{
    std::span<const std::byte> stub; // points into the message
    ndr::drep rep{};
    std::uint16_t context_id = 0;
};

// bind_ack_pdu answers both bind and alter_context: its header.type says which.
using reply = std::variant<bind_ack_pdu, bind_nak_pdu, fault_pdu, response_reply>;

// Decodes an assembled message by its PTYPE. Views (a fault's stub, a response's stub) point
// into m, which must outlive the result. Errors: those of decode_bind_ack / decode_bind_nak /
// decode_fault (offsets within the PDU), or bad_value when the PTYPE is not a reply.
result<reply> decode_reply(const message& m) noexcept;

} // namespace epmdump::dcerpc
