#pragma once
// Why an enumeration stopped short: the JSON `error.kind` words (output/SCHEMA.md lists them,
// and a test holds the two to each other). Client, replay and the Exchange check all name their
// failures from this one list.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace epmdump::epm {

enum class failure_kind : std::uint8_t
{
    unspecified,        // "": a text dump gave only a message
    // The live client (client::client_errc has the same words).
    resolve_failed,     // the name did not resolve
    refused,            // every address refused the connection
    unreachable,        // no route to the host
    timeout,            // a phase's timeout or the host deadline fired
    reset,              // the server closed the connection mid-conversation
    not_dcerpc,         // what answered is no connection-oriented DCE/RPC server
    bind_rejected,      // bind_nak, or no presentation context accepted
    fault,              // a fault PDU answered a call
    protocol_violation, // the server's bytes break the protocol
    lookup_failed,      // ept_lookup / ept_map returned an error status
    incomplete,         // the list never ended (or, replayed, bytes or pages are missing)
    cancelled,          // the caller stopped us
    io_error,           // any other socket error
    auth_failed,        // authentication failed (error.reason says why: auth_errc)
    access_denied,      // the server refused us: anonymous, or these credentials (error.reason)
    // Replay of a capture.
    no_response,        // the answer to the bind or a call is not in the capture
    encrypted,          // stubs sealed (auth level privacy)
    decode,             // a PDU or stub that does not decode
    // The Exchange check's inputs.
    no_full_listing,    // a conversation with ept_map answers or filtered lookups only
    no_conversation,    // a capture with no endpoint-mapper conversation
    cut_dump,           // a dump file that ends mid-line
};

inline constexpr std::array all_failure_kinds{
    failure_kind::unspecified,   failure_kind::resolve_failed, failure_kind::refused,
    failure_kind::unreachable,   failure_kind::timeout,        failure_kind::reset,
    failure_kind::not_dcerpc,    failure_kind::bind_rejected,  failure_kind::fault,
    failure_kind::protocol_violation, failure_kind::lookup_failed, failure_kind::incomplete,
    failure_kind::cancelled,     failure_kind::io_error,       failure_kind::auth_failed,    failure_kind::access_denied,
    failure_kind::no_response,
    failure_kind::encrypted,     failure_kind::decode,         failure_kind::no_full_listing,
    failure_kind::no_conversation, failure_kind::cut_dump,
};

// The stable word ("" for unspecified).
std::string_view to_string(failure_kind k) noexcept;
// The kind a word names; nullopt for a word that is none of them (a newer epmdump's).
std::optional<failure_kind> parse_failure_kind(std::string_view word) noexcept;

} // namespace epmdump::epm
