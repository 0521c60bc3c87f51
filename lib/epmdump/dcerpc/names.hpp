#pragma once
// Names for the numbers a PDU carries, for logs, text output and JSON. Each table is a data
// file of one EPMDUMP_NAME(value, "name") line per entry. Unknown values give "".
#include <epmdump/dcerpc/pdu_type.hpp>

#include <cstdint>
#include <string_view>

namespace epmdump::dcerpc {

std::string_view pdu_type_name(pdu_type t) noexcept;          // "bind_ack"
// fault/reject status and EPM status: nca_* (C706 App. E), ept_s_*/rpc_s_* (DCE
// 0x16c9a0xx), Win32 codes Windows servers put in faults (5, 0x6d9 EPT_S_NOT_REGISTERED, ...).
std::string_view status_name(std::uint32_t status) noexcept;
std::string_view bind_nak_reason_name(std::uint16_t reason) noexcept;   // p_reject_reason_t
std::string_view provider_reason_name(std::uint16_t reason) noexcept;   // p_provider_reason_t
std::string_view context_result_name(std::uint16_t result) noexcept;    // p_cont_def_result_t

} // namespace epmdump::dcerpc
