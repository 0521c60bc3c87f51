#pragma once
// Typed failures of the SMB2 pipe session: what went wrong, in which phase, the server's status
// and the codec's word when its bytes broke the protocol. Each code has a stable word.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/epm/auth_info.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace epmdump::smb2 {

enum class errc : std::uint8_t
{
    protocol_violation = 1, // the server's bytes break [MS-SMB2] (codec error, wrong message id...)
    server_status,          // a command failed with an NTSTATUS (status says which)
    access_denied,          // the server refused us: a null session refused, ACCESS_DENIED, LOGON_FAILURE
    auth_failed,            // our security context failed (auth says why)
    bad_signature,          // a signed (or encrypted) response did not verify
    signing_unavailable,    // the server requires signing and we have no key (anonymous, or no crypto)
    encryption_unavailable, // the server requires encryption we cannot do (no crypto, no common cipher)
    no_dialect,             // the server chose no dialect we offered
    credits_exhausted,      // the server granted us no credit for the next request
    limit_exceeded,         // a message or answer over the negotiated sizes or our hard cap
    pipe_not_found,         // CREATE: no such pipe (OBJECT_NAME_NOT_FOUND)
    netbios_refused,        // port 139: the session request was refused or retargeted
    not_smb2,               // the server answered with something else (SMB1 only, not SMB)
    timeout,                // the driver's deadline fired (on_io_failure)
    reset,                  // the connection closed mid-conversation (on_io_failure)
    io_error,               // any other I/O failure the driver reports
    usage,                  // the caller asked something the session cannot do in this state
};

std::string_view to_string(errc e) noexcept; // "protocol_violation", ...

// The step the session is in; the driver's timeouts are per phase.
enum class phase : std::uint8_t
{
    netbios,
    negotiate,
    session_setup,
    auth, // a security context leg, which may wait for a KDC (run off the I/O thread)
    tree_connect,
    create,
    transceive,
    close,
    logoff,
};

std::string_view to_string(phase p) noexcept;

struct failure
{
    errc code{};
    smb2::phase phase = phase::negotiate;
    std::optional<std::uint32_t> status;  // NTSTATUS (server_status, access_denied, pipe_not_found)
    std::optional<codec_error> codec;     // protocol_violation
    std::optional<epm::auth_errc> auth;   // auth_failed / access_denied
    std::string detail;                   // one human line

    std::string message() const; // "access_denied in session_setup: STATUS_ACCESS_DENIED (null session refused)"
    friend bool operator==(const failure&, const failure&) = default;
};

} // namespace epmdump::smb2
