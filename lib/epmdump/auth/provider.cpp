#include <epmdump/auth/credentials.hpp>

#include <epmdump/auth/gss_provider.hpp>

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
        // Helper "ntlm" replaces this with make_ntlm_provider (auth/ntlm_provider.hpp).
        return client::auth_failure{epm::auth_errc::mechanism_failed, "NTLM is not built in"};
    case epm::auth_type::none: break;
    }
    return client::auth_failure{epm::auth_errc::mechanism_failed,
                                "no authentication service for auth type " + epm::to_string(c.type)};
}

} // namespace epmdump::auth
