#include "exchange_probes.hpp"

#include <epmdump/client/probe.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <exception>

namespace epmdump::app {

namespace {

constexpr std::size_t probes_at_once = 8; // a handful of ports; each probe may open a few connections

} // namespace

std::optional<std::vector<epm::port_probe>> probe_exchange_ports(const exchange::diagnosis_input& input,
                                                                 const epm::enumeration& live,
                                                                 const client::client_options& options,
                                                                 bool confirm_registered)
{
    if (live.address.empty() || live.status == epm::enumeration_status::error) return std::nullopt;
    auto wanted = exchange::ports_to_probe(input);
    std::erase_if(wanted, [&](const exchange::probe_request& r) {
        return r.port == 0 || r.port > 65535 || (!confirm_registered && r.purpose == exchange::probe_purpose::registered);
    });
    if (wanted.empty()) return std::nullopt;

    client::probe_options probe;
    probe.base = options;
    // Exchange's ports are TCP endpoints: the transport that reached the mapper (SMB, ncacn_http's
    // banner) is not theirs, as pings speak plain ncacn_ip_tcp too.
    probe.base.transport = client::transport::ncacn_ip_tcp;
    probe.base.pipe.clear();
    const auto deadline = std::chrono::steady_clock::now() + options.timeouts.host;
    std::vector<epm::port_probe> results(wanted.size());
    std::size_t next = 0;
    boost::asio::io_context io;
    // A few workers take the next port until none is left: bounded, and one io_context.
    const auto worker = [&]() -> boost::asio::awaitable<void> {
        while (next < wanted.size())
        {
            const std::size_t i = next++;
            results[i] = co_await client::async_probe_port(live.target, live.address,
                                                           static_cast<std::uint16_t>(wanted[i].port), probe, deadline);
        }
    };
    for (std::size_t w = 0; w < std::min(probes_at_once, wanted.size()); ++w)
        boost::asio::co_spawn(io, worker, [](const std::exception_ptr& e) {
            if (e) std::rethrow_exception(e); // out of io.run(): a bug, not a network outcome
        });
    io.run();
    return results;
}

} // namespace epmdump::app
