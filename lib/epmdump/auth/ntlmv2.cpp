#include <epmdump/auth/ntlmv2.hpp>

#include <epmdump/auth/ntlm_messages.hpp>

#include <openssl/crypto.h>

#include <boost/endian/conversion.hpp>

#include <algorithm>
#include <string>

namespace epmdump::auth::ntlm {
namespace {

// The magic constants of SIGNKEY and SEALKEY ([MS-NLMP] 3.4.5.2, 3.4.5.3), NUL included.
constexpr std::string_view client_sign_magic{"session key to client-to-server signing key magic constant\0", 59};
constexpr std::string_view client_seal_magic{"session key to client-to-server sealing key magic constant\0", 59};
constexpr std::string_view server_sign_magic{"session key to server-to-client signing key magic constant\0", 59};
constexpr std::string_view server_seal_magic{"session key to server-to-client sealing key magic constant\0", 59};

std::span<const std::byte> as_bytes(std::string_view s) noexcept
{
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// A digest that becomes a secret, the stack copy cleared.
secret keep(digest16& d)
{
    secret s{std::span<const std::byte>(d)};
    cleanse(d);
    return s;
}

direction_keys keys_for(const crypto& c, std::span<const std::byte> exported, std::string_view sign_magic,
                        std::string_view seal_magic)
{
    const std::span<const std::byte> sign_parts[] = {exported, as_bytes(sign_magic)};
    const std::span<const std::byte> seal_parts[] = {exported, as_bytes(seal_magic)};
    auto sign = c.md5(sign_parts);
    auto seal = c.md5(seal_parts);
    return {keep(sign), keep(seal)};
}

std::array<std::byte, 4> le32(std::uint32_t v) noexcept
{
    std::array<std::byte, 4> out{};
    boost::endian::store_little_u32(reinterpret_cast<unsigned char*>(out.data()), v);
    return out;
}

} // namespace

secret nt_hash_of_password(const crypto& c, std::string_view password)
{
    auto text = utf16le(password);
    auto digest = c.md4(text);
    cleanse(text);
    return keep(digest);
}

secret ntowf_v2(const crypto& c, std::span<const std::byte> nt_hash, std::string_view user, std::string_view domain)
{
    std::string identity(user);
    std::transform(identity.begin(), identity.end(), identity.begin(),
                   [](char ch) { return ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch; });
    identity += domain;
    const auto text = utf16le(identity);
    const std::span<const std::byte> parts[] = {text};
    auto digest = c.hmac_md5(nt_hash, parts);
    return keep(digest);
}

ntlmv2_response compute_ntlmv2(const crypto& c, std::span<const std::byte> response_key,
                               std::span<const std::byte, 8> server_challenge,
                               std::span<const std::byte, 8> client_challenge, std::uint64_t filetime,
                               std::span<const std::byte> av_pairs, bool zero_lm)
{
    // temp ([MS-NLMP] 3.3.2): RespType 1, HiRespType 1, Z(6), Time, ClientChallenge, Z(4),
    // ServerName (the AV pairs), Z(4).
    std::vector<std::byte> temp{std::byte{1}, std::byte{1}, std::byte{0}, std::byte{0},
                                std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}};
    std::array<std::byte, 8> time{};
    boost::endian::store_little_u64(reinterpret_cast<unsigned char*>(time.data()), filetime);
    temp.insert(temp.end(), time.begin(), time.end());
    temp.insert(temp.end(), client_challenge.begin(), client_challenge.end());
    temp.insert(temp.end(), 4, std::byte{0});
    temp.insert(temp.end(), av_pairs.begin(), av_pairs.end());
    temp.insert(temp.end(), 4, std::byte{0});

    const std::span<const std::byte> proof_parts[] = {server_challenge, temp};
    const auto proof = c.hmac_md5(response_key, proof_parts);
    ntlmv2_response r;
    r.nt_response.resize(proof.size() + temp.size());
    std::copy(temp.begin(), temp.end(), std::copy(proof.begin(), proof.end(), r.nt_response.begin()));
    if (zero_lm)
        r.lm_response.assign(24, std::byte{0});
    else
    {
        const std::span<const std::byte> lm_parts[] = {server_challenge, client_challenge};
        const auto lm = c.hmac_md5(response_key, lm_parts);
        r.lm_response.resize(lm.size() + client_challenge.size());
        std::copy(client_challenge.begin(), client_challenge.end(), std::copy(lm.begin(), lm.end(), r.lm_response.begin()));
    }
    const std::span<const std::byte> key_parts[] = {proof};
    auto base = c.hmac_md5(response_key, key_parts);
    r.session_base_key = keep(base);
    return r;
}

direction_keys client_keys(const crypto& c, std::span<const std::byte> exported_session_key)
{
    return keys_for(c, exported_session_key, client_sign_magic, client_seal_magic);
}

direction_keys server_keys(const crypto& c, std::span<const std::byte> exported_session_key)
{
    return keys_for(c, exported_session_key, server_sign_magic, server_seal_magic);
}

direction::direction(const crypto& c, direction_keys keys, bool key_exch)
    : c_(&c), sign_key_(std::move(keys.sign_key)), seal_key_(std::move(keys.seal_key)),
      handle_(c.make_rc4(seal_key_.bytes())), key_exch_(key_exch)
{
}

void direction::reset_handle()
{
    handle_ = c_->make_rc4(seal_key_.bytes());
}

std::array<std::byte, signature_size> direction::mac(std::span<const std::span<const std::byte>> signed_parts)
{
    // MAC with extended session security ([MS-NLMP] 3.4.4.2): Version 1, the first 8 bytes of
    // HMAC_MD5(SigningKey, SeqNum + Message), RC4-encrypted with the handle under KEY_EXCH, SeqNum.
    const auto seq = le32(seq_);
    std::vector<std::span<const std::byte>> parts{seq};
    parts.insert(parts.end(), signed_parts.begin(), signed_parts.end());
    auto digest = c_->hmac_md5(sign_key_.bytes(), parts);
    std::array<std::byte, signature_size> out{std::byte{1}, std::byte{0}, std::byte{0}, std::byte{0}};
    std::copy_n(digest.begin(), 8, out.begin() + 4);
    cleanse(digest);
    return out;
}

std::array<std::byte, signature_size> direction::sign(std::span<const std::span<const std::byte>> signed_parts)
{
    auto out = mac(signed_parts);
    if (key_exch_) handle_.apply(std::span<std::byte>(out).subspan(4, 8));
    const auto seq = le32(seq_++);
    std::copy(seq.begin(), seq.end(), out.begin() + 12);
    return out;
}

std::array<std::byte, signature_size> direction::seal(std::span<std::byte> body,
                                                      std::span<const std::span<const std::byte>> signed_parts)
{
    // The checksum is over the plaintext; the handle encrypts the message, then the checksum.
    auto out = mac(signed_parts);
    handle_.apply(body);
    if (key_exch_) handle_.apply(std::span<std::byte>(out).subspan(4, 8));
    const auto seq = le32(seq_++);
    std::copy(seq.begin(), seq.end(), out.begin() + 12);
    return out;
}

bool direction::unseal(std::span<std::byte> body, std::span<const std::span<const std::byte>> signed_parts,
                       std::span<const std::byte> signature)
{
    handle_.apply(body);
    return verify(signed_parts, signature);
}

bool direction::verify(std::span<const std::span<const std::byte>> signed_parts, std::span<const std::byte> signature)
{
    const auto expected = sign(signed_parts);
    return signature.size() == expected.size() &&
           CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
}

} // namespace epmdump::auth::ntlm
