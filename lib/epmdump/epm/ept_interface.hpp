#pragma once
// The endpoint mapper interface (C706 App. O; [MS-RPCE] 2.2.1.2): identity and operation numbers.
#include <epmdump/epm/endpoint.hpp>

#include <cstddef>
#include <cstdint>

namespace epmdump::epm {

// e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0
syntax_id ept_interface() noexcept;

inline constexpr std::uint16_t opnum_ept_insert = 0;
inline constexpr std::uint16_t opnum_ept_delete = 1;
inline constexpr std::uint16_t opnum_ept_lookup = 2;
inline constexpr std::uint16_t opnum_ept_map = 3;
inline constexpr std::uint16_t opnum_ept_lookup_handle_free = 4;
inline constexpr std::uint16_t opnum_ept_inq_object = 5;
inline constexpr std::uint16_t opnum_ept_mgmt_delete = 6;

// [in, range(0,500)] unsigned long max_ents ([MS-RPCE] 2.2.1.2.4)
inline constexpr std::uint32_t ept_max_ents = 500;
// ept_max_annotation_size (C706 App. O): the annotation including its NUL
inline constexpr std::size_t ept_max_annotation_size = 64;

// Limits the decoders enforce on what a server sends.
struct decode_limits
{
    std::size_t max_entries = 1024;      // entries (ept_lookup) or towers (ept_map) per response
    std::size_t max_annotation = ept_max_annotation_size;
    std::size_t max_tower_length = 4096; // one tower_octet_string
    // false: an entry whose tower does not decode is kept (raw octets, empty binding) instead of
    // failing the whole response.
    bool strict_towers = true;
};

} // namespace epmdump::epm
