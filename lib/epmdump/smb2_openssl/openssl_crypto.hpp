#pragma once
// The SMB 2/3 crypto primitives on OpenSSL 3 (EVP_MAC HMAC/CMAC/GMAC, EVP_KDF KBKDF, EVP_Digest
// SHA-512, EVP_CIPHER AES-CCM/GCM). Built with EPMDUMP_WITH_AUTH only (Linux); without it, the
// pipe session runs unsigned anonymous sessions alone.
#include <epmdump/smb2/crypto.hpp>

#include <memory>

namespace epmdump::smb2 {

// Stateless and thread-safe: one instance may serve every session.
std::shared_ptr<const crypto_provider> openssl_crypto();

} // namespace epmdump::smb2
