#include <epmdump/auth/gss_error.hpp>
#include <epmdump/auth/gss_handles.hpp>

#include <krb5/krb5.h>

#include <optional>
#include <string>

namespace epmdump::auth {

namespace {

using epm::auth_errc;

// A krb5 error code (the Kerberos mechanism's minor status), when it says something specific.
std::optional<auth_errc> classify_krb5(krb5_error_code code) noexcept
{
    switch (code)
    {
    case KRB5KDC_ERR_PREAUTH_FAILED:
    case KRB5KRB_AP_ERR_BAD_INTEGRITY: // a wrong password's key with older enctypes
        return auth_errc::wrong_password;
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN: return auth_errc::unknown_user;
    case KRB5KDC_ERR_CLIENT_REVOKED: // disabled or locked out
    case KRB5KDC_ERR_NAME_EXP:       // account expired
    case KRB5KDC_ERR_KEY_EXP:        // password expired
    case KRB5KDC_ERR_POLICY:         // logon hours, workstation restrictions
        return auth_errc::account_unusable;
    case KRB5KRB_AP_ERR_SKEW: return auth_errc::clock_skew;
    case KRB5_FCC_NOFILE:
    case KRB5_CC_NOTFOUND:
    case KRB5_CC_BADNAME:
    case KRB5_CC_UNKNOWN_TYPE:
    case KRB5_CC_END:
    case KRB5_NOCREDS_SUPPLIED:
        return auth_errc::no_credentials;
    case KRB5KRB_AP_ERR_TKT_EXPIRED:
    case KRB5KDC_ERR_TGT_REVOKED:
        return auth_errc::credentials_expired;
    case KRB5_KDC_UNREACH:
    case KRB5_REALM_CANT_RESOLVE:
    case KRB5_REALM_UNKNOWN:
    case KRB5_CONFIG_NODEFREALM: // a user without @REALM and no default realm: no KDC to ask
        return auth_errc::kdc_unreachable;
    case KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN: return auth_errc::spn_unknown;
    default: return std::nullopt;
    }
}

// GSS-API's text for one status value (all its lines, "; " between them).
std::string status_text(OM_uint32 value, int type, gss_OID mech)
{
    std::string out;
    OM_uint32 context = 0;
    for (int lines = 0; lines < 8; ++lines) // bounded: a mechanism that never ends its list
    {
        gss_output_buffer text;
        OM_uint32 minor = 0;
        if (GSS_ERROR(gss_display_status(&minor, value, type, mech, &context, text.get()))) break;
        if (!out.empty()) out += "; ";
        const auto b = text.bytes();
        out.append(reinterpret_cast<const char*>(b.data()), b.size());
        if (context == 0) break;
    }
    return out;
}

} // namespace

auth_errc classify_gss_status(OM_uint32 major, OM_uint32 minor) noexcept
{
    if (auto reason = classify_krb5(static_cast<krb5_error_code>(minor))) return *reason;
    switch (GSS_ROUTINE_ERROR(major))
    {
    case GSS_S_NO_CRED: return auth_errc::no_credentials;
    case GSS_S_CREDENTIALS_EXPIRED:
    case GSS_S_CONTEXT_EXPIRED: return auth_errc::credentials_expired;
    case GSS_S_BAD_SIG: return auth_errc::bad_verifier;
    default: return auth_errc::mechanism_failed;
    }
}

client::auth_failure gss_failure(std::string_view call, OM_uint32 major, OM_uint32 minor, gss_OID mech)
{
    std::string detail(call);
    detail += ": ";
    detail += status_text(major, GSS_C_GSS_CODE, GSS_C_NO_OID);
    if (minor != 0)
    {
        const auto mech_text = status_text(minor, GSS_C_MECH_CODE, mech);
        if (!mech_text.empty()) detail += " (" + mech_text + ")";
    }
    return {classify_gss_status(major, minor), std::move(detail)};
}

} // namespace epmdump::auth
