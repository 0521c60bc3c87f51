// epmdump::auth from the installed package: credentials without a password or a ticket cache
// are refused before any KDC is asked, with the typed reason.
#include <epmdump/auth/credentials.hpp>

#include <iostream>

int main()
{
    epmdump::auth::credentials c;
    c.type = epmdump::epm::auth_type::kerberos;
    auto provider = epmdump::auth::make_security_provider(std::move(c));
    if (provider) return 1;
    std::cout << epmdump::epm::to_string(provider.error().reason) << "\n";
    return 0;
}
