#pragma once
// Who we were on the wire: the authentication service and level of a conversation, live or
// replayed, and the typed reasons an authentication can fail. One model for client, replay
// and output (the JSON `auth` object and `error.reason`, output/SCHEMA.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace epmdump::epm {

// sec_trailer.auth_type: RPC_C_AUTHN_* ([MS-RPCE] 2.2.1.1.7). Values are the wire's.
enum class auth_type : std::uint8_t
{
    none = 0,
    negotiate = 9, // RPC_C_AUTHN_GSS_NEGOTIATE: SPNEGO (Kerberos, else NTLM)
    ntlm = 10,     // RPC_C_AUTHN_WINNT: NTLMSSP
    kerberos = 16, // RPC_C_AUTHN_GSS_KERBEROS
};

// sec_trailer.auth_level: RPC_C_AUTHN_LEVEL_* ([MS-RPCE] 2.2.1.1.8). Values are the wire's.
enum class auth_level : std::uint8_t
{
    none = 1,
    connect = 2,   // authenticated bind, PDUs unprotected
    call = 3,      // treated as packet integrity by Windows ([MS-RPCE] 3.3.1.5.2)
    packet = 4,    // idem
    integrity = 5, // every PDU signed
    privacy = 6,   // every PDU signed, stubs sealed
};

// "negotiate", "ntlm", "kerberos", "none"; another wire value as its number ("68").
std::string to_string(auth_type t);
std::optional<auth_type> parse_auth_type(std::string_view word) noexcept; // the three user words
// "none", "connect", "call", "packet", "integrity", "privacy"; another value as its number.
std::string to_string(auth_level l);
std::optional<auth_level> parse_auth_level(std::string_view word) noexcept;

// What a conversation authenticated as. `type`/`level` are raw wire bytes in a capture
// (an unknown auth_type is kept as its value).
struct auth_info
{
    auth_type type = auth_type::none;
    auth_level level = auth_level::none;
    std::string principal; // the client principal ("user@REALM", "DOMAIN\\user"); may be empty
    // Under negotiate (9): the mechanism SPNEGO chose (kerberos or ntlm); none when not known.
    auth_type mechanism = auth_type::none;
    friend bool operator==(const auth_info&, const auth_info&) = default;
};

// Why an authentication failed: the JSON `error.reason` word beside kind auth_failed or
// access_denied. Local reasons come from the security mechanism (GSS-API / the KDC), remote
// ones from the server's bind_nak, fault or verifier.
enum class auth_errc : std::uint8_t
{
    wrong_password = 1,  // the KDC or server said the password is wrong (logon failure)
    unknown_user,        // no such principal / account
    account_unusable,    // disabled, locked out, expired, password expired
    clock_skew,          // our clock and the KDC's/server's differ too much (KRB_AP_ERR_SKEW)
    no_credentials,      // no ticket cache (-k without kinit), no password given
    credentials_expired, // the ticket or TGT has expired
    kdc_unreachable,     // no KDC answered for the realm
    spn_unknown,         // the KDC does not know the service principal (--spn)
    mechanism_failed,    // any other local GSS-API failure (detail says which)
    credentials_refused, // the server refused these credentials (bind_nak / fault access denied)
    anonymous_refused,   // the server refuses unauthenticated callers (RestrictRemoteClients)
    level_refused,       // the server would not run at the level asked for
    bad_verifier,        // the server's signature or seal did not verify, or its level is lower
    spn_lookup_failed,   // --spn-reverse-lookup found no name (PTR record) for the address (keep last: readers loop to it)
};

std::string_view to_string(auth_errc e) noexcept; // the JSON word

} // namespace epmdump::epm
