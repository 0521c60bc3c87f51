#pragma once
// Endpoint mapper status codes (C706 App. N; [MS-RPCE] 2.2.1.2.4) returned in `status`.
#include <cstdint>
#include <string_view>

namespace epmdump::epm {

inline constexpr std::uint32_t rpc_s_ok = 0;
inline constexpr std::uint32_t ept_s_cant_perform_op = 0x16c9a0cd;
inline constexpr std::uint32_t ept_s_no_memory = 0x16c9a0ce;
inline constexpr std::uint32_t ept_s_database_invalid = 0x16c9a0cf;
inline constexpr std::uint32_t ept_s_cant_create = 0x16c9a0d0;
inline constexpr std::uint32_t ept_s_cant_access = 0x16c9a0d1;
inline constexpr std::uint32_t ept_s_database_already_open = 0x16c9a0d2;
inline constexpr std::uint32_t ept_s_invalid_entry = 0x16c9a0d3;
inline constexpr std::uint32_t ept_s_update_failed = 0x16c9a0d4;
inline constexpr std::uint32_t ept_s_invalid_context = 0x16c9a0d5;
// No (more) matching entries. It ends an enumeration; entries in the same response still count.
inline constexpr std::uint32_t ept_s_not_registered = 0x16c9a0d6;
inline constexpr std::uint32_t ept_s_server_unavailable = 0x16c9a0d7;

// "ept_s_not_registered", "rpc_s_ok", ...; "" for a code not in the list above.
std::string_view ept_status_name(std::uint32_t status) noexcept;

} // namespace epmdump::epm
