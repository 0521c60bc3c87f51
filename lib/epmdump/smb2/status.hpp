#pragma once
// NTSTATUS values an SMB2 named-pipe client meets ([MS-ERREF] 2.3.1), with their names.
#include <cstdint>
#include <string_view>

namespace epmdump::smb2 {

namespace status {
#define EPMDUMP_SMB2_STATUS(name, value) inline constexpr std::uint32_t name = value;
#include <epmdump/smb2/status_names.inc>
#undef EPMDUMP_SMB2_STATUS
} // namespace status

// "STATUS_ACCESS_DENIED", ...; empty for a value we do not name.
std::string_view status_name(std::uint32_t value) noexcept;

// The NTSTATUS severity bits say error (0xC...) ; warnings (0x8...) like BUFFER_OVERFLOW carry data.
inline constexpr bool is_error(std::uint32_t value) noexcept { return (value >> 30) == 3; }

} // namespace epmdump::smb2
