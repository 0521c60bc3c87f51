#pragma once
// Session keys of SMB 2/3 ([MS-SMB2] 3.2.5.3.1, 3.1.4.2): 2.x signs with the session key itself;
// 3.0/3.0.2 derive signing, encryption and decryption keys with fixed labels and contexts
// ("SMB2AESCMAC"/"SmbSign", "SMB2AESCCM"/"ServerIn ", "SMB2AESCCM"/"ServerOut"); 3.1.1 uses the
// labels "SMBSigningKey", "SMBC2SCipherKey", "SMBS2CCipherKey" with the preauth integrity hash
// as the context.
#include <epmdump/smb2/constants.hpp>
#include <epmdump/smb2/crypto.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::smb2 {

using preauth_hash = std::array<std::byte, 64>;

struct session_keys
{
    std::vector<std::byte> signing;    // 16 octets
    std::vector<std::byte> encryption; // client to server, key_length(cipher)
    std::vector<std::byte> decryption; // server to client
};

// `session_key` is the GSS session key as the mechanism gives it: 16 octets are used (zero-padded
// when shorter), except for AES-256 ciphers in 3.1.1, which take it whole up to 32 octets.
// nullopt when the provider fails.
std::optional<session_keys> derive_keys(const crypto_provider& crypto, dialect d, cipher c,
                                        std::span<const std::byte> session_key, const preauth_hash& hash);

// The preauth integrity hash chain: hash = SHA-512(hash || message), starting from zeros.
bool update_preauth_hash(const crypto_provider& crypto, preauth_hash& hash, std::span<const std::byte> message);

// The algorithm that signs messages of a session: HMAC-SHA256 for 2.x, AES-CMAC for 3.0/3.0.2
// and for 3.1.1 unless signing capabilities chose another.
signing_algorithm signing_for(dialect d, std::optional<signing_algorithm> negotiated) noexcept;

// Signs one whole message in place (sets flags_signed and the Signature field). `message` starts
// at its SMB2 header. GMAC's nonce is the MessageId and the role/cancel bits ([MS-SMB2] 3.1.4.1).
bool sign_message(const crypto_provider& crypto, signing_algorithm a, std::span<const std::byte> key,
                  std::span<std::byte> message);
// True when the message's Signature is the one its key gives (the message itself is unchanged).
bool verify_message(const crypto_provider& crypto, signing_algorithm a, std::span<const std::byte> key,
                    std::span<const std::byte> message);

} // namespace epmdump::smb2
