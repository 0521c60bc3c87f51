#pragma once
// The one endpoint model shared by the live client, capture replay, dump readers,
// output formats and the Exchange check.
#include <epmdump/core/uuid.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::epm {

// syntax_id is a DCE/RPC concept (p_syntax_id_t); kept visible here because every entry names
// its interface and transfer syntax with it, and epm::syntax_id is public API.
using dcerpc::syntax_id;

// Where an endpoint is reached, from tower floors 4 and later.
struct binding
{
    std::string protseq;  // "ncacn_ip_tcp", "ncalrpc", ..., or "unknown_proto_0x.." for unknown floors
    std::string host;     // "10.0.2.16", "\\\\HOST" (NetBIOS), or "" when the tower names none
    std::string endpoint; // TCP/UDP/HTTP port in decimal, "\\PIPE\\x", lrpc name; "" when none
    friend bool operator==(const binding&, const binding&) = default;
};

// Windows string binding: "ncacn_ip_tcp:10.0.2.16[49664]", "ncalrpc:[name]",
// "ncacn_np:\\\\HOST[\\PIPE\\x]" (impacket's and rpcdump's rendering).
std::string to_string(const binding& b);
// The same text appended to `out` (writers reuse one buffer per entry).
void append_binding(std::string& out, const binding& b);

enum class ping_status : std::uint8_t
{
    not_pinged,      // not tried, or no answer within the time (a silent or dripping port)
    pinged,          // connected and the interface answered
    not_listening,   // nothing accepted a connection on the endpoint
    wrong_interface, // a DCE/RPC server answered but refused this interface, alone too
    not_rpc,         // something accepted the connection but is no DCE/RPC server (other bytes, or a reset of our bind)
};

// The JSON/CSV word: "not_pinged", "pinged", "not_listening", "wrong_interface", "not_rpc".
std::string_view to_string(ping_status p) noexcept;
// The status a word names (as to_string spells it), nullopt for any other word.
std::optional<ping_status> ping_status_from_string(std::string_view word) noexcept;

// One ept_entry_t, decoded.
struct endpoint_entry
{
    uuid object{};
    syntax_id interface{};
    std::optional<syntax_id> transfer_syntax; // absent when read back from a text dump
    std::string annotation;                   // as the server sent it (untrusted bytes)
    binding where;
    std::vector<std::byte> tower;             // tower_octet_string as received; empty from text dumps
    ping_status ping = ping_status::not_pinged;
    friend bool operator==(const endpoint_entry&, const endpoint_entry&) = default;
};

// TCP port of an ncacn_ip_tcp / ncacn_http endpoint, if it has one.
std::optional<std::uint16_t> port_of(const endpoint_entry& e) noexcept;

} // namespace epmdump::epm
