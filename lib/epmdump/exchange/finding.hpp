#pragma once
// One conclusion of the Exchange check, with everything an admin needs to act on it.
#include <epmdump/core/uuid.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::exchange {

enum class severity : std::uint8_t
{
    info,
    warning,
    error,
};

// Stable machine words (JSON "kind"): scripts may depend on them.
enum class finding_kind : std::uint8_t
{
    not_exchange,              // no Exchange interface registered at all
    interfaces_missing,        // required interfaces of a service absent from ncacn_ip_tcp
    role_not_detected,         // 2010: no interface of a whole server role (probably not installed)
    static_port_conflict,      // configured port held by another interface or process
    static_port_not_in_effect, // service registered on another port than the configured one
    static_port_unbound,       // configured port, service's interfaces registered nowhere
    ports_split,               // one endpoint group's interfaces on several ports
    duplicate_static_port,     // two values configure the same port
    port_out_of_range,         // below 1024 or above 65535
    port_outside_recommended,  // 2010 values outside 59531-60554
    port_dynamic,              // value 0 where 0 means "pick a dynamic port"
    value_not_a_number,        // REG_SZ that is not a port number
    value_wrong_type,          // REG_SZ where Exchange reads a REG_DWORD (ignored, so not in effect)
    setting_not_used,          // value of another Exchange version (left over from an upgrade)
    setting_overridden,        // the same value given twice (file and --static-port)
    profile_contradicted,      // --version-profile given, but the listing holds interfaces that version lacks
    not_answering,             // live: registered, but nothing answered on the endpoint
    registered_not_served,     // live: registered on a port whose probe shows it does not serve them
    enumeration_incomplete,    // the endpoint mapper stopped early; absences may be artefacts
    could_not_check,           // no usable endpoint data
};

// Where the evidence of a finding came from (JSON "sources"; stable words).
enum class evidence_source : std::uint8_t
{
    mapper,       // the endpoint mapper's listing: live, capture or dump
    registry,     // a regedit export (--registry)
    command_line, // --static-port, --version-profile
    netstat,      // a socket table from the server (--netstat)
    ping,         // live: a bind to each registered endpoint (not with --no-verify)
    probe,        // live: the port itself, asked what it serves (not with --no-probe)
};

std::string_view to_string(severity s) noexcept;
std::string_view to_string(finding_kind k) noexcept;
std::string_view to_string(evidence_source s) noexcept;

struct finding
{
    severity level = severity::info;
    finding_kind kind = finding_kind::not_exchange;
    std::string title;                // one line, e.g. "System Attendant (Cluster/Private/Public) not registered"
    std::string service;              // display name, or "" when no single service is concerned
    std::vector<uuid> interfaces;
    std::vector<std::uint32_t> ports;
    std::string evidence;             // what in the inputs shows it
    std::string cause;                // the likely reason
    std::string remedy;               // concrete steps
    std::vector<evidence_source> sources; // what the evidence rests on, without repeats
    std::vector<std::uint32_t> probed;    // ports whose probe is part of the evidence

    void add_source(evidence_source s);
};

} // namespace epmdump::exchange
