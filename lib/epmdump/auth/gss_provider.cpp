#include <epmdump/auth/gss_provider.hpp>

#include <epmdump/auth/gss_context.hpp>
#include <epmdump/auth/gss_error.hpp>

#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace epmdump::auth {

namespace {

using client::auth_failure;
using epm::auth_errc;

// SPNEGO, 1.3.6.1.5.5.2 (RFC 4178).
gss_OID_desc spnego_oid{6, const_cast<char*>("\x2b\x06\x01\x05\x05\x02")};

gss_OID_set_desc one_mech(gss_OID mech) { return {1, mech}; }

// GSS_KRB5_CRED_NO_CI_FLAGS_X, 1.2.752.43.13.29 (Heimdal's OID, honoured by MIT, not in its
// headers): without it MIT asks for confidentiality and integrity in every AP-REQ, whatever
// the flags passed, and Samba then sizes every verifier as a sealed one: each connect or
// integrity call faults (nca "other"). The contexts ask for what their level needs.
gss_OID_desc no_ci_flags_oid{6, const_cast<char*>("\x2a\x85\x70\x2b\x0d\x1d")};

client::auth_result<void> ask_only_what_is_wanted(gss_cred_id_t* cred)
{
    OM_uint32 minor = 0;
    gss_buffer_desc empty{0, nullptr};
    const OM_uint32 major = gss_set_cred_option(&minor, cred, &no_ci_flags_oid, &empty);
    if (GSS_ERROR(major)) return gss_failure("gss_set_cred_option(NO_CI_FLAGS)", major, minor, gss_mech_krb5);
    return {};
}

// The Kerberos principal the user named: "user@REALM" as given; "DOMAIN\user" or user plus
// domain with a dotted DNS domain as user@DOMAIN (upper case); a NetBIOS domain ("EPMTEST") names
// no realm without a directory lookup, so the default realm of krb5.conf applies.
std::string kerberos_principal(const credentials& c)
{
    std::string user = c.user;
    std::string domain = c.domain;
    if (const auto slash = user.find('\\'); slash != std::string::npos)
    {
        domain = user.substr(0, slash);
        user.erase(0, slash + 1);
    }
    if (user.find('@') != std::string::npos) return user;
    if (domain.find('.') == std::string::npos) return user;
    std::transform(domain.begin(), domain.end(), domain.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    return user + "@" + domain;
}

client::auth_result<gss_name> import_name(std::string_view text, gss_OID type)
{
    gss_name name;
    gss_buffer_desc buffer{text.size(), const_cast<char*>(text.data())};
    OM_uint32 minor = 0;
    const OM_uint32 major = gss_import_name(&minor, &buffer, type, name.out());
    if (GSS_ERROR(major)) return gss_failure("gss_import_name", major, minor);
    return name;
}

std::string display_name(gss_name_t name)
{
    gss_output_buffer text;
    OM_uint32 minor = 0;
    if (GSS_ERROR(gss_display_name(&minor, name, text.get(), nullptr))) return {};
    const auto b = text.bytes();
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// The first credentials: a TGT for the password, else the ticket cache (KRB5CCNAME).
client::auth_result<gss_cred> initial_cred(credentials& c, gss_name_t name)
{
    gss_OID_set_desc krb5 = one_mech(gss_mech_krb5);
    gss_cred cred;
    OM_uint32 minor = 0;
    OM_uint32 major = 0;
    if (c.use_ccache)
    {
        major = gss_acquire_cred(&minor, name, GSS_C_INDEFINITE, &krb5, GSS_C_INITIATE, cred.out(), nullptr,
                                 nullptr);
        if (GSS_ERROR(major)) return gss_failure("the Kerberos ticket cache (KRB5CCNAME)", major, minor, gss_mech_krb5);
        return cred;
    }
    if (c.password.empty())
        return auth_failure{auth_errc::no_credentials, "no password and no ticket cache (-k) for Kerberos"};
    gss_buffer_desc password{c.password.size(), const_cast<std::byte*>(c.password.bytes().data())};
    major = gss_acquire_cred_with_password(&minor, name, &password, GSS_C_INDEFINITE, &krb5, GSS_C_INITIATE,
                                           cred.out(), nullptr, nullptr);
    c.password.clear();
    if (GSS_ERROR(major)) return gss_failure("gss_acquire_cred_with_password", major, minor, gss_mech_krb5);
    return cred;
}

// Destroys the run's in-memory ticket cache (its TGT and service tickets).
void destroy_ccache(const std::string& name) noexcept
{
    krb5_context context = nullptr;
    if (krb5_init_context(&context) != 0) return;
    krb5_ccache cache = nullptr;
    if (krb5_cc_resolve(context, name.c_str(), &cache) == 0) krb5_cc_destroy(context, cache);
    krb5_free_context(context);
}

} // namespace

gss_OID gss_provider::mech() const noexcept
{
    return type_ == epm::auth_type::negotiate ? &spnego_oid : gss_mech_krb5;
}

gss_OID gss_provider::session_mech() noexcept { return &spnego_oid; }

gss_provider::~gss_provider()
{
    cred_ = gss_cred{};
    kerberos_cred_ = gss_cred{};
    session_cred_ = gss_cred{};
    if (!ccache_.empty()) destroy_ccache(ccache_);
}

client::auth_result<std::shared_ptr<const gss_provider>> gss_provider::acquire(credentials& c)
{
    const auto type = c.type;
    auto provider = std::make_shared<gss_provider>(token{}, type, c.spn);

    gss_name name;
    if (!c.user.empty())
    {
        auto imported = import_name(kerberos_principal(c), const_cast<gss_OID>(GSS_KRB5_NT_PRINCIPAL_NAME));
        if (!imported)
        {
            c.password.clear();
            return imported.error();
        }
        name = std::move(*imported);
    }
    auto first = initial_cred(c, name.get());
    c.password.clear();
    if (!first) return first.error();

    // Resolving the credentials now is what reaches the KDC (or reads the cache): a wrong
    // password or an empty cache is said here, once, not for every host.
    gss_name cred_name;
    OM_uint32 lifetime = 0;
    OM_uint32 minor = 0;
    OM_uint32 major = gss_inquire_cred(&minor, first->get(), cred_name.out(), &lifetime, nullptr, nullptr);
    if (GSS_ERROR(major)) return gss_failure("gss_inquire_cred", major, minor, gss_mech_krb5);
    if (lifetime == 0) return auth_failure{auth_errc::credentials_expired, "the Kerberos ticket-granting ticket has expired"};
    provider->principal_ = display_name(cred_name.get());

    // The run's own cache: a copy of the TGT, so the handle kept holds no password.
    char ccache[64];
    std::snprintf(ccache, sizeof ccache, "MEMORY:epmdump-%p", static_cast<const void*>(provider.get()));
    provider->ccache_ = ccache;
    gss_key_value_element_desc element{"ccache", provider->ccache_.c_str()};
    gss_key_value_set_desc store{1, &element};
    major = gss_store_cred_into(&minor, first->get(), GSS_C_INITIATE, gss_mech_krb5, 1, 0, &store, nullptr, nullptr);
    if (GSS_ERROR(major)) return gss_failure("gss_store_cred_into", major, minor, gss_mech_krb5);
    *first = gss_cred{};

    gss_OID_set_desc mechs = one_mech(provider->mech());
    major = gss_acquire_cred_from(&minor, cred_name.get(), GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &store,
                                  provider->cred_.out(), nullptr, nullptr);
    if (GSS_ERROR(major)) return gss_failure("gss_acquire_cred_from", major, minor, provider->mech());
    if (auto ok = ask_only_what_is_wanted(provider->cred_.out()); !ok) return ok.error();
    // The other mechanism's handle on the same cache: Kerberos alone beside SPNEGO (negotiate),
    // SPNEGO beside Kerberos (kerberos, for SMB session setup).
    auto& other = type == epm::auth_type::negotiate ? provider->kerberos_cred_ : provider->session_cred_;
    gss_OID_set_desc other_mech = one_mech(type == epm::auth_type::negotiate ? gss_mech_krb5 : &spnego_oid);
    major = gss_acquire_cred_from(&minor, cred_name.get(), GSS_C_INDEFINITE, &other_mech, GSS_C_INITIATE, &store,
                                  other.out(), nullptr, nullptr);
    if (GSS_ERROR(major)) return gss_failure("gss_acquire_cred_from", major, minor, other_mech.elements);
    if (auto ok = ask_only_what_is_wanted(other.out()); !ok) return ok.error();
    // SPNEGO offers Kerberos only: NTLM is auth type 10, with its own provider.
    gss_OID_set_desc krb5 = one_mech(gss_mech_krb5);
    major = gss_set_neg_mechs(&minor, provider->session_cred(), &krb5);
    if (GSS_ERROR(major)) return gss_failure("gss_set_neg_mechs", major, minor, &spnego_oid);
    return std::shared_ptr<const gss_provider>(std::move(provider));
}

client::auth_result<gss_name> gss_provider::target_name(std::string_view host) const
{
    client::auth_result<gss_name> target = spn_.empty()
        ? import_name("host@" + std::string(host), GSS_C_NT_HOSTBASED_SERVICE)
        : import_name(spn_, const_cast<gss_OID>(GSS_KRB5_NT_PRINCIPAL_NAME));
    if (!target) return target.error();
    if (spn_.empty() && host.empty()) return auth_failure{auth_errc::spn_unknown, "no host name to build the SPN host/NAME from (--spn)"};
    return target;
}

client::auth_result<std::unique_ptr<client::security_context>> gss_provider::new_context(std::string_view host) const
{
    auto target = target_name(host);
    if (!target) return target.error();
    return std::unique_ptr<client::security_context>(
        std::make_unique<gss_context>(shared_from_this(), std::move(*target), gss_context::style::dce));
}

client::auth_result<std::unique_ptr<client::security_context>> gss_provider::new_session_context(std::string_view host) const
{
    auto target = target_name(host);
    if (!target) return target.error();
    return std::unique_ptr<client::security_context>(
        std::make_unique<gss_context>(shared_from_this(), std::move(*target), gss_context::style::session));
}

} // namespace epmdump::auth
