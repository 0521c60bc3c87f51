#include <epmdump/names/interface_names.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

namespace epmdump::names {

namespace {

#define EPMDUMP_IF(UUID, MAJOR, NAME, PROTOCOL, PROVIDER) interface_info{uuid_literal(UUID), MAJOR, NAME, PROTOCOL, PROVIDER},
constexpr interface_info table[] = {
#include "interface_names.inc"
};
#undef EPMDUMP_IF

constexpr bool uuid_less(const uuid& a, const uuid& b)
{
    for (std::size_t i = 0; i < 16; ++i)
        if (a.data[i] != b.data[i]) return a.data[i] < b.data[i];
    return false;
}

// Table positions ordered by UUID, then by position: a binary search finds an interface's lines
// in table order (a linear scan of ~900 lines per lookup was 8% of a JSON replay in perf).
constexpr auto by_uuid = [] {
    std::array<std::uint16_t, std::size(table)> index{};
    for (std::size_t i = 0; i < index.size(); ++i) index[i] = static_cast<std::uint16_t>(i);
    std::sort(index.begin(), index.end(), [](std::uint16_t a, std::uint16_t b) {
        if (uuid_less(table[a].id, table[b].id)) return true;
        if (uuid_less(table[b].id, table[a].id)) return false;
        return a < b;
    });
    return index;
}();
static_assert(std::size(table) <= 65535, "positions are 16-bit");

} // namespace

const interface_info* find_interface(const uuid& id, std::uint16_t major) noexcept
{
    const interface_info* any_version = nullptr;   // a -1 line: name and protocol, no binary
    const interface_info* other_version = nullptr; // better than nothing for a name
    auto it = std::lower_bound(by_uuid.begin(), by_uuid.end(), id,
                               [](std::uint16_t i, const uuid& u) { return uuid_less(table[i].id, u); });
    for (; it != by_uuid.end() && table[*it].id == id; ++it)
    {
        const interface_info& info = table[*it];
        if (info.major == major) return &info;
        if (info.major < 0 && !any_version) any_version = &info;
        if (!other_version) other_version = &info;
    }
    return any_version ? any_version : other_version;
}

std::span<const interface_info> all_interfaces() noexcept { return table; }

} // namespace epmdump::names
