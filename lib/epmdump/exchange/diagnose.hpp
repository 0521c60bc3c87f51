#pragma once
// KB 926210 as a pure function: endpoint-mapper contents + configured static ports + socket
// table in, typed findings out. No I/O: callers read files, sockets and captures.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/exchange/catalog.hpp>
#include <epmdump/exchange/finding.hpp>
#include <epmdump/exchange/netstat.hpp>
#include <epmdump/exchange/static_ports.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::exchange {

struct diagnosis_input
{
    std::vector<epm::enumeration> enumerations; // live, replayed or read from dumps; merged
    std::vector<configured_port> static_ports;  // in order of precedence: a later one for the same value wins
    std::optional<netstat_snapshot> netstat;
    std::optional<exchange_version> profile;    // nullopt: detect from what is registered
    std::vector<std::string> unreadable;         // inputs named but not usable, with why: nothing is checked
};

enum class verdict : std::uint8_t
{
    healthy,      // no error finding, and a complete listing
    problems,     // at least one error finding
    incomplete,   // no error finding, but some listing did not end normally: not everything could be checked
    not_exchange, // no Exchange interface registered at all
    unknown,      // no usable endpoint data (unreachable target, unreadable input)
};

std::string_view to_string(verdict v) noexcept;

// What the endpoint mapper says about one catalog row of the profile.
struct interface_status
{
    const interface_info* row = nullptr;
    std::vector<std::uint32_t> tcp_ports; // ncacn_ip_tcp ports it is registered on, sorted
    bool registered_elsewhere = false;    // registered, but not on ncacn_ip_tcp
};

struct report
{
    verdict outcome = verdict::unknown;
    exchange_version profile = exchange_version::e2000;
    bool profile_detected = false;        // true when chosen by auto-detection
    std::string profile_reason;           // why this profile
    std::vector<finding> findings;        // errors first, then warnings, then info
    std::vector<interface_status> interfaces;
    std::vector<std::string> targets;     // enumeration targets, in input order
    std::vector<std::string> addresses;   // distinct hosts of the ncacn_ip_tcp entries
    bool listing_complete = false;        // some enumeration ended normally: an absence is evidence
    std::vector<std::string> partial_listings; // targets whose enumeration stopped early (status incomplete)
    std::size_t entries = 0;
    std::size_t tcp_entries = 0;

    std::size_t count(severity s) const noexcept;
};

report diagnose(const diagnosis_input& input);

} // namespace epmdump::exchange
