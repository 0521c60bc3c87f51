#pragma once
// Who authenticated, as a capture shows it: the user and domain fields of an NTLM AUTHENTICATE
// message ([MS-NLMP] 2.2.1.3), sent in the clear in rpc_auth3 (auth type 10) or inside SPNEGO
// (auth type 9). Kerberos names its client only inside the encrypted authenticator.
#include <epmdump/core/codec_error.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace epmdump::capture {

// "DOMAIN\user", or "user" when the domain field is empty; "" for an anonymous AUTHENTICATE.
// Looks for the NTLMSSP signature anywhere in token (SPNEGO wraps the message in DER) and
// reads the first AUTHENTICATE message found. nullopt when there is none; a codec_error when
// one is there but a field runs outside it (offsets are token's).
result<std::optional<std::string>> ntlm_authenticate_principal(std::span<const std::byte> token) noexcept;

} // namespace epmdump::capture
