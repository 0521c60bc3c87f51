#pragma once
// One line of `epmdump probe`'s report: a port's probe, with what the endpoint mapper registers
// there when that was asked (--registered), or a host that could not be probed at all.
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/epm/port_probe.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace epmdump::epm {

enum class probe_scope : std::uint8_t
{
    port, // probe says what one port serves
    host, // nothing was probed on the host: its name did not resolve, or (--registered) its
          // endpoint mapper could not be enumerated; probe.state is error, probe.error says why,
          // probe.port is the mapper's port (0 when the name did not resolve)
};

struct probe_report
{
    probe_scope scope = probe_scope::port;
    port_probe probe;
    // --registered: the host's ncacn_ip_tcp entries on probe.port (empty: a port it does not
    // register, given with --ports or TARGET:PORT); nullopt when the mapper was not asked.
    std::optional<std::vector<endpoint_entry>> registered;
};

// The gap is known when the mapper was asked and the port's answer says what it serves:
// rpc (not a liar), or nothing at all (not_rpc, closed). Not for filtered or error ports.
inline bool gap_known(const probe_report& r) noexcept
{
    if (r.scope != probe_scope::port || !r.registered) return false;
    const auto s = r.probe.state;
    return (s == port_state::rpc && !r.probe.accepts_any_interface) || s == port_state::not_rpc || s == port_state::closed;
}

} // namespace epmdump::epm
