#pragma once
// One-line texts for the server's words in failures: "nca_s_unk_if (0x1c010003)".
#include <epmdump/core/hex.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace epmdump::client {

using epmdump::hex32;                                    // "0x16c9a0d6"
std::string fault_status_text(std::uint32_t status);     // fault PDU status (nca_s_*, Win32)
std::string ept_status_text(std::uint32_t status);       // ept_lookup / ept_map status
std::string bind_nak_reason_text(std::uint16_t reason);  // p_reject_reason_t
std::string provider_reason_text(std::uint16_t reason);  // p_provider_reason_t
// Untrusted bytes for a message: printable ASCII kept, the rest as '.', at most 32 chars.
std::string printable_excerpt(std::string_view bytes);

} // namespace epmdump::client
