#pragma once
// What the user gave to authenticate with (-U, -k, --nt-hash, --auth-type, --spn), and the one
// call that turns it into a security provider shared by every host of a run.
#include <epmdump/auth/secret.hpp>
#include <epmdump/epm/auth_info.hpp>
#include <epmdump/session/security_context.hpp>

#include <memory>
#include <string>

namespace epmdump::auth {

struct credentials
{
    epm::auth_type type = epm::auth_type::negotiate;
    std::string user;        // "user", "DOMAIN\\user" or "user@REALM"; empty with use_ccache
    std::string domain;      // split from user when given as DOMAIN\user
    secret password;         // empty: nt_hash or the ticket cache
    secret nt_hash;          // 16 bytes (NTLM only), from --nt-hash
    bool use_ccache = false; // -k: the Kerberos ticket cache (KRB5CCNAME)
    std::string spn;         // --spn: the service principal for every host (default host/NAME)
    bool spn_reverse_lookup = false; // --spn-reverse-lookup: an address's NAME is its PTR name
};

// Acquires the credentials once (a TGT for a password, the cache for -k) and returns the provider
// every conversation of the run shares. Failures are typed (wrong password, KDC unreachable...).
// The password is consumed (cleared) here.
client::auth_result<std::shared_ptr<const client::security_provider>> make_security_provider(credentials c);

} // namespace epmdump::auth
