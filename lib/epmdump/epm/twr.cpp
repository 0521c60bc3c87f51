#include <epmdump/epm/tower.hpp>
#include <epmdump/epm/twr.hpp>

#include <algorithm>

namespace epmdump::epm::detail {

result<varying_array> read_varying_array(ndr::reader& in) noexcept
{
    varying_array a;
    auto max_count = in.count();
    if (!max_count) return max_count.error();
    const std::size_t offset_at = in.offset();
    auto offset = in.count();
    if (!offset) return offset.error();
    if (*offset != 0) return codec_error{codec_errc::bad_value, offset_at, "array offset"};
    const std::size_t actual_at = in.offset();
    auto actual = in.count();
    if (!actual) return actual.error();
    if (*actual > *max_count) return codec_error{codec_errc::bad_value, actual_at, "actual_count above max_count"};
    a.max_count = *max_count;
    a.actual_count = *actual;
    return a;
}

void write_varying_array(ndr::writer& out, std::uint64_t max_count, std::uint64_t actual_count)
{
    out.count(max_count);
    out.count(0);
    out.count(actual_count);
}

result<std::span<const std::byte>> read_twr(ndr::reader& in, const decode_limits& limits) noexcept
{
    const std::size_t at = in.offset();
    const std::size_t n = in.count_size();
    std::uint64_t max_count = 0;
    std::uint32_t length = 0;
    // max_count and tower_length are contiguous once aligned to the count's size: one check.
    if (const auto b = in.block(n, n + 4))
    {
        max_count = in.count_at(*b, 0);
        length = in.load_at<std::uint32_t>(*b, n);
    }
    else
    {
        auto m = in.count();
        if (!m) return m.error();
        auto l = in.u32();
        if (!l) return l.error();
        max_count = *m;
        length = *l;
    }
    const std::size_t length_at = in.offset() - 4;
    if (length > max_count) return codec_error{codec_errc::bad_value, length_at, "tower_length above max_count"};
    if (length > limits.max_tower_length) return codec_error{codec_errc::limit_exceeded, at, "tower_length"};
    return in.bytes(length);
}

void write_twr(ndr::writer& out, std::span<const std::byte> tower_octets)
{
    out.count(tower_octets.size());
    out.u32(static_cast<std::uint32_t>(tower_octets.size()));
    out.bytes(tower_octets);
}

result<void> read_towers(ndr::reader& in, std::span<const std::uint64_t> referents, const decode_limits& limits,
                         std::span<std::span<const std::byte>> towers) noexcept
{
    std::uint64_t highest = 0; // servers number referents upwards: a higher one is new, no search
    // Each entry gets its own copy of its tower: a repeated id costs its tower's size again.
    // Repeats may add no more than the stub's own size, or 1024 entries naming one 4 KB tower
    // turn a 37 KB stub into 12 MB of heap.
    const std::size_t shared_budget = in.position() + in.remaining();
    std::size_t shared = 0;
    for (std::size_t i = 0; i < referents.size(); ++i)
    {
        towers[i] = {};
        if (referents[i] == 0) continue;
        // [ptr] is a full pointer: an id seen before points at the tower already sent.
        const auto* first = referents[i] > highest ? referents.data() + i
                                                   : std::find(referents.data(), referents.data() + i, referents[i]);
        highest = std::max(highest, referents[i]);
        if (first != referents.data() + i)
        {
            towers[i] = towers[static_cast<std::size_t>(first - referents.data())];
            shared += towers[i].size();
            if (shared > shared_budget)
                return codec_error{codec_errc::limit_exceeded, in.offset(), "towers repeated beyond the stub's size"};
            continue;
        }
        auto tower = read_twr(in, limits);
        if (!tower) return tower.error();
        towers[i] = *tower;
    }
    return {};
}

result<std::vector<std::span<const std::byte>>> read_towers(ndr::reader& in, std::span<const std::uint64_t> referents,
                                                             const decode_limits& limits)
{
    std::vector<std::span<const std::byte>> towers(referents.size());
    if (auto r = read_towers(in, referents, limits, towers); !r) return r.error();
    return towers;
}

result<void> fill_from_tower(endpoint_entry& entry, std::span<const std::byte> tower, std::size_t stub_offset,
                             const decode_limits& limits)
{
    entry.tower.assign(tower.begin(), tower.end());
    if (tower.empty() && !limits.strict_towers) return {};
    auto decoded = decode_tower(tower);
    if (!decoded)
    {
        if (!limits.strict_towers) return {};
        auto e = decoded.error();
        e.offset += stub_offset;
        return e;
    }
    entry.interface = decoded->interface;
    entry.transfer_syntax = decoded->transfer_syntax;
    entry.where = std::move(decoded->where);
    return {};
}

} // namespace epmdump::epm::detail
