#pragma once
// One NTLM (RPC_C_AUTHN_WINNT) security context: NEGOTIATE out, CHALLENGE in, AUTHENTICATE out
// (carried by rpc_auth3), then per-PDU signing and sealing with extended session security and
// a random exported session key (KEY_EXCH). A server that will not give us KEY_EXCH, extended
// session security, 128-bit keys or NTLMv2 target information is refused, not downgraded to.
#include <epmdump/auth/ntlm_crypto.hpp>
#include <epmdump/auth/ntlmv2.hpp>
#include <epmdump/auth/secret.hpp>
#include <epmdump/session/security_context.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::auth::ntlm {

// Who we are: shared, read-only, by every context of a run.
struct identity
{
    std::shared_ptr<const crypto> primitives;
    std::string user;
    std::string domain;
    secret nt_hash; // NTOWFv1, 16 bytes
};

// The inputs a context otherwise draws from OpenSSL's DRBG and the clock: fixed only by tests.
struct fixed_inputs
{
    std::array<std::byte, 8> client_challenge{};
    std::array<std::byte, 16> exported_session_key{};
    std::uint64_t filetime = 0; // used when the server sends no MsvAvTimestamp
};

class context final : public client::security_context
{
public:
    explicit context(std::shared_ptr<const identity> who, std::optional<fixed_inputs> fixed = std::nullopt);
    ~context() override;

    epm::auth_type type() const noexcept override { return epm::auth_type::ntlm; }
    client::auth_result<leg> step(std::span<const std::byte> server_token) override;
    std::size_t signature_length() const noexcept override { return signature_size; }
    client::auth_result<void> protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                                      std::span<const std::byte> trailer, std::span<std::byte> signature) override;
    client::auth_result<void> unprotect(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                                        std::span<const std::byte> trailer,
                                        std::span<const std::byte> signature) override;
    std::string principal() const override;
    // At level connect we ask for neither signing nor sealing (see requested_flags).
    void set_level(epm::auth_level level) noexcept override { level_ = level; }

    // ExportedSessionKey ([MS-NLMP] 3.1.5.1.2, our random key under KEY_EXCH), once established.
    std::span<const std::byte> session_key() const noexcept override { return exported_.bytes(); }

    // The flags both sides agreed on (after the CHALLENGE).
    std::uint32_t negotiated_flags() const noexcept { return flags_; }

    // SPNEGO's mechListMIC over `message` (the DER MechTypeList): GSS_GetMIC / GSS_VerifyMIC with
    // the client's / the server's signing key and next sequence number ([MS-NLMP] 3.4.4.2), after
    // which that direction's RC4 handle starts again ([MS-SPNG] 3.3.5.1: the first signed PDU
    // uses the handle state the mechListMIC used; the sequence number goes on).
    client::auth_result<std::array<std::byte, signature_size>> sign_mech_list_mic(std::span<const std::byte> message);
    client::auth_result<void> verify_mech_list_mic(std::span<const std::byte> message,
                                                   std::span<const std::byte> signature);

private:
    client::auth_result<leg> authenticate(std::span<const std::byte> challenge);

    std::shared_ptr<const identity> who_;
    std::optional<fixed_inputs> fixed_;
    enum class state : std::uint8_t { start, sent_negotiate, established, failed } state_ = state::start;
    std::vector<std::byte> negotiate_; // kept for the MIC
    std::uint32_t flags_ = 0;
    epm::auth_level level_ = epm::auth_level::privacy;
    std::optional<direction> client_;
    std::optional<direction> server_;
    secret exported_;
};

// "DOMAIN\user", or the user alone without a domain.
std::string principal_of(const identity& who);

} // namespace epmdump::auth::ntlm
