#pragma once
// The client API: enumerate one endpoint mapper (ept_lookup), map one interface (ept_map).
// Each comes as a coroutine for many hosts on one io_context (the scanner) and as a blocking
// call with its own io_context. Failures are values (host_result::error), never exceptions.
#include <epmdump/client/connection.hpp>
#include <epmdump/client/error.hpp>
#include <epmdump/client/lookup_session.hpp>
#include <epmdump/client/options.hpp>
#include <epmdump/client/rpc_session.hpp>
#include <epmdump/client/target.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::client {

struct host_result
{
    epm::enumeration enumeration;  // target, address, port, status, error (kind + message), entries
    std::optional<failure> error;  // the typed form of enumeration.error
    session_stats stats;
    std::vector<lookup_page> pages;
};

struct map_result
{
    std::string target;
    std::string address;
    std::uint16_t port = 0;
    std::vector<epm::endpoint_entry> towers;
    std::uint32_t status = 0;       // rpc_s_ok, or ept_s_not_registered
    std::optional<failure> error;
    double elapsed_ms = 0;
    bool registered() const noexcept { return !error && !towers.empty(); }
};

// Drives a sans-I/O session over a connected connection until it is done.
boost::asio::awaitable<void> run_session(connection& c, rpc_session& s);

boost::asio::awaitable<host_result> async_enumerate(target t, client_options options,
                                             std::shared_ptr<abort_group> group = {});
host_result enumerate(const target& t, const client_options& options);

boost::asio::awaitable<map_result> async_map(target t, epm::syntax_id interface, std::string protseq,
                                      client_options options, std::shared_ptr<abort_group> group = {});
map_result map(const target& t, const epm::syntax_id& interface, const std::string& protseq,
               const client_options& options);

} // namespace epmdump::client
