#include <epmdump/client/client.hpp>
#include <epmdump/client/detail/wait_group.hpp>
#include <epmdump/session/ping_session.hpp>
#include <epmdump/client/verify.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <map>
#include <utility>

namespace epmdump::client {

// Spelled here, not in the headers: a user's `using namespace` must not meet them.
namespace asio = boost::asio;
using steady_clock = std::chrono::steady_clock;

namespace {

// Everything registered on one TCP port: its distinct interfaces and the entries to mark.
struct port_probe
{
    std::uint16_t port = 0;
    std::vector<epm::syntax_id> interfaces;
    std::vector<std::vector<std::size_t>> entries_of; // per interface: indexes into entries
};

bool listening_failure(const failure& f)
{
    return f.code == client_errc::refused || f.code == client_errc::unreachable ||
           (f.code == client_errc::timeout && f.phase == phase::connect) || f.code == client_errc::reset;
}

asio::awaitable<void> probe_port(port_probe& probe, std::vector<epm::endpoint_entry>& entries, const std::string& address,
                                 const std::string& auth_host, const client_options& options,
                                 steady_clock::time_point deadline, const std::shared_ptr<abort_group>& group)
{
    auto ex = co_await asio::this_coro::executor;
    auto mark = [&](std::size_t interface, epm::ping_status s) {
        for (auto i : probe.entries_of[interface]) entries[i].ping = s;
    };
    // Several binds when many interfaces share a port; each on its own connection.
    for (std::size_t first = 0; first < probe.interfaces.size(); first += max_ping_interfaces)
    {
        const std::size_t count = std::min(max_ping_interfaces, probe.interfaces.size() - first);
        std::vector<epm::syntax_id> batch(probe.interfaces.begin() + static_cast<std::ptrdiff_t>(first),
                                          probe.interfaces.begin() + static_cast<std::ptrdiff_t>(first + count));
        connection c(ex, options.timeouts, deadline, group);
        if (auto f = co_await c.connect(address, probe.port))
        {
            if (listening_failure(*f))
                for (std::size_t i = 0; i < count; ++i) mark(first + i, epm::ping_status::not_listening);
            co_return;
        }
        // Pings always speak plain ncacn_ip_tcp: these are the towers' TCP ports.
        ping_session s(options, false, std::move(batch));
        s.set_auth_target(auth_host.empty() ? address : auth_host);
        co_await run_session(c, s);
        // Refused by an RPC server, or what answered is none; silence and lack of time stay not_pinged.
        const bool not_rpc = s.error() && s.error()->code == client_errc::not_dcerpc;
        for (std::size_t i = 0; i < count && i < s.accepted().size(); ++i)
        {
            if (s.accepted()[i])
                mark(first + i, epm::ping_status::pinged);
            else if (s.refused()[i])
                mark(first + i, epm::ping_status::wrong_interface);
            else if (not_rpc)
                mark(first + i, epm::ping_status::not_rpc);
        }
    }
}

} // namespace

asio::awaitable<void> async_verify(std::vector<epm::endpoint_entry>& entries, std::string address,
                                   client_options options, steady_clock::time_point host_deadline,
                                   std::shared_ptr<abort_group> group, std::string auth_host)
{
    auto ex = co_await asio::this_coro::executor;
    std::map<std::uint16_t, port_probe> by_port;
    for (std::size_t i = 0; i < entries.size(); ++i)
    {
        const auto& e = entries[i];
        if (e.where.protseq != "ncacn_ip_tcp") continue;
        const auto port = epm::port_of(e);
        if (!port || *port == 0) continue;
        auto& probe = by_port[*port];
        probe.port = *port;
        auto it = std::find(probe.interfaces.begin(), probe.interfaces.end(), e.interface);
        if (it == probe.interfaces.end())
        {
            probe.interfaces.push_back(e.interface);
            probe.entries_of.emplace_back();
            it = probe.interfaces.end() - 1;
        }
        probe.entries_of[static_cast<std::size_t>(it - probe.interfaces.begin())].push_back(i);
    }
    std::vector<port_probe*> queue;
    queue.reserve(by_port.size());
    for (auto& [port, probe] : by_port) queue.push_back(&probe);
    std::size_t next = 0;
    detail::wait_group workers(ex);
    const std::size_t n = std::max<std::size_t>(1, std::min(options.verify_concurrency, queue.size()));
    for (std::size_t w = 0; w < n && !queue.empty(); ++w)
    {
        workers.add();
        asio::co_spawn(
            ex,
            [&]() -> asio::awaitable<void> {
                while (next < queue.size() && steady_clock::now() < host_deadline && !(group && group->aborted()))
                {
                    auto* probe = queue[next++];
                    co_await probe_port(*probe, entries, address, auth_host, options, host_deadline, group);
                }
            },
            [&](const std::exception_ptr&) { workers.done(); });
    }
    co_await workers.wait();
}

void verify_endpoints(std::vector<epm::endpoint_entry>& entries, const std::string& address,
                      const client_options& options)
{
    asio::io_context io;
    std::exception_ptr failed;
    asio::co_spawn(io, async_verify(entries, address, options, steady_clock::now() + options.timeouts.host),
                   [&](std::exception_ptr e) { failed = std::move(e); });
    io.run();
    if (failed) std::rethrow_exception(failed);
}

} // namespace epmdump::client
