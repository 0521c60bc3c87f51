#pragma once
// NTLM (RPC_C_AUTHN_WINNT, auth type 10) as a security provider: NTLMv2 on OpenSSL's
// primitives (README, "Authentication": why not gss-ntlmssp). One identity per run: the NT
// hash is computed once and shared, read-only, by every host's context.
#include <epmdump/auth/credentials.hpp>
#include <epmdump/session/security_context.hpp>

#include <memory>

namespace epmdump::auth {

// From `c.user` ("user", "DOMAIN\\user" or "user@REALM" with an empty domain), `c.domain`, and
// `c.password` or `c.nt_hash` (16 bytes): both are consumed (cleared). Failures:
// no_credentials (no user, no password or hash), mechanism_failed (an NT hash that is not 16
// bytes, OpenSSL without its legacy provider). `spnego`: each context is wrapped in SPNEGO, auth
// type negotiate (spnego_ntlm_context.hpp), as Windows' Negotiate does without Kerberos.
client::auth_result<std::shared_ptr<const client::security_provider>> make_ntlm_provider(credentials& c,
                                                                                         bool spnego = false);

} // namespace epmdump::auth
