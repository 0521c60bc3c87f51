#pragma once
// KB 926210 as a pure function: endpoint-mapper contents + configured static ports + socket
// table + probes of the host's ports in, typed findings out. No I/O: callers read files,
// sockets and captures, and probe the ports ports_to_probe() names.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/epm/port_probe.hpp>
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
    // Live only: what the host's ports served when asked directly (epmdump probe). nullopt:
    // nothing was probed (offline inputs, --no-probe), and the report says nothing of probes.
    std::optional<std::vector<epm::port_probe>> probes;
};

// Why the check wants a port of the live host probed.
enum class probe_purpose : std::uint8_t
{
    static_port, // a configured static port its interfaces are not registered on: who holds it?
    registered,  // an ncacn_ip_tcp port an Exchange interface is registered on: does it serve it?
};

std::string_view to_string(probe_purpose p) noexcept;

struct probe_request
{
    std::uint32_t port = 0;
    probe_purpose purpose = probe_purpose::static_port;
    friend bool operator==(const probe_request&, const probe_request&) = default;
};

// What the probe of an interface's registered port showed.
enum class served_state : std::uint8_t
{
    not_probed,  // no probe of its port (offline inputs, --no-probe, not registered on TCP)
    served,      // every port it is registered on serves it
    not_served,  // some port it is registered on answers but does not serve it, or is closed
    unconfirmed, // a port answered in a way that cannot tell (a server accepting any interface, an error)
};

std::string_view to_string(served_state s) noexcept;

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
    served_state served = served_state::not_probed;
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
    std::optional<epm::auth_info> auth;   // the first authenticated listing's identity (live: -U / -k)
    std::size_t entries = 0;
    std::size_t tcp_entries = 0;
    bool probed = false;                  // input.probes given: the report speaks of probes
    std::vector<epm::port_probe> probes;  // those given, in port order
    std::vector<probe_request> probe_requests; // what a probe would add evidence to, in port order

    std::size_t count(severity s) const noexcept;
};

report diagnose(const diagnosis_input& input);

// The ports of the live host whose probe adds evidence (diagnose(input).probe_requests): the
// caller probes them and diagnoses again with input.probes. A port wanted for both purposes
// is named once, as static_port.
std::vector<probe_request> ports_to_probe(const diagnosis_input& input);

} // namespace epmdump::exchange
