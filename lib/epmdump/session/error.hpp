#pragma once
// Typed failures of the network client: what went wrong, in which phase, and the server's word
// for it. Each code has a stable machine word (the JSON `error.kind`, see output/SCHEMA.md).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/epm/auth_info.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace epmdump::epm {
struct enumeration_error;
}

namespace epmdump::client {

enum class client_errc : std::uint8_t
{
    resolve_failed = 1, // the name did not resolve to any address
    refused,            // every address refused the connection (RST to SYN)
    unreachable,        // no route / host or network unreachable
    timeout,            // a phase's timeout or the host deadline fired (phase says which)
    reset,              // the server reset or closed the connection mid-conversation
    not_dcerpc,         // what answered is not a connection-oriented DCE/RPC server
    bind_rejected,      // bind_nak, or no presentation context accepted
    fault,              // the server answered a call with a fault PDU
    protocol_violation, // the server's bytes break the protocol (codec error, wrong call_id...)
    lookup_failed,      // ept_lookup / ept_map returned an error status other than "no more"
    incomplete,         // the server never ended the list (loop guard, entry cap); entries kept
    cancelled,          // the caller stopped us (Ctrl-C)
    io_error,           // any other socket error
    auth_failed,        // our security context failed or the server refused our credentials (failure.auth)
    access_denied,      // the server refuses anonymous callers (failure.auth anonymous_refused)
};

// The step a failure happened in; timeouts are per phase.
enum class phase : std::uint8_t
{
    resolve,
    connect,
    banner, // ncacn_http: waiting for "ncacn_http/1.0"
    bind,
    lookup,
    map,
    free_handle,
    ping,
    auth,   // a security context step that may wait for a KDC (Kerberos ticket for the host)
    pipe,   // ncacn_np: opening the named pipe (SMB negotiate, session setup, tree connect, create)
};

std::string_view to_string(client_errc code) noexcept; // the JSON error.kind word
std::string_view to_string(phase p) noexcept;

const boost::system::error_category& client_category() noexcept;

inline boost::system::error_code make_error_code(client_errc e) noexcept
{
    return {static_cast<int>(e), client_category()};
}

// One failure with everything a caller can act on. Only the fields the code implies are set.
struct failure
{
    client_errc code{};
    client::phase phase = phase::connect;
    std::optional<std::uint32_t> status;     // fault status, ept status, or bind_nak reason
    std::optional<codec_error> codec;        // protocol_violation: what the codec said
    std::string detail;                      // one human line, no trailing newline
    std::optional<epm::auth_errc> auth{};    // auth_failed / access_denied: why

    std::string message() const;             // "timeout in bind after 5000 ms", ...
    friend bool operator==(const failure&, const failure&) = default;
};

// boost::system::result<T, failure>::value() throws epmdump::error_exception with the code,
// message() and, for a protocol violation, the codec's offset.
[[noreturn]] void throw_exception_from_error(const failure& f, const boost::source_location& loc);

// The shared result model's error: kind word + message.
epm::enumeration_error to_enumeration_error(const failure& f);

} // namespace epmdump::client

namespace boost::system {
template <>
struct is_error_code_enum<epmdump::client::client_errc> : std::true_type
{
};
} // namespace boost::system
