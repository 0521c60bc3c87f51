#include <epmdump/smb2_openssl/openssl_crypto.hpp>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace epmdump::smb2 {
namespace {

unsigned char* u(std::span<std::byte> s) noexcept { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* u(std::span<const std::byte> s) noexcept
{
    return reinterpret_cast<const unsigned char*>(s.data());
}
void* v(std::span<const std::byte> s) noexcept { return const_cast<std::byte*>(s.data()); } // OSSL_PARAM wants void*

struct mac_deleter
{
    void operator()(EVP_MAC* m) const noexcept { EVP_MAC_free(m); }
    void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }
    void operator()(EVP_KDF* k) const noexcept { EVP_KDF_free(k); }
    void operator()(EVP_KDF_CTX* c) const noexcept { EVP_KDF_CTX_free(c); }
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
template <class T>
using owned = std::unique_ptr<T, mac_deleter>;

const EVP_CIPHER* aead_cipher(cipher c) noexcept
{
    switch (c)
    {
    case cipher::aes128_ccm: return EVP_aes_128_ccm();
    case cipher::aes128_gcm: return EVP_aes_128_gcm();
    case cipher::aes256_ccm: return EVP_aes_256_ccm();
    case cipher::aes256_gcm: return EVP_aes_256_gcm();
    case cipher::none: break;
    }
    return nullptr;
}

bool is_ccm(cipher c) noexcept { return c == cipher::aes128_ccm || c == cipher::aes256_ccm; }

// One AEAD pass; encrypting writes the tag, decrypting checks it.
bool aead(bool encrypt, cipher c, std::span<const std::byte> key, std::span<const std::byte> nonce,
          std::span<const std::byte> aad, std::span<std::byte> data, std::span<std::byte, 16> tag)
{
    const EVP_CIPHER* algorithm = aead_cipher(c);
    if (algorithm == nullptr || key.size() != key_length(c) || nonce.size() != nonce_length(c)) return false;
    owned<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
    if (!ctx) return false;
    const int enc = encrypt ? 1 : 0;
    if (EVP_CipherInit_ex(ctx.get(), algorithm, nullptr, nullptr, nullptr, enc) != 1) return false;
    const int ivlen_ctrl = is_ccm(c) ? EVP_CTRL_CCM_SET_IVLEN : EVP_CTRL_GCM_SET_IVLEN;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), ivlen_ctrl, static_cast<int>(nonce.size()), nullptr) != 1) return false;
    if (is_ccm(c))
    {
        // CCM fixes the tag length (and, when decrypting, the expected tag) before the key.
        if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_SET_TAG, 16, encrypt ? nullptr : tag.data()) != 1)
            return false;
    }
    if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, u(key), u(nonce), enc) != 1) return false;
    int len = 0;
    if (is_ccm(c) && EVP_CipherUpdate(ctx.get(), nullptr, &len, nullptr, static_cast<int>(data.size())) != 1)
        return false;
    if (EVP_CipherUpdate(ctx.get(), nullptr, &len, u(aad), static_cast<int>(aad.size())) != 1) return false;
    if (!data.empty() && EVP_CipherUpdate(ctx.get(), u(data), &len, u(data), static_cast<int>(data.size())) != 1)
        return false; // CCM decryption fails here when the tag does not verify
    if (!is_ccm(c) && !encrypt && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) != 1)
        return false;
    if (!is_ccm(c) || encrypt)
    {
        if (EVP_CipherFinal_ex(ctx.get(), nullptr, &len) != 1) return false; // GCM: the tag check
    }
    if (encrypt)
    {
        const int get = is_ccm(c) ? EVP_CTRL_CCM_GET_TAG : EVP_CTRL_GCM_GET_TAG;
        if (EVP_CIPHER_CTX_ctrl(ctx.get(), get, 16, tag.data()) != 1) return false;
    }
    return true;
}

