#pragma once
// Kerberos (auth type 16) and SPNEGO (9) through MIT's GSS-API: the credentials are acquired once
// (a TGT from the password, or the ticket cache of KRB5CCNAME for -k) and every host's context is
// made from the same handle. The TGT is copied into a private in-memory ticket cache, so that the
// credential handle the run keeps holds no password ([MS-KILE] 3.4.5: the DCE-style exchange).
#include <epmdump/auth/credentials.hpp>
#include <epmdump/auth/gss_handles.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace epmdump::auth {

class gss_provider final : public client::security_provider, public std::enable_shared_from_this<gss_provider>
{
public:
    // Consumes the password (cleared before returning, whatever the outcome).
    static client::auth_result<std::shared_ptr<const gss_provider>> acquire(credentials& c);

    gss_provider(const gss_provider&) = delete;
    gss_provider& operator=(const gss_provider&) = delete;
    ~gss_provider() override;

    epm::auth_type type() const noexcept override { return type_; }
    client::auth_result<std::unique_ptr<client::security_context>> new_context(std::string_view host) const override;
    // SPNEGO carrying Kerberos, mutual, not DCE style: the token SMB session setup takes.
    client::auth_result<std::unique_ptr<client::security_context>> new_session_context(std::string_view host) const override;
    std::string principal() const override { return principal_; }

    gss_cred_id_t cred() const noexcept { return cred_.get(); }
    gss_OID mech() const noexcept;
    static gss_OID session_mech() noexcept; // SPNEGO
    // The credentials of session contexts (SPNEGO offering Kerberos alone), whatever type() is.
    gss_cred_id_t session_cred() const noexcept { return session_cred_.get() ? session_cred_.get() : cred_.get(); }
    // The same TGT for the Kerberos mechanism alone: SPNEGO's minor codes are renumbered by the
    // mechglue, so a failed SPNEGO leg is asked again of Kerberos to learn the krb5 reason.
    gss_cred_id_t kerberos_cred() const noexcept { return kerberos_cred_.get() ? kerberos_cred_.get() : cred_.get(); }

private:
    struct token {};
    client::auth_result<gss_name> target_name(std::string_view host) const;

public:
    gss_provider(token, epm::auth_type type, std::string spn) : type_(type), spn_(std::move(spn)) {}

private:
    epm::auth_type type_;
    std::string spn_;       // --spn, a krb5 principal name; empty: host@NAME per host
    std::string principal_; // "user@REALM", from the credentials themselves
    std::string ccache_;    // MEMORY:... holding the run's TGT; destroyed with the provider
    gss_cred cred_;         // these two last: released before the cache they read is destroyed
    gss_cred kerberos_cred_; // negotiate only
    gss_cred session_cred_;  // kerberos only (negotiate's cred_ is SPNEGO already)
};

} // namespace epmdump::auth
