#include <epmdump/auth/ntlm_crypto.hpp>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace epmdump::auth::ntlm {
namespace {

const unsigned char* bytes_of(std::span<const std::byte> b) noexcept
{
    return reinterpret_cast<const unsigned char*>(b.data());
}

unsigned char* bytes_of(std::span<std::byte> b) noexcept
{
    return reinterpret_cast<unsigned char*>(b.data());
}

// After a successful fetch only memory exhaustion fails here: an exception the context turns
// into a typed mechanism failure.
void check(int ok, const char* what)
{
    if (ok != 1) throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
}

// One 16-byte digest (MD4 or MD5) over the concatenation of the parts.
digest16 digest(const EVP_MD* md, std::span<const std::span<const std::byte>> parts)
{
    digest16 out{};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    check(ctx ? 1 : 0, "EVP_MD_CTX_new");
    check(EVP_DigestInit_ex2(ctx.get(), md, nullptr), "digest init");
    for (auto p : parts) check(EVP_DigestUpdate(ctx.get(), p.data(), p.size()), "digest update");
    check(EVP_DigestFinal_ex(ctx.get(), bytes_of(std::span<std::byte>(out)), nullptr), "digest final");
    return out;
}

} // namespace

void cleanse(std::span<std::byte> bytes) noexcept
{
    OPENSSL_cleanse(bytes.data(), bytes.size());
}

struct crypto::handles
{
    OSSL_LIB_CTX* lib = nullptr;
    OSSL_PROVIDER* legacy = nullptr;
    OSSL_PROVIDER* base = nullptr;
    EVP_MD* md4 = nullptr;
    EVP_MD* md5 = nullptr;
    EVP_MAC* hmac = nullptr;
    EVP_CIPHER* rc4 = nullptr;

    ~handles()
    {
        EVP_CIPHER_free(rc4);
        EVP_MAC_free(hmac);
        EVP_MD_free(md5);
        EVP_MD_free(md4);
        if (base) OSSL_PROVIDER_unload(base);
        if (legacy) OSSL_PROVIDER_unload(legacy);
        OSSL_LIB_CTX_free(lib);
    }
};

std::shared_ptr<const crypto> crypto::make(std::string& error)
{
    auto h = std::make_unique<handles>();
    h->lib = OSSL_LIB_CTX_new();
    if (!h->lib)
    {
        error = "OpenSSL: no library context";
        return nullptr;
    }
    h->legacy = OSSL_PROVIDER_load(h->lib, "legacy");
    h->base = OSSL_PROVIDER_load(h->lib, "default");
    if (!h->legacy || !h->base)
    {
        error = "OpenSSL: the legacy provider (MD4, RC4 for NTLM) could not be loaded";
        return nullptr;
    }
    h->md4 = EVP_MD_fetch(h->lib, "MD4", nullptr);
    h->md5 = EVP_MD_fetch(h->lib, "MD5", nullptr);
    h->hmac = EVP_MAC_fetch(h->lib, "HMAC", nullptr);
    h->rc4 = EVP_CIPHER_fetch(h->lib, "RC4", nullptr);
    if (!h->md4 || !h->md5 || !h->hmac || !h->rc4)
    {
        error = "OpenSSL: MD4, MD5, HMAC or RC4 not available";
        return nullptr;
    }
    return std::shared_ptr<const crypto>(new crypto(std::move(h)));
}

crypto::crypto(std::unique_ptr<handles> h) : h_(std::move(h)) {}
crypto::~crypto() = default;

digest16 crypto::md4(std::span<const std::byte> data) const
{
    const std::span<const std::byte> parts[] = {data};
    return digest(h_->md4, parts);
}

digest16 crypto::md5(std::span<const std::span<const std::byte>> parts) const
{
    return digest(h_->md5, parts);
}

digest16 crypto::hmac_md5(std::span<const std::byte> key, std::span<const std::span<const std::byte>> parts) const
{
    digest16 out{};
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(h_->hmac), EVP_MAC_CTX_free);
    check(ctx ? 1 : 0, "EVP_MAC_CTX_new");
    char digest_name[] = "MD5";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                                 OSSL_PARAM_construct_end()};
    check(EVP_MAC_init(ctx.get(), bytes_of(key), key.size(), params), "HMAC-MD5 init");
    for (auto p : parts) check(EVP_MAC_update(ctx.get(), bytes_of(p), p.size()), "HMAC-MD5 update");
    std::size_t length = 0;
    check(EVP_MAC_final(ctx.get(), bytes_of(std::span<std::byte>(out)), &length, out.size()), "HMAC-MD5 final");
    return out;
}

bool crypto::random(std::span<std::byte> out) const noexcept
{
    return RAND_bytes_ex(h_->lib, bytes_of(out), out.size(), 0) == 1;
}

struct crypto::rc4::state
{
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx{EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free};
};

crypto::rc4::rc4(std::unique_ptr<state> s) : state_(std::move(s)) {}
crypto::rc4::rc4(rc4&&) noexcept = default;
crypto::rc4& crypto::rc4::operator=(rc4&&) noexcept = default;
crypto::rc4::~rc4() = default; // EVP_CIPHER_CTX_free clears the key schedule

void crypto::rc4::apply(std::span<std::byte> data)
{
    // EVP_EncryptUpdate takes an int length; PDUs are far below that, but stay exact.
    while (!data.empty())
    {
        const int n = static_cast<int>(std::min<std::size_t>(data.size(), 1u << 30));
        int written = 0;
        check(EVP_EncryptUpdate(state_->ctx.get(), bytes_of(data), &written, bytes_of(data), n), "RC4");
        data = data.subspan(static_cast<std::size_t>(n));
    }
}

crypto::rc4 crypto::make_rc4(std::span<const std::byte> key) const
{
    auto s = std::make_unique<rc4::state>();
    check(s->ctx ? 1 : 0, "EVP_CIPHER_CTX_new");
    const unsigned int key_length = static_cast<unsigned int>(key.size());
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_uint(OSSL_CIPHER_PARAM_KEYLEN, const_cast<unsigned int*>(&key_length)),
                                 OSSL_PARAM_construct_end()};
    check(EVP_EncryptInit_ex2(s->ctx.get(), h_->rc4, nullptr, nullptr, nullptr), "RC4 init");
    check(EVP_CIPHER_CTX_set_params(s->ctx.get(), params), "RC4 key length");
    check(EVP_EncryptInit_ex2(s->ctx.get(), nullptr, bytes_of(key), nullptr, nullptr), "RC4 key");
    return rc4(std::move(s));
}

void crypto::rc4_once(std::span<const std::byte> key, std::span<std::byte> data) const
{
    auto stream = make_rc4(key);
    stream.apply(data);
}

} // namespace epmdump::auth::ntlm
