#include <epmdump/auth/credentials.hpp>

#include <epmdump/auth/gss_provider.hpp>
#include <epmdump/auth/ntlm_provider.hpp>

namespace epmdump::auth {

client::auth_result<std::shared_ptr<const client::security_provider>> make_security_provider(credentials c)
{
    switch (c.type)
    {
    case epm::auth_type::kerberos:
    case epm::auth_type::negotiate:
    {
        auto provider = gss_provider::acquire(c);
        if (!provider) return provider.error();
        return std::shared_ptr<const client::security_provider>(std::move(*provider));
    }
    case epm::auth_type::ntlm:
        return make_ntlm_provider(c);
    case epm::auth_type::none: break;
    }
    return client::auth_failure{epm::auth_errc::mechanism_failed,
                                "no authentication service for auth type " + epm::to_string(c.type)};
}

} // namespace epmdump::auth
