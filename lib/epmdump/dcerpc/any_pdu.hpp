#pragma once
// Decodes any connection-oriented PDU by its PTYPE (for replay, logging and fuzzing).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/bind_nak.hpp>
#include <epmdump/dcerpc/control_pdu.hpp>
#include <epmdump/dcerpc/fault.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>

#include <cstddef>
#include <span>
#include <variant>

namespace epmdump::dcerpc {

// rts ([MS-RPCH]) is framed but its body is not decoded here: it comes back as a control_pdu.
using any_pdu = std::variant<request_pdu, response_pdu, fault_pdu, bind_pdu, bind_ack_pdu, bind_nak_pdu, control_pdu>;

// Header then body; bytes after frag_length are ignored.
result<any_pdu> decode_pdu(std::span<const std::byte> pdu) noexcept;

} // namespace epmdump::dcerpc
