#pragma once
// Well-known RPC interfaces: UUID (+ major version where it matters) -> name and protocol document.
// The data lives in interface_names.inc, one entry a line.
#include <epmdump/core/uuid.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace epmdump::names {

struct interface_info
{
    uuid id;
    int major;                  // -1: any version
    std::string_view name;      // "[MS-DRSR] Directory Replication Service" style short name
    std::string_view protocol;  // protocol document, e.g. "MS-DRSR", or "" when none
    std::string_view provider;  // implementing binary, e.g. "ntdsai.dll", or ""
};

// Exact (uuid, major) match first, then a version-agnostic entry; nullptr when unknown.
const interface_info* find_interface(const uuid& id, std::uint16_t major) noexcept;

std::span<const interface_info> all_interfaces() noexcept;

} // namespace epmdump::names
