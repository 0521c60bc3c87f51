#pragma once
// The authentication options every command that talks to hosts takes (-U, -k, --auth-level,
// --auth-type, --nt-hash, --password-file, --spn, --auth-required), and the one check that turns
// them into credentials, or a usage error (said once, in one line, with no secret in it).
#include "argv_secrets.hpp"

#include <epmdump/auth/credentials.hpp>
#include <epmdump/epm/auth_info.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace epmdump::app {

struct auth_args
{
    std::string user;          // -U: USER, DOMAIN\USER, DOMAIN/USER or USER@REALM (the %PASSWORD already taken out)
    bool ccache = false;       // -k: the Kerberos ticket cache (KRB5CCNAME)
    std::string level;         // --auth-level: connect, integrity or privacy ("" : privacy)
    std::string type;          // --auth-type: negotiate, ntlm or kerberos ("" : see plan_auth)
    std::string nt_hash;       // --nt-hash as CLI11 saw it: masked ("xxx..."), the value is in argv_secrets
    std::string password_file; // --password-file
    std::string spn;           // --spn
    bool spn_reverse_lookup = false; // --spn-reverse-lookup
    bool required = false;     // --auth-required
};

void add_auth_options(CLI::App& cmd, auth_args& args);
// Any authentication option, or a secret taken out of argv.
bool auth_requested(const auth_args& args, const argv_secrets& secrets) noexcept;

// What the run authenticates with: one provider is made from it, once.
struct auth_plan
{
    auth::credentials credentials;
    epm::auth_level level = epm::auth_level::privacy;
    bool required = false;
};

// Where a password comes from when -U gave none, in this order: --password-file, then the
// environment (EPMDUMP_PASSWORD), then the prompt (set only when stdin is a terminal).
struct password_sources
{
    std::optional<std::string_view> environment;
    std::function<std::optional<auth::secret>(const std::string& prompt)> prompt;
};

// No plan and no error: anonymous, as before. An error is a usage error (exit 2); it never
// holds a secret. The secrets are moved out of `secrets`.
struct auth_choice
{
    std::optional<auth_plan> plan;
    std::string usage_error;
};
auth_choice plan_auth(const auth_args& args, argv_secrets& secrets, const password_sources& sources);

// The 16 bytes of a 32-hex-digit NT hash; nullopt for anything else.
std::optional<auth::secret> parse_nt_hash(std::string_view hex);
// The first line of a password file (without its CR LF / LF); an error names the file and why.
struct password_file_result
{
    std::optional<auth::secret> password;
    std::string error;
};
password_file_result read_password_file(const std::string& path);

} // namespace epmdump::app
