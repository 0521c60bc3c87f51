#include <epmdump/auth/gss_context.hpp>

#include <epmdump/auth/gss_error.hpp>
#include <epmdump/auth/gss_provider.hpp>
#include <epmdump/auth/ntlm_crypto.hpp>
#include <epmdump/auth/secret.hpp>

#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include <array>

namespace epmdump::auth {

namespace {

using client::auth_failure;
using epm::auth_errc;


gss_iov_buffer_desc iov(OM_uint32 type, std::span<const std::byte> bytes)
{
    if (bytes.empty()) return {GSS_IOV_BUFFER_TYPE_EMPTY, {0, nullptr}};
    return {type, {bytes.size(), const_cast<std::byte*>(bytes.data())}};
}

// DCE style and mutual always; integrity from the integrity levels up, confidentiality at
// privacy only, as Windows and Samba ask: a server sizes its verifiers from what we asked for
// (Samba faults every integrity or connect response with nca "other" when CONF was asked).
bool protects(epm::auth_level level) noexcept { return level >= epm::auth_level::call; }

auth_failure not_established() { return {auth_errc::mechanism_failed, "the security context is not established"}; }

} // namespace

OM_uint32 gss_context::wanted_flags() const noexcept
{
    OM_uint32 f = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;
    // SMB signs and seals with the session key: the session asks for integrity alone, which
    // SPNEGO's mechListMIC needs.
    if (style_ == style::session) return f | GSS_C_INTEG_FLAG;
    f |= GSS_C_DCE_STYLE;
    if (protects(level_)) f |= GSS_C_INTEG_FLAG;
    if (level_ == epm::auth_level::privacy) f |= GSS_C_CONF_FLAG;
    return f;
}

gss_context::gss_context(std::shared_ptr<const gss_provider> provider, gss_name target, style s)
    : provider_(std::move(provider)), target_(std::move(target)), style_(s)
{
}

gss_context::~gss_context()
{
    OM_uint32 minor = 0;
    if (context_ != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &context_, GSS_C_NO_BUFFER);
}

epm::auth_type gss_context::type() const noexcept { return provider_->type(); }

gss_OID gss_context::mech() const noexcept
{
    return style_ == style::session ? gss_provider::session_mech() : provider_->mech();
}

std::string gss_context::principal() const { return provider_->principal(); }

// SPNEGO renumbers its mechanism's minor codes: the first leg's failure (a service ticket the
// KDC refused) is asked again of Kerberos alone, whose codes say why.
client::auth_failure gss_context::leg_failure(OM_uint32 major, OM_uint32 minor) const
{
    auto failure = gss_failure("gss_init_sec_context", major, minor, mech());
    if (mech() == gss_mech_krb5 || failure.reason != auth_errc::mechanism_failed) return failure;
    gss_ctx_id_t probe = GSS_C_NO_CONTEXT;
    gss_output_buffer output;
    OM_uint32 probe_minor = 0;
    const OM_uint32 probe_major =
        gss_init_sec_context(&probe_minor, provider_->kerberos_cred(), &probe, target_.get(), gss_mech_krb5,
                             wanted_flags(), 0, GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, nullptr, output.get(),
                             nullptr, nullptr);
    OM_uint32 ignored = 0;
    if (probe != GSS_C_NO_CONTEXT) gss_delete_sec_context(&ignored, &probe, GSS_C_NO_BUFFER);
    if (!GSS_ERROR(probe_major)) return failure;
    failure.reason = classify_gss_status(probe_major, probe_minor);
    return failure;
}

namespace {

// The context's session key (Kerberos: the subkey, [MS-KILE] 3.1.1.2), through the SSPI inquiry
// MIT implements for this purpose; empty when the mechanism will not say. The copy GSS-API made
// is overwritten before it is released.
secret inquire_session_key(gss_ctx_id_t context)
{
    OM_uint32 minor = 0;
    gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
    const OM_uint32 major = gss_inquire_sec_context_by_oid(&minor, context, GSS_C_INQ_SSPI_SESSION_KEY, &set);
    secret key;
    if (GSS_ERROR(major) || set == GSS_C_NO_BUFFER_SET) return key;
    if (set->count >= 1 && set->elements[0].length > 0)
    {
        const std::span<std::byte> bytes(static_cast<std::byte*>(set->elements[0].value), set->elements[0].length);
        key = secret(std::span<const std::byte>(bytes));
        ntlm::cleanse(bytes);
    }
    gss_release_buffer_set(&minor, &set);
    return key;
}

} // namespace

client::auth_result<client::security_context::leg> gss_context::step(std::span<const std::byte> server_token)
{
    if (complete_) return auth_failure{auth_errc::mechanism_failed, "the security context is already established"};
    gss_buffer_desc input{server_token.size(), const_cast<std::byte*>(server_token.data())};
    gss_output_buffer output;
    OM_uint32 minor = 0;
    OM_uint32 granted = 0;
    const OM_uint32 major = gss_init_sec_context(
        &minor, style_ == style::session ? provider_->session_cred() : provider_->cred(), &context_, target_.get(),
        mech(), wanted_flags(), 0,
        GSS_C_NO_CHANNEL_BINDINGS, context_ == GSS_C_NO_CONTEXT ? GSS_C_NO_BUFFER : &input, nullptr,
        output.get(), &granted, nullptr);
    if (GSS_ERROR(major)) return leg_failure(major, minor);
    leg out;
    const auto token = output.bytes();
    out.token.assign(token.begin(), token.end());
    if (major == GSS_S_COMPLETE)
    {
        flags_ = granted;
        if (auto ok = established(); !ok) return ok.error();
        out.complete = true;
    }
    return out;
}

// The lengths of the verifier, and what the peer granted: without integrity and DCE style
// there is no level above connect we could honour.
client::auth_result<void> gss_context::established()
{
    if (style_ == style::session)
    {
        // Only the session key is used: the server proved itself (AP-REP) or we stop here.
        if ((flags_ & GSS_C_MUTUAL_FLAG) == 0)
            return auth_failure{auth_errc::mechanism_failed, "the Kerberos context has no mutual authentication"};
        session_key_ = inquire_session_key(context_);
        complete_ = true;
        return {};
    }
    if ((flags_ & GSS_C_DCE_STYLE) == 0 || (protects(level_) && (flags_ & GSS_C_INTEG_FLAG) == 0))
        return auth_failure{auth_errc::level_refused, "the Kerberos context has no integrity or no DCE style"};
    OM_uint32 minor = 0;
    if ((flags_ & GSS_C_CONF_FLAG) != 0)
    {
        std::array<gss_iov_buffer_desc, 2> v{{{GSS_IOV_BUFFER_TYPE_HEADER, {0, nullptr}},
                                              {GSS_IOV_BUFFER_TYPE_DATA, {0, nullptr}}}};
        int conf = 0;
        const OM_uint32 major = gss_wrap_iov_length(&minor, context_, 1, GSS_C_QOP_DEFAULT, &conf, v.data(), v.size());
        if (GSS_ERROR(major)) return gss_failure("gss_wrap_iov_length", major, minor, mech());
        seal_length_ = v[0].buffer.length;
    }
    std::array<gss_iov_buffer_desc, 2> m{{{GSS_IOV_BUFFER_TYPE_DATA, {0, nullptr}},
                                          {GSS_IOV_BUFFER_TYPE_MIC_TOKEN, {0, nullptr}}}};
    const OM_uint32 major = gss_get_mic_iov_length(&minor, context_, GSS_C_QOP_DEFAULT, m.data(), m.size());
    if (GSS_ERROR(major)) return gss_failure("gss_get_mic_iov_length", major, minor, mech());
    sign_length_ = m[1].buffer.length;
    session_key_ = inquire_session_key(context_);
    complete_ = true;
    return {};
}

client::auth_result<void> gss_context::protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                                               std::span<const std::byte> trailer, std::span<std::byte> signature)
{
    if (!complete_) return not_established();
    OM_uint32 minor = 0;
    if (seal)
    {
        if ((flags_ & GSS_C_CONF_FLAG) == 0)
            return auth_failure{auth_errc::level_refused, "the Kerberos context has no confidentiality (privacy)"};
        std::array<gss_iov_buffer_desc, 4> v{{{GSS_IOV_BUFFER_TYPE_HEADER, {0, nullptr}},
                                              iov(GSS_IOV_BUFFER_TYPE_SIGN_ONLY, header),
                                              {GSS_IOV_BUFFER_TYPE_DATA, {body.size(), body.data()}},
                                              iov(GSS_IOV_BUFFER_TYPE_SIGN_ONLY, trailer)}};
        int conf = 0;
        OM_uint32 major = gss_wrap_iov_length(&minor, context_, 1, GSS_C_QOP_DEFAULT, &conf, v.data(), v.size());
        if (GSS_ERROR(major)) return gss_failure("gss_wrap_iov_length", major, minor, mech());
        if (v[0].buffer.length != signature.size())
            return auth_failure{auth_errc::mechanism_failed, "the sealed verifier's length differs from signature_length()"};
        v[0].buffer.value = signature.data();
        major = gss_wrap_iov(&minor, context_, 1, GSS_C_QOP_DEFAULT, &conf, v.data(), v.size());
        if (GSS_ERROR(major)) return gss_failure("gss_wrap_iov", major, minor, mech());
        if (conf == 0) return auth_failure{auth_errc::level_refused, "gss_wrap_iov did not seal"};
        return {};
    }
    std::array<gss_iov_buffer_desc, 4> v{{iov(GSS_IOV_BUFFER_TYPE_DATA, header),
                                          iov(GSS_IOV_BUFFER_TYPE_DATA, body),
                                          iov(GSS_IOV_BUFFER_TYPE_DATA, trailer),
                                          {GSS_IOV_BUFFER_TYPE_MIC_TOKEN, {0, nullptr}}}};
    OM_uint32 major = gss_get_mic_iov_length(&minor, context_, GSS_C_QOP_DEFAULT, v.data(), v.size());
    if (GSS_ERROR(major)) return gss_failure("gss_get_mic_iov_length", major, minor, mech());
    if (v[3].buffer.length != signature.size())
        return auth_failure{auth_errc::mechanism_failed, "the signature's length differs from signature_length()"};
    v[3].buffer.value = signature.data();
    major = gss_get_mic_iov(&minor, context_, GSS_C_QOP_DEFAULT, v.data(), v.size());
    if (GSS_ERROR(major)) return gss_failure("gss_get_mic_iov", major, minor, mech());
    return {};
}

