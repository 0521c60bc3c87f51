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
    std::string_view name;      // title: with a protocol document, that document's title as impacket
                                // prints it after "[MS-XXX]: "; otherwise the registered annotation
    std::string_view protocol;  // protocol document, e.g. "MS-DRSR", or "" when none
    std::string_view provider;  // implementing binary of THIS major version, e.g. "ntdsai.dll", or ""
};

// Exact (uuid, major) match first, then the version-agnostic (-1) entry, then any other version of
// the UUID; nullptr when unknown. A result whose major differs from the one asked for names the
// interface, but its provider belongs to another version (impacket prints N/A then).
const interface_info* find_interface(const uuid& id, std::uint16_t major) noexcept;

std::span<const interface_info> all_interfaces() noexcept;

} // namespace epmdump::names
