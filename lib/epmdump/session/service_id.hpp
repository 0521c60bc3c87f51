#pragma once
// Naming what answers on a port that is no DCE/RPC server, sans-I/O: from the first bytes it
// sent (its greeting, or its answer to our bind or to a protocol probe), and the few protocol
// probes worth sending when it sent nothing, the port number's usual service first.
#include <epmdump/epm/port_probe.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace epmdump::client {

struct service_guess
{
    epm::service_kind kind = epm::service_kind::unknown;
    std::string looks_like; // one line for people: "HTTP/1.1 400 Bad Request", "TLS alert 10", ...
};

// What these bytes (the start of what a port sent) say the service is; nullopt when nothing we know.
std::optional<service_guess> recognize_service(std::span<const std::byte> first);

// One protocol probe: the bytes to send on a fresh connection; recognize_service() reads the answer.
struct service_probe
{
    epm::service_kind kind = epm::service_kind::unknown;
    std::vector<std::byte> request;
};

// The probes to try, in order, on `port` when it answered nothing to a DCE/RPC bind.
std::vector<service_probe> service_probes_for(std::uint16_t port);

} // namespace epmdump::client
