#include <epmdump/auth/credentials.hpp>

#include <epmdump/auth/gss_provider.hpp>
#include <epmdump/auth/negotiate_provider.hpp>
#include <epmdump/auth/ntlm_provider.hpp>
#include <epmdump/auth/reverse_lookup.hpp>

namespace epmdump::auth {

namespace {

client::auth_result<std::shared_ptr<const client::security_provider>> make_mechanism_provider(credentials& c)
{
    switch (c.type)
    {
    case epm::auth_type::kerberos:
    {
        auto provider = gss_provider::acquire(c);
        if (!provider) return provider.error();
        return std::shared_ptr<const client::security_provider>(std::move(*provider));
    }
    case epm::auth_type::negotiate:
    {
        // With a password, NTLM inside SPNEGO stands by for the hosts Kerberos has no principal
        // for; the ticket cache (-k) gives Kerberos only.
        credentials for_ntlm;
        const bool ntlm_possible = !c.use_ccache && !c.password.empty();
        if (ntlm_possible)
        {
            for_ntlm.user = c.user;
            for_ntlm.domain = c.domain;
            for_ntlm.password = secret(c.password.bytes());
        }
        auto provider = gss_provider::acquire(c);
        // No KDC to ask (no realm configured, none answering): Windows' Negotiate then uses NTLM
        // for every host; a KDC that answered (wrong password, unknown user) is reported as it is.
        if (!provider && ntlm_possible && provider.error().reason == epm::auth_errc::kdc_unreachable)
            return make_ntlm_provider(for_ntlm, true);
        if (!provider) return provider.error();
        std::shared_ptr<const client::security_provider> spnego(std::move(*provider));
        if (!ntlm_possible) return spnego;
        auto ntlm = make_ntlm_provider(for_ntlm, true);
        if (!ntlm) return ntlm.error();
        return make_negotiate_provider(std::move(spnego), std::move(*ntlm));
    }
    case epm::auth_type::ntlm: return make_ntlm_provider(c);
    case epm::auth_type::none: break;
    }
    return client::auth_failure{epm::auth_errc::mechanism_failed,
                                "no authentication service for auth type " + epm::to_string(c.type)};
}

} // namespace

client::auth_result<std::shared_ptr<const client::security_provider>> make_security_provider(credentials c)
{
    // --spn names every host's principal itself: no lookup is needed then.
    const bool reverse_lookup = c.spn_reverse_lookup && c.spn.empty();
    auto provider = make_mechanism_provider(c);
    if (!provider || !reverse_lookup) return provider;
    return make_reverse_lookup_provider(std::move(*provider));
}

} // namespace epmdump::auth
