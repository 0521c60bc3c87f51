#pragma once
// What Exchange registers with the endpoint mapper, and which registry values pin its ports.
// The data lives in catalog.inc, one line per service, interface and static-port value.
#include <epmdump/core/uuid.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::exchange {

// Exchange releases as bits, so one catalog row can say "2000/2003 and 2007".
enum class exchange_version : std::uint8_t
{
    e55 = 1,   // 5.5 (only its directory's static port is known)
    e2000 = 2, // 2000 and 2003 register the same set (KB 926210)
    e2007 = 4,
    e2010 = 8,
};
using version_mask = std::uint8_t;

constexpr version_mask bit(exchange_version v) noexcept { return static_cast<version_mask>(v); }

// "2000/2003", "2007", "2010", "5.5".
std::string_view to_string(exchange_version v) noexcept;

// --version-profile: "2000", "2003", "2007", "2010"; nullopt for "auto" and anything unknown.
std::optional<exchange_version> parse_version(std::string_view text) noexcept;

struct service_info
{
    std::string_view id;              // "store"
    std::string_view display_name;    // "Information Store"
    std::string_view windows_service; // "MSExchangeIS"
    std::string_view process;         // "store.exe"
    std::string_view label_separator; // joins interface labels in a finding's title
    std::string_view role;            // "all", "mailbox" or "client_access" (2010 roles)
};

struct interface_info
{
    uuid id;
    std::uint16_t major = 0;
    std::uint16_t minor = 0;
    std::string_view annotation; // as Exchange registers it (never used to match)
    std::string_view label;      // short name in findings: "EMSMDB", "Cluster"
    std::string_view service;    // service_info::id
    std::string_view endpoint_group;
    version_mask versions = 0;
    version_mask required_in = 0;
    bool evidence_of_exchange = true;

    bool in(exchange_version v) const noexcept { return (versions & bit(v)) != 0; }
    bool required(exchange_version v) const noexcept { return (required_in & bit(v)) != 0; }
};

enum class value_type : std::uint8_t
{
    dword,
    string,
};

struct port_setting
{
    std::string_view id;       // "store": the name --static-port takes
    std::string_view aliases;  // '|'-separated other names
    std::string_view key;      // under HKLM\SYSTEM\CurrentControlSet\Services
    std::string_view value;    // value name, compared case-insensitively as Windows does
    value_type type = value_type::dword;
    version_mask versions = 0;
    std::string_view endpoint_group;
    std::uint32_t recommended_low = 0; // 0: no recommended range
    std::uint32_t recommended_high = 0;
    bool zero_means_dynamic = false;

    bool in(exchange_version v) const noexcept { return (versions & bit(v)) != 0; }
};

std::span<const service_info> all_services() noexcept;
std::span<const interface_info> all_interfaces() noexcept;
std::span<const port_setting> all_port_settings() noexcept;

const service_info* find_service(std::string_view id) noexcept;

// Matches id or alias, case-insensitively; nullptr when unknown.
const port_setting* find_port_setting(std::string_view name) noexcept;

// Catalog rows for this UUID (several when services share an interface, e.g. EMSMDB on 2010).
std::vector<const interface_info*> find_rows(const uuid& id);

// Full registry path for messages: HKLM\SYSTEM\CurrentControlSet\Services\<key>.
std::string full_key(const port_setting& s);

// The service whose endpoint group a setting pins (each group belongs to one service).
const service_info* owner_of(const port_setting& s) noexcept;

} // namespace epmdump::exchange
