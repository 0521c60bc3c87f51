#pragma once
// NTLMv2 ([MS-NLMP] 3.3.2), key derivation (3.4.5) and message protection with extended
// session security (3.4.4.2, 3.4.3): the arithmetic, on bytes, with the primitives of
// ntlm_crypto. Every key is an auth::secret (cleared when dropped).
#include <epmdump/auth/ntlm_crypto.hpp>
#include <epmdump/auth/secret.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace epmdump::auth::ntlm {

// NTOWFv1: MD4 of the UTF-16LE password (the "NT hash").
secret nt_hash_of_password(const crypto& c, std::string_view password);
// NTOWFv2: HMAC-MD5(NT hash, UTF-16LE(uppercase(user) + domain)); upper case is ASCII only.
secret ntowf_v2(const crypto& c, std::span<const std::byte> nt_hash, std::string_view user, std::string_view domain);

struct ntlmv2_response
{
    std::vector<std::byte> nt_response; // NTProofStr + the blob
    std::vector<std::byte> lm_response; // LMv2 (24 bytes), zeros when a MIC is sent
    secret session_base_key;
};

// NTProofStr = HMAC-MD5(ResponseKeyNT, ServerChallenge + temp), temp = 0x0101, zeros, time,
// client challenge, zeros, the AV pairs (with MsvAvEOL), zeros. `zero_lm`: LmChallengeResponse
// is Z(24) (a MIC and the server's timestamp, [MS-NLMP] 3.1.5.1.2).
ntlmv2_response compute_ntlmv2(const crypto& c, std::span<const std::byte> response_key,
                               std::span<const std::byte, 8> server_challenge,
                               std::span<const std::byte, 8> client_challenge, std::uint64_t filetime,
                               std::span<const std::byte> av_pairs, bool zero_lm);

// The signing and sealing keys of one direction (128-bit keys, extended session security).
struct direction_keys
{
    secret sign_key;
    secret seal_key;
};
direction_keys client_keys(const crypto& c, std::span<const std::byte> exported_session_key);
direction_keys server_keys(const crypto& c, std::span<const std::byte> exported_session_key);

inline constexpr std::size_t signature_size = 16; // NTLMSSP_MESSAGE_SIGNATURE with ESS

// One direction's protection: sequence number and sealing handle ([MS-NLMP] 3.4.4.2). The
// signed message is the concatenation of `signed_parts`; seal/unseal encrypt/decrypt `body`
// (which is one of the signed parts, signed in plaintext) with the same handle first.
class direction
{
public:
    direction(const crypto& c, direction_keys keys, bool key_exch);

    std::array<std::byte, signature_size> sign(std::span<const std::span<const std::byte>> signed_parts);
    // Encrypts `body` in place and signs the plaintext: `signed_parts` must name `body` as it is
    // before the call (its bytes are read before they are encrypted).
    std::array<std::byte, signature_size> seal(std::span<std::byte> body,
                                               std::span<const std::span<const std::byte>> signed_parts);
    // Decrypts `body` in place, then checks the signature over the plaintext.
    bool unseal(std::span<std::byte> body, std::span<const std::span<const std::byte>> signed_parts,
                std::span<const std::byte> signature);
    bool verify(std::span<const std::span<const std::byte>> signed_parts, std::span<const std::byte> signature);

    std::uint32_t sequence() const noexcept { return seq_; }
    // The sealing handle back to its first state, the sequence number kept: what SPNEGO does
    // after a mechListMIC ([MS-SPNG] 3.3.5.1), so the first PDU uses the handle the MIC used.
    void reset_handle();

private:
    std::array<std::byte, signature_size> mac(std::span<const std::span<const std::byte>> signed_parts);

    const crypto* c_;
    secret sign_key_;
    secret seal_key_;
    crypto::rc4 handle_;
    bool key_exch_;
    std::uint32_t seq_ = 0;
};

} // namespace epmdump::auth::ntlm
