#pragma once
// epmdump exchange, live: asks the host's ports what they serve (client::async_probe_port) for
// the ports the Exchange check names (exchange::ports_to_probe), so the diagnosis can say who
// holds a static port and whether each registered port serves its interfaces.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/epm/port_probe.hpp>
#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/session/options.hpp>

#include <optional>
#include <vector>

namespace epmdump::app {

// Probes the wanted ports at the address the live listing came from; registered ports only
// when confirm_registered (not with --no-verify). nullopt when no port is wanted or the
// listing has no address (it failed): the report then says nothing of probes.
std::optional<std::vector<epm::port_probe>> probe_exchange_ports(const exchange::diagnosis_input& input,
                                                                 const epm::enumeration& live,
                                                                 const client::client_options& options,
                                                                 bool confirm_registered);

} // namespace epmdump::app
