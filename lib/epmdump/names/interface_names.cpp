#include <epmdump/names/interface_names.hpp>

#include <array>
#include <optional>

namespace epmdump::names {

namespace {

// Compile-time UUID from its text form, so the data file stays readable.
constexpr int hex(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }
constexpr uuid make_uuid(const char (&s)[37])
{
    uuid u{};
    int out = 0;
    for (int i = 0; i < 36;)
    {
        if (s[i] == '-')
        {
            ++i;
            continue;
        }
        u.data[out++] = static_cast<std::uint8_t>(hex(s[i]) * 16 + hex(s[i + 1]));
        i += 2;
    }
    return u;
}

#define EPMDUMP_IF(UUID, MAJOR, NAME, PROTOCOL, PROVIDER) interface_info{make_uuid(UUID), MAJOR, NAME, PROTOCOL, PROVIDER},
constexpr interface_info table[] = {
#include "interface_names.inc"
};
#undef EPMDUMP_IF

} // namespace

const interface_info* find_interface(const uuid& id, std::uint16_t major) noexcept
{
    const interface_info* any_version = nullptr;   // a -1 line: name and protocol, no binary
    const interface_info* other_version = nullptr; // better than nothing for a name
    for (const auto& info : table)
    {
        if (info.id != id) continue;
        if (info.major == major) return &info;
        if (info.major < 0 && !any_version) any_version = &info;
        if (!other_version) other_version = &info;
    }
    return any_version ? any_version : other_version;
}

std::span<const interface_info> all_interfaces() noexcept { return table; }

} // namespace epmdump::names
