#include <epmdump/exchange/catalog.hpp>
#include <epmdump/exchange/detail/text.hpp>

#include <algorithm>

namespace epmdump::exchange {

namespace {

constexpr version_mask E55 = bit(exchange_version::e55);
constexpr version_mask E2000 = bit(exchange_version::e2000);
constexpr version_mask E2007 = bit(exchange_version::e2007);
constexpr version_mask E2010 = bit(exchange_version::e2010);

constexpr value_type type_of(std::string_view name) { return name == "string" ? value_type::string : value_type::dword; }

#define EPMDUMP_EXCHANGE_IF(...)
#define EPMDUMP_EXCHANGE_PORT(...)
#define EPMDUMP_EXCHANGE_SERVICE(ID, DISPLAY, WINSVC, PROCESS, SEPARATOR, ROLE) \
    service_info{ID, DISPLAY, WINSVC, PROCESS, SEPARATOR, ROLE},
constexpr service_info services[] = {
#include "catalog.inc"
};
#undef EPMDUMP_EXCHANGE_SERVICE
#define EPMDUMP_EXCHANGE_SERVICE(...)

#undef EPMDUMP_EXCHANGE_IF
#define EPMDUMP_EXCHANGE_IF(UUID, MAJOR, MINOR, ANNOTATION, LABEL, SERVICE, GROUP, VERSIONS, REQUIRED, EVIDENCE) \
    interface_info{uuid_literal(UUID), MAJOR, MINOR, ANNOTATION, LABEL, SERVICE, GROUP,                           \
                   static_cast<version_mask>(VERSIONS), static_cast<version_mask>(REQUIRED), EVIDENCE},
constexpr interface_info interfaces[] = {
#include "catalog.inc"
};
#undef EPMDUMP_EXCHANGE_IF
#define EPMDUMP_EXCHANGE_IF(...)

#undef EPMDUMP_EXCHANGE_PORT
#define EPMDUMP_EXCHANGE_PORT(ID, ALIASES, KEY, VALUE, TYPE, VERSIONS, GROUP, LOW, HIGH, ZERO_DYNAMIC) \
    port_setting{ID, ALIASES, KEY, VALUE, type_of(TYPE), static_cast<version_mask>(VERSIONS), GROUP, LOW, HIGH, ZERO_DYNAMIC},
constexpr port_setting port_settings[] = {
#include "catalog.inc"
};
#undef EPMDUMP_EXCHANGE_PORT
#undef EPMDUMP_EXCHANGE_IF
#undef EPMDUMP_EXCHANGE_SERVICE

using detail::iequals;

} // namespace

std::string_view to_string(exchange_version v) noexcept
{
    switch (v)
    {
    case exchange_version::e55: return "5.5";
    case exchange_version::e2000: return "2000/2003";
    case exchange_version::e2007: return "2007";
    case exchange_version::e2010: return "2010";
    }
    return "?";
}

std::optional<exchange_version> parse_version(std::string_view text) noexcept
{
    if (text == "2000" || text == "2003" || text == "2000/2003") return exchange_version::e2000;
    if (text == "2007") return exchange_version::e2007;
    if (text == "2010") return exchange_version::e2010;
    return std::nullopt;
}

std::span<const service_info> all_services() noexcept { return services; }
std::span<const interface_info> all_interfaces() noexcept { return interfaces; }
std::span<const port_setting> all_port_settings() noexcept { return port_settings; }

const service_info* find_service(std::string_view id) noexcept
{
    for (const auto& s : services)
        if (s.id == id) return &s;
    return nullptr;
}

const port_setting* find_port_setting(std::string_view name) noexcept
{
    for (const auto& s : port_settings)
    {
        if (iequals(s.id, name)) return &s;
        std::string_view rest = s.aliases;
        while (!rest.empty())
        {
            const auto bar = rest.find('|');
            if (iequals(rest.substr(0, bar), name)) return &s;
            rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
        }
    }
    return nullptr;
}

std::vector<const interface_info*> find_rows(const uuid& id)
{
    std::vector<const interface_info*> rows;
    for (const auto& i : interfaces)
        if (i.id == id) rows.push_back(&i);
    return rows;
}

std::string full_key(const port_setting& s)
{
    return std::string("HKLM\\SYSTEM\\CurrentControlSet\\Services\\") + std::string(s.key);
}

const service_info* owner_of(const port_setting& s) noexcept
{
    for (const auto& i : interfaces)
        if (i.endpoint_group == s.endpoint_group) return find_service(i.service);
    return nullptr;
}

} // namespace epmdump::exchange
