#pragma once
// The session's view of a security mechanism (Kerberos, NTLM, SPNEGO): tokens for the bind legs
// and per-PDU protection. Sans-I/O: the session calls it and never sees GSS-API; the GSS-API
// implementation lives in lib/epmdump/auth beside the client. Wire rules: [MS-RPCE] 2.2.2.11
// (sec_trailer, auth_value), 2.2.2.12 (padding), 3.3.1.5.2 (legs, header signing).
#include <epmdump/epm/auth_info.hpp>

#include <boost/system/result.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::client {

// A mechanism's failure, typed for the admin.
struct auth_failure
{
    epm::auth_errc reason = epm::auth_errc::mechanism_failed;
    std::string detail; // one human line naming the mechanism's words (GSS major/minor text)
    friend bool operator==(const auth_failure&, const auth_failure&) = default;
};

template <typename T>
using auth_result = boost::system::result<T, auth_failure>;

// One security context: one association with one host. Not thread-safe; the session owns it.
class security_context
{
public:
    virtual ~security_context() = default;

    virtual epm::auth_type type() const noexcept = 0;
    // The mechanism doing the work: type() itself, or under negotiate (9) the one SPNEGO chose
    // (kerberos or ntlm), which the `auth` object names.
    virtual epm::auth_type mechanism() const noexcept { return type(); }

    // One leg of the context establishment. `server_token` is empty for the first call, then the
    // auth_value of bind_ack / alter_context_resp. `token` goes in the next bind, alter_context
    // or rpc_auth3 (may be empty: nothing more to send). `complete` once the context is
    // established. The first call may block on a KDC (a service ticket): the session asks its
    // driver to make it off the I/O thread (next_action::kind::authenticate).
    struct leg
    {
        std::vector<std::byte> token;
        bool complete = false;
    };
    virtual auth_result<leg> step(std::span<const std::byte> server_token) = 0;

    // Called once, before the first step, with the level the PDUs will carry, so the mechanism
    // asks for what that level needs and no more: Samba sizes a Kerberos verifier from the flags
    // the client asked for (confidentiality asked means wrap-sized, even for a signature).
    virtual void set_level(epm::auth_level level) noexcept { (void)level; }

    // Established contexts: the length of auth_value in a protected PDU.
    virtual std::size_t signature_length() const noexcept = 0;
    // The same for one protection: Kerberos's sealed token (wrap, 60-76 bytes) is longer than its
    // signature (MIC, 28); NTLM's are both 16. The session sizes auth_value with this one.
    virtual std::size_t verifier_length(bool seal) const noexcept
    {
        (void)seal;
        return signature_length();
    }

    // Protects one outgoing PDU in place. `body` is the stub and its auth padding (sealed when
    // `seal`); `header` (common header + request header) and `trailer` (sec_trailer) are signed
    // only, and are empty when header signing is not in effect. Writes signature_length() bytes.
    virtual auth_result<void> protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                                      std::span<const std::byte> trailer, std::span<std::byte> signature) = 0;
    // Checks (and unseals in place, when `sealed`) one incoming PDU; same buffer rules. A
    // signature that does not verify is auth_errc::bad_verifier.
    virtual auth_result<void> unprotect(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                                        std::span<const std::byte> trailer,
                                        std::span<const std::byte> signature) = 0;

    // The client principal as the mechanism names it ("user@REALM", "DOMAIN\\user").
    virtual std::string principal() const = 0;

    // The session key of an established context (SMB signing and encryption derive theirs from
    // it: [MS-SMB2] 3.2.5.3.1), viewed in the context's own storage, which clears it on
    // destruction. Empty before completion and for mechanisms that export none.
    virtual std::span<const std::byte> session_key() const noexcept { return {}; }
};

// One identity (credentials acquired once) shared by every host of a scan: thread-safe.
class security_provider
{
public:
    virtual ~security_provider() = default;
    virtual epm::auth_type type() const noexcept = 0;
    // A new context for one host. `host` is the name the user gave (or the one its SPN names);
    // the provider builds the SPN (host/NAME) unless it was made with one (--spn).
    virtual auth_result<std::unique_ptr<security_context>> new_context(std::string_view host) const = 0;
    // A context for a transport's own session instead of a DCE/RPC bind: SMB's SESSION_SETUP
    // ([MS-SMB2] 3.2.5.3) wants a GSS-API token as Windows sends it there (SPNEGO, mutual, not
    // DCE style: Samba refuses a bare DCE-style AP-REQ with STATUS_INVALID_PARAMETER). Only its
    // step() and session_key() are used. Mechanisms with one style only (NTLM) give new_context's.
    virtual auth_result<std::unique_ptr<security_context>> new_session_context(std::string_view host) const
    {
        return new_context(host);
    }
    // The client principal, for output before any context exists.
    virtual std::string principal() const = 0;
};

} // namespace epmdump::client
