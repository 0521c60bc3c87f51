#pragma once
// Internal to the epm codec: NDR pieces ept_lookup and ept_map share.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/ndr/reader.hpp>
#include <epmdump/ndr/writer.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace epmdump::epm::detail {

// Header of a top-level conformant-varying array: max_count, offset, actual_count
// (u32 each in NDR 2.0, u64 in NDR64). Checks offset == 0 and actual_count <= max_count.
struct varying_array
{
    std::uint64_t max_count = 0;
    std::uint64_t actual_count = 0;
};
result<varying_array> read_varying_array(ndr::reader& in) noexcept;
void write_varying_array(ndr::writer& out, std::uint64_t max_count, std::uint64_t actual_count);

// twr_t (C706 App. O; [MS-RPCE] 2.2.1.2.4) as a pointee: conformant struct = max_count,
// tower_length (u32), tower_octet_string[tower_length].
result<std::span<const std::byte>> read_twr(ndr::reader& in, const decode_limits& limits) noexcept;
void write_twr(ndr::writer& out, std::span<const std::byte> tower_octets);

// Reads the deferred towers for `referents` (one per element, 0 = NULL) in order; a repeated
// referent id (full pointer) reuses the tower already read. Result index = element index.
// limit_exceeded when repeats would copy more tower bytes than the stub holds.
result<std::vector<std::span<const std::byte>>> read_towers(ndr::reader& in, std::span<const std::uint64_t> referents,
                                                             const decode_limits& limits);
// The same into `towers` (referents.size() of them), without allocating.
result<void> read_towers(ndr::reader& in, std::span<const std::uint64_t> referents, const decode_limits& limits,
                         std::span<std::span<const std::byte>> towers) noexcept;

// Fills interface, transfer syntax, binding and tower octets of `entry` from a tower that
// sits at `stub_offset` in the stub (errors are reported at stub offsets).
result<void> fill_from_tower(endpoint_entry& entry, std::span<const std::byte> tower, std::size_t stub_offset,
                             const decode_limits& limits);

// Struct alignment of an element holding a pointer: 4 in NDR 2.0, 8 in NDR64.
inline std::size_t pointer_alignment(ndr::transfer_syntax s) noexcept { return s == ndr::transfer_syntax::ndr64 ? 8 : 4; }

} // namespace epmdump::epm::detail
