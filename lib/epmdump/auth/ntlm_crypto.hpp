#pragma once
// The primitives NTLM needs (MD4, MD5, HMAC-MD5, RC4, random bytes) from OpenSSL 3, fetched
// from a library context of our own with the legacy provider loaded (MD4 and RC4 live there):
// nothing is changed in OpenSSL's default context. Thread-safe after construction.
#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace epmdump::auth::ntlm {

using digest16 = std::array<std::byte, 16>;

// Overwrites bytes in a way the compiler keeps (OPENSSL_cleanse).
void cleanse(std::span<std::byte> bytes) noexcept;

class crypto
{
public:
    // Null with `error` set when OpenSSL cannot give us the algorithms (no legacy provider).
    static std::shared_ptr<const crypto> make(std::string& error);
    ~crypto();
    crypto(const crypto&) = delete;
    crypto& operator=(const crypto&) = delete;

    digest16 md4(std::span<const std::byte> data) const;
    // MD5 over the concatenation of the parts.
    digest16 md5(std::span<const std::span<const std::byte>> parts) const;
    // HMAC-MD5 keyed with `key` over the concatenation of the parts.
    digest16 hmac_md5(std::span<const std::byte> key, std::span<const std::span<const std::byte>> parts) const;
    // Fills `out` from OpenSSL's DRBG (of our context); false when it could not.
    bool random(std::span<std::byte> out) const noexcept;

    // One RC4 key stream (a sealing handle): each call goes on where the last stopped.
    class rc4
    {
    public:
        rc4(rc4&&) noexcept;
        rc4& operator=(rc4&&) noexcept;
        ~rc4();
        void apply(std::span<std::byte> data); // in place
    private:
        friend class crypto;
        struct state;
        explicit rc4(std::unique_ptr<state> s);
        std::unique_ptr<state> state_;
    };
    rc4 make_rc4(std::span<const std::byte> key) const;

    // One-shot RC4 (EncryptedRandomSessionKey), in place.
    void rc4_once(std::span<const std::byte> key, std::span<std::byte> data) const;

private:
    struct handles;
    explicit crypto(std::unique_ptr<handles> h);
    std::unique_ptr<handles> h_;
};

} // namespace epmdump::auth::ntlm
