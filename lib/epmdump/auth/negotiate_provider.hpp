#pragma once
// Negotiate as Windows' Negotiate package behaves: SPNEGO with Kerberos when the KDC knows the
// target's service principal, else SPNEGO with NTLM (still auth type 9) with the same user and
// password — a target given by address has no host/NAME principal. Chosen per host, on its
// first leg.
#include <epmdump/session/security_context.hpp>

#include <memory>

namespace epmdump::auth {

// `kerberos`: the GSS-API provider for auth type negotiate; `ntlm`: the NTLM provider made from
// the same credentials (its contexts wrapped in SPNEGO).
std::shared_ptr<const client::security_provider>
make_negotiate_provider(std::shared_ptr<const client::security_provider> kerberos,
                        std::shared_ptr<const client::security_provider> ntlm);

} // namespace epmdump::auth
