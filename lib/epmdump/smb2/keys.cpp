#include <epmdump/smb2/header.hpp>
#include <epmdump/smb2/keys.hpp>

#include <epmdump/core/byte_order.hpp>

#include <algorithm>
#include <string_view>

namespace epmdump::smb2 {
namespace {

// A label or context as the KDF takes it: the spec's string with its terminating NUL.
std::span<const std::byte> with_nul(std::string_view literal_with_nul) noexcept
{
    return std::as_bytes(std::span<const char>(literal_with_nul.data(), literal_with_nul.size()));
}

using namespace std::string_view_literals;

} // namespace

std::optional<session_keys> derive_keys(const crypto_provider& crypto, dialect d, cipher c,
                                        std::span<const std::byte> session_key, const preauth_hash& hash)
{
    // Session.SessionKey: the first 16 octets, zero-padded; the full key (to 32) for AES-256 in 3.1.1.
    const bool full = d == dialect::smb3_1_1 && key_length(c) == 32;
    std::vector<std::byte> key(full ? std::min<std::size_t>(session_key.size(), 32) : 16, std::byte{0});
    if (full && key.size() < 16) key.resize(16, std::byte{0});
    std::copy_n(session_key.begin(), std::min(session_key.size(), key.size()), key.begin());

    session_keys out;
    if (!is_smb3(d))
    {
        out.signing = key;
        return out;
    }
    const std::size_t cipher_length = c == cipher::none ? 16 : key_length(c);
    out.signing.resize(16);
    out.encryption.resize(cipher_length);
    out.decryption.resize(cipher_length);
    const std::span<const std::byte> base = std::span<const std::byte>(key);
    bool ok = false;
    if (d == dialect::smb3_1_1)
    {
        ok = crypto.kdf(base, with_nul("SMBSigningKey\0"sv), hash, out.signing) &&
             crypto.kdf(base, with_nul("SMBC2SCipherKey\0"sv), hash, out.encryption) &&
             crypto.kdf(base, with_nul("SMBS2CCipherKey\0"sv), hash, out.decryption);
    }
    else
    {
        ok = crypto.kdf(base, with_nul("SMB2AESCMAC\0"sv), with_nul("SmbSign\0"sv), out.signing) &&
             crypto.kdf(base, with_nul("SMB2AESCCM\0"sv), with_nul("ServerIn \0"sv), out.encryption) &&
             crypto.kdf(base, with_nul("SMB2AESCCM\0"sv), with_nul("ServerOut\0"sv), out.decryption);
    }
    if (!ok) return std::nullopt;
    return out;
}

bool update_preauth_hash(const crypto_provider& crypto, preauth_hash& hash, std::span<const std::byte> message)
{
    preauth_hash next{};
    if (!crypto.sha512(hash, message, next)) return false;
    hash = next;
    return true;
}

signing_algorithm signing_for(dialect d, std::optional<signing_algorithm> negotiated) noexcept
{
    if (!is_smb3(d)) return signing_algorithm::hmac_sha256;
    if (d == dialect::smb3_1_1 && negotiated) return *negotiated;
    return signing_algorithm::aes_cmac;
}

namespace {

bool compute(const crypto_provider& crypto, signing_algorithm a, std::span<const std::byte> key,
             std::span<const std::byte> message, std::span<std::byte, 16> out)
{
    if (message.size() < header_size) return false;
    // The MAC covers the message with a zeroed Signature field.
    std::vector<std::byte> copy(message.begin(), message.end());
    std::fill_n(copy.begin() + signature_offset, 16, std::byte{0});
    std::array<std::byte, 12> nonce{};
    std::span<const std::byte> nonce_view;
    if (a == signing_algorithm::aes_gmac)
    {
        std::copy_n(message.begin() + 24, 8, nonce.begin()); // MessageId, little-endian as on the wire
        const auto flags = load<std::uint32_t>(message.subspan(16).first<4>(), byte_order::little);
        const auto cmd = load<std::uint16_t>(message.subspan(12).first<2>(), byte_order::little);
        std::uint32_t role = (flags & flags_server_to_redir) != 0 ? 1u : 0u;
        if (cmd == static_cast<std::uint16_t>(command::cancel)) role |= 2u;
        store(std::span<std::byte, 4>(nonce.data() + 8, 4), role, byte_order::little);
        nonce_view = nonce;
    }
    return crypto.mac(a, key, nonce_view, copy, out);
}

} // namespace

bool sign_message(const crypto_provider& crypto, signing_algorithm a, std::span<const std::byte> key,
                  std::span<std::byte> message)
{
    if (message.size() < header_size) return false;
    auto flags = load<std::uint32_t>(std::span<const std::byte>(message).subspan(16).first<4>(), byte_order::little);
    flags |= flags_signed;
    store(message.subspan(16).first<4>(), flags, byte_order::little);
    std::array<std::byte, 16> mac{};
    if (!compute(crypto, a, key, message, mac)) return false;
    std::copy(mac.begin(), mac.end(), message.begin() + signature_offset);
    return true;
}

bool verify_message(const crypto_provider& crypto, signing_algorithm a, std::span<const std::byte> key,
                    std::span<const std::byte> message)
{
    std::array<std::byte, 16> mac{};
    if (!compute(crypto, a, key, message, mac)) return false;
    // Constant time is not needed here: the client verifies, and learns nothing a server could use.
    return std::equal(mac.begin(), mac.end(), message.begin() + signature_offset);
}

} // namespace epmdump::smb2
