#pragma once
// The one endpoint model shared by the live client, capture replay, dump readers,
// output formats and the Exchange check.
#include <epmdump/core/uuid.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::epm {

// Interface or transfer syntax identity as a tower's floors 1-2 carry it (C706 App. L).
struct syntax_id
{
    uuid id{};
    std::uint16_t major = 0;
    std::uint16_t minor = 0;
    friend bool operator==(const syntax_id&, const syntax_id&) = default;
    // Boost.Uuid has no operator<=>, so order by hand: uuid, then major, then minor.
    friend bool operator<(const syntax_id& a, const syntax_id& b) noexcept
    {
        if (a.id != b.id) return a.id < b.id;
        if (a.major != b.major) return a.major < b.major;
        return a.minor < b.minor;
    }
};

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

enum class ping_status : std::uint8_t
{
    not_pinged,    // not tried
    pinged,        // connected and the interface answered
    not_listening, // nothing accepted a connection on the endpoint
};

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