class openssl_provider final : public crypto_provider
{
public:
    bool mac(signing_algorithm algorithm, std::span<const std::byte> key, std::span<const std::byte> nonce,
             std::span<const std::byte> message, std::span<std::byte, 16> out) const override
    {
        const char* name = algorithm == signing_algorithm::hmac_sha256 ? "HMAC"
                           : algorithm == signing_algorithm::aes_cmac  ? "CMAC"
                                                                       : "GMAC";
        owned<EVP_MAC> m(EVP_MAC_fetch(nullptr, name, nullptr));
        if (!m) return false;
        owned<EVP_MAC_CTX> ctx(EVP_MAC_CTX_new(m.get()));
        if (!ctx) return false;
        std::array<OSSL_PARAM, 3> params{};
        std::size_t n = 0;
        char sha256[] = "SHA256";
        char cbc[] = "AES-128-CBC";
        char gcm[] = "AES-128-GCM";
        if (algorithm == signing_algorithm::hmac_sha256)
            params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, sha256, 0);
        else if (algorithm == signing_algorithm::aes_cmac)
            params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cbc, 0);
        else
        {
            if (nonce.size() != 12) return false;
            params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, gcm, 0);
            params[n++] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_IV, v(nonce), nonce.size());
        }
        params[n] = OSSL_PARAM_construct_end();
        if (algorithm != signing_algorithm::hmac_sha256 && key.size() != 16) return false;
        if (EVP_MAC_init(ctx.get(), u(key), key.size(), params.data()) != 1) return false;
        if (EVP_MAC_update(ctx.get(), u(message), message.size()) != 1) return false;
        std::array<unsigned char, 64> full{};
        std::size_t length = 0;
        if (EVP_MAC_final(ctx.get(), full.data(), &length, full.size()) != 1 || length < 16) return false;
        std::memcpy(out.data(), full.data(), 16); // HMAC-SHA256 is truncated to 16 octets
        return true;
    }

    bool kdf(std::span<const std::byte> key, std::span<const std::byte> label, std::span<const std::byte> context,
             std::span<std::byte> out) const override
    {
        owned<EVP_KDF> k(EVP_KDF_fetch(nullptr, "KBKDF", nullptr));
        if (!k) return false;
        owned<EVP_KDF_CTX> ctx(EVP_KDF_CTX_new(k.get()));
        if (!ctx) return false;
        char counter[] = "COUNTER";
        char hmac[] = "HMAC";
        char sha256[] = "SHA256";
        // SP800-108 counter mode, r = 32: [i]_4 || Label || 0x00 || Context || [L]_4, as OpenSSL's
        // defaults (separator and length field on) write it.
        const std::array<OSSL_PARAM, 7> params{
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, counter, 0),
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, hmac, 0),
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, sha256, 0),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, v(key), key.size()),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, v(label), label.size()),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, v(context), context.size()),
            OSSL_PARAM_construct_end(),
        };
        return EVP_KDF_derive(ctx.get(), u(out), out.size(), params.data()) == 1;
    }

    bool sha512(std::span<const std::byte> a, std::span<const std::byte> b, std::span<std::byte, 64> out) const override
    {
        owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
        unsigned int length = 0;
        return ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha512(), nullptr) == 1 &&
               EVP_DigestUpdate(ctx.get(), a.data(), a.size()) == 1 &&
               EVP_DigestUpdate(ctx.get(), b.data(), b.size()) == 1 &&
               EVP_DigestFinal_ex(ctx.get(), u(std::span<std::byte>(out)), &length) == 1 && length == 64;
    }

    bool encrypt(cipher c, std::span<const std::byte> key, std::span<const std::byte> nonce,
                 std::span<const std::byte> aad, std::span<std::byte> data, std::span<std::byte, 16> tag) const override
    {
        return aead(true, c, key, nonce, aad, data, tag);
    }

    bool decrypt(cipher c, std::span<const std::byte> key, std::span<const std::byte> nonce,
                 std::span<const std::byte> aad, std::span<std::byte> data,
                 std::span<const std::byte, 16> tag) const override
    {
        std::array<std::byte, 16> expected{};
        std::copy(tag.begin(), tag.end(), expected.begin());
        return aead(false, c, key, nonce, aad, data, expected);
    }
};

} // namespace

std::shared_ptr<const crypto_provider> openssl_crypto()
{
    return std::make_shared<const openssl_provider>();
}

} // namespace epmdump::smb2
