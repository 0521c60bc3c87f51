// auth_probe: acquires credentials and makes one context's first leg, then prints "ok PRINCIPAL
// TOKEN_BYTES" or "error REASON: DETAIL" (exit 1). The live tests run it where the process
// itself must differ: under faketime (a skewed or later clock).
//   auth_probe kerberos|negotiate [-k] [-U USER] [--spn SPN] HOST    (password: EPMDUMP_AUTH_PASSWORD)
#include <epmdump/auth/credentials.hpp>

#include <cstdlib>
#include <iostream>
#include <string_view>

using namespace epmdump;

namespace {

int failed(const client::auth_failure& f)
{
    std::cout << "error " << epm::to_string(f.reason) << ": " << f.detail << "\n";
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) { std::cerr << "usage: auth_probe kerberos|negotiate [-k] [-U USER] [--spn SPN] HOST\n"; return 2; }
    auth::credentials c;
    const auto type = epm::parse_auth_type(argv[1]);
    if (!type) { std::cerr << "auth_probe: unknown auth type\n"; return 2; }
    c.type = *type;
    std::string host;
    for (int i = 2; i < argc; ++i)
    {
        const std::string_view a = argv[i];
        if (a == "-k") c.use_ccache = true;
        else if (a == "-U" && i + 1 < argc) c.user = argv[++i];
        else if (a == "--spn" && i + 1 < argc) c.spn = argv[++i];
        else host = a;
    }
    if (const char* p = std::getenv("EPMDUMP_AUTH_PASSWORD"); p != nullptr && !c.use_ccache) c.password = auth::secret(std::string_view(p));

    auto provider = auth::make_security_provider(std::move(c));
    if (!provider) return failed(provider.error());
    auto context = (*provider)->new_context(host);
    if (!context) return failed(context.error());
    auto leg = (*context)->step({});
    if (!leg) return failed(leg.error());
    std::cout << "ok " << (*provider)->principal() << " " << leg->token.size() << "\n";
    return 0;
}