client::auth_result<void> gss_context::unprotect(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                                                 std::span<const std::byte> trailer,
                                                 std::span<const std::byte> signature)
{
    if (!complete_) return not_established();
    // GSS-API decrypts parts of the token in place: it works on a copy, cleared afterwards.
    secret token(signature);
    OM_uint32 minor = 0;
    OM_uint32 major = 0;
    int conf = 0;
    gss_qop_t qop = 0;
    if (sealed)
    {
        std::array<gss_iov_buffer_desc, 4> v{{iov(GSS_IOV_BUFFER_TYPE_HEADER, token.bytes()),
                                              iov(GSS_IOV_BUFFER_TYPE_SIGN_ONLY, header),
                                              {GSS_IOV_BUFFER_TYPE_DATA, {body.size(), body.data()}},
                                              iov(GSS_IOV_BUFFER_TYPE_SIGN_ONLY, trailer)}};
        major = gss_unwrap_iov(&minor, context_, &conf, &qop, v.data(), v.size());
    }
    else
    {
        std::array<gss_iov_buffer_desc, 4> v{{iov(GSS_IOV_BUFFER_TYPE_DATA, header),
                                              iov(GSS_IOV_BUFFER_TYPE_DATA, body),
                                              iov(GSS_IOV_BUFFER_TYPE_DATA, trailer),
                                              iov(GSS_IOV_BUFFER_TYPE_MIC_TOKEN, token.bytes())}};
        major = gss_verify_mic_iov(&minor, context_, &qop, v.data(), v.size());
    }
    // A replayed, out-of-order or forged verifier is the server's fault: never accepted.
    if (major != GSS_S_COMPLETE)
    {
        auto failure = gss_failure(sealed ? "gss_unwrap_iov" : "gss_verify_mic_iov", major, minor, mech());
        failure.reason = auth_errc::bad_verifier;
        return failure;
    }
    if (sealed && conf == 0) return auth_failure{auth_errc::bad_verifier, "the server's PDU was signed, not sealed"};
    return {};
}

} // namespace epmdump::auth
