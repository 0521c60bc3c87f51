#pragma once
// One GSS-API security context with one host, DCE style ([MS-KILE] 3.4.5, [MS-RPCE] 3.3.1.5.2):
// bind (AP-REQ) -> bind_ack (AP-REP) -> rpc_auth3 (our AP-REP), SPNEGO wrapping it for type 9.
// Privacy seals with gss_wrap_iov, the whole token in the verifier (RFC 4121 4.2.4: the trailer
// rotated into the header); integrity signs with a MIC over the PDU, as Samba and Windows do.
// A session context (SMB session setup) is SPNEGO carrying Kerberos, mutual, not DCE style:
// AP-REQ in the first token, the server's AP-REP (in its negTokenResp) completes it.
#include <epmdump/auth/gss_handles.hpp>
#include <epmdump/auth/secret.hpp>
#include <epmdump/session/security_context.hpp>

#include <cstdint>
#include <memory>

namespace epmdump::auth {

class gss_provider;

class gss_context final : public client::security_context
{
public:
    enum class style : std::uint8_t
    {
        dce,     // a DCE/RPC bind's three legs ([MS-KILE] 3.4.5)
        session, // a transport's session setup (SMB): the GSS-API exchange of RFC 4121
    };
    gss_context(std::shared_ptr<const gss_provider> provider, gss_name target, style s);
    gss_context(const gss_context&) = delete;
    gss_context& operator=(const gss_context&) = delete;
    ~gss_context() override;

    epm::auth_type type() const noexcept override;
    client::auth_result<leg> step(std::span<const std::byte> server_token) override;
    void set_level(epm::auth_level level) noexcept override { level_ = level; }
    // The sealed length (privacy); verifier_length(false) is the MIC's (integrity).
    std::size_t signature_length() const noexcept override { return seal_length_; }
    std::size_t verifier_length(bool seal) const noexcept override { return seal ? seal_length_ : sign_length_; }
    client::auth_result<void> protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                                      std::span<const std::byte> trailer, std::span<std::byte> signature) override;
    client::auth_result<void> unprotect(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                                        std::span<const std::byte> trailer,
                                        std::span<const std::byte> signature) override;
    std::string principal() const override;
    // Kerberos under either type (SPNEGO offers it alone).
    epm::auth_type mechanism() const noexcept override { return epm::auth_type::kerberos; }
    // The established context's session key (GSS_C_INQ_SSPI_SESSION_KEY).
    std::span<const std::byte> session_key() const noexcept override { return session_key_.bytes(); }

    // What the context was granted (GSS_C_*_FLAG), once established.
    OM_uint32 flags() const noexcept { return flags_; }

private:
    OM_uint32 wanted_flags() const noexcept;
    gss_OID mech() const noexcept;
    client::auth_result<void> established();
    client::auth_failure leg_failure(OM_uint32 major, OM_uint32 minor) const;

    std::shared_ptr<const gss_provider> provider_; // keeps the credential handle alive
    gss_name target_;
    style style_;
    gss_ctx_id_t context_ = GSS_C_NO_CONTEXT;
    OM_uint32 flags_ = 0;
    epm::auth_level level_ = epm::auth_level::privacy;
    bool complete_ = false;
    std::size_t seal_length_ = 0;
    std::size_t sign_length_ = 0;
    secret session_key_;
};

} // namespace epmdump::auth
