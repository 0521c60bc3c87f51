#pragma once
// Endpoint verification (the "ping" of rpcdump.exe): for every ncacn_ip_tcp endpoint, connect
// to its port at the address we reached the mapper on (towers say 0.0.0.0, or nothing useful
// for IPv6) and bind its interfaces. One connection per port, however many interfaces share
// it; a bounded number of ports at once.
#include <epmdump/client/connection.hpp>
#include <epmdump/session/options.hpp>
#include <epmdump/epm/endpoint.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <vector>

namespace epmdump::client {

// Sets entry.ping for each ncacn_ip_tcp entry: pinged (its interface was accepted),
// not_listening (the port refused or never answered the connection), wrong_interface (a
// DCE/RPC server answered but refused the interface, offered alone too), not_rpc (what
// answered is no DCE/RPC server: other bytes, or a close or reset of our bind), or not_pinged
// (no answer within the time, or the host ran out of time). With options.security each bind
// authenticates for `auth_host` (the name the user gave; empty: the address).
boost::asio::awaitable<void> async_verify(std::vector<epm::endpoint_entry>& entries, std::string address,
                                   client_options options, std::chrono::steady_clock::time_point host_deadline,
                                   std::shared_ptr<abort_group> group = {}, std::string auth_host = {});

// Blocking form with its own io_context; the host deadline is options.timeouts.host from now.
void verify_endpoints(std::vector<epm::endpoint_entry>& entries, const std::string& address,
                      const client_options& options);

} // namespace epmdump::client
