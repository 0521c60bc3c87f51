#pragma once
// The cryptographic primitives SMB 2/3 signing and encryption need, behind an interface so the
// codec and the pipe session stay free of OpenSSL (lib/epmdump/smb2_openssl implements it with
// EVP_MAC / EVP_CIPHER / EVP_KDF; a build without it can only run unsigned sessions).
#include <epmdump/smb2/constants.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace epmdump::smb2 {

class crypto_provider
{
public:
    virtual ~crypto_provider() = default;

    // A 16-octet message authentication code of `message` ([MS-SMB2] 3.1.4.1): HMAC-SHA256
    // truncated to 16 octets, AES-CMAC-128, or AES-128-GMAC with the 12-octet `nonce` (empty for
    // the others). False when the primitive failed (never for a wrong key length of 16).
    virtual bool mac(signing_algorithm algorithm, std::span<const std::byte> key, std::span<const std::byte> nonce,
                     std::span<const std::byte> message, std::span<std::byte, 16> out) const = 0;

    // SP800-108 KDF in counter mode with HMAC-SHA256 (r = 32, L = out.size() * 8), the label and
    // context taken as given (their terminating NUL included by the caller), [MS-SMB2] 3.1.4.2.
    virtual bool kdf(std::span<const std::byte> key, std::span<const std::byte> label,
                     std::span<const std::byte> context, std::span<std::byte> out) const = 0;

    // SHA-512 of a then b (the 3.1.1 preauth integrity hash chain, [MS-SMB2] 3.2.5.2).
    virtual bool sha512(std::span<const std::byte> a, std::span<const std::byte> b,
                        std::span<std::byte, 64> out) const = 0;

    // AEAD in place for the TRANSFORM_HEADER: `nonce` is nonce_length(c) octets, `aad` the 32
    // octets of the transform header from its nonce, tag 16 octets. decrypt returns false when
    // the tag does not verify (the data is then unspecified).
    virtual bool encrypt(cipher c, std::span<const std::byte> key, std::span<const std::byte> nonce,
                         std::span<const std::byte> aad, std::span<std::byte> data,
                         std::span<std::byte, 16> tag) const = 0;
    virtual bool decrypt(cipher c, std::span<const std::byte> key, std::span<const std::byte> nonce,
                         std::span<const std::byte> aad, std::span<std::byte> data,
                         std::span<const std::byte, 16> tag) const = 0;
};

} // namespace epmdump::smb2
