#pragma once
// Asking one TCP port what it serves (`epmdump probe`), without trusting the endpoint mapper.
// One port: connect; send a bind of the management interface at once (a port that greets first,
// "ncacn_http/1.0", is read before the answer); a DCE/RPC answer makes it `rpc` and the
// probe_session lists its interfaces on that one connection; other bytes, a close or silence
// make it `not_rpc`, recognised from what it sent or, when it sent nothing, from a few protocol
// probes (SMB2 NEGOTIATE, LDAP bind, Kerberos, TLS ClientHello, HTTP), each on a new connection,
// the port number's usual service first.
#include <epmdump/client/connection.hpp>
#include <epmdump/epm/port_probe.hpp>
#include <epmdump/session/options.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace epmdump::client {

struct probe_options
{
    client_options base;          // connect/bind/call timeouts, frag sizes, feature negotiation
    bool identify = true;         // recognise a silent non-RPC port with protocol probes (more connections)
    bool fallback = true;         // mgmt refused: offer the name table's interfaces with alter_context
    bool brute_versions = false;  // also offer other major versions of each interface found
};

// Probes `port` at `address` (an IP literal; `target` is what the user typed, for the report).
// Never throws for what the network or the server does: every outcome is a port_state.
boost::asio::awaitable<epm::port_probe> async_probe_port(std::string target, std::string address,
                                                         std::uint16_t port, probe_options options,
                                                         std::chrono::steady_clock::time_point deadline,
                                                         std::shared_ptr<abort_group> group = {});

// Blocking form with its own io_context; the deadline is options.base.timeouts.host from now.
epm::port_probe probe_port(const std::string& target, const std::string& address, std::uint16_t port,
                           const probe_options& options);

} // namespace epmdump::client
