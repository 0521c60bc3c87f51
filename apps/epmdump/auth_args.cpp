#include "auth_args.hpp"

#include <epmdump/output/sanitize.hpp>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace epmdump::app {

namespace {

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// DOMAIN\USER (also with the doubled backslash a quoted shell word keeps) or DOMAIN/USER: the domain.
std::string domain_of(std::string_view user)
{
    const auto sep = user.find_first_of("\\/");
    return sep == std::string_view::npos ? std::string() : std::string(user.substr(0, sep));
}

// "DOMAIN\\\\USER" as typed in single quotes is DOMAIN\USER.
std::string normalised_user(std::string_view user)
{
    const auto sep = user.find_first_of("\\/");
    if (sep == std::string_view::npos) return std::string(user);
    auto name = user.substr(sep + 1);
    while (!name.empty() && (name.front() == '\\' || name.front() == '/')) name.remove_prefix(1);
    return std::string(user.substr(0, sep)) + '\\' + std::string(name);
}

bool user_name_missing(std::string_view user)
{
    const auto sep = user.find_first_of("\\/");
    const auto name = sep == std::string_view::npos ? user : user.substr(sep + 1);
    return name.find_first_not_of("\\/") == std::string_view::npos || name.front() == '@';
}

} // namespace

void add_auth_options(CLI::App& cmd, auth_args& args)
{
    const std::string group = "Authentication";
    cmd.add_option("-U,--user", args.user,
                   "Authenticate as USER, DOMAIN\\USER or USER@REALM (password: --password-file, EPMDUMP_PASSWORD "
                   "or a prompt; USER%PASSWORD works but lands in the shell's history)")
        ->group(group);
    cmd.add_flag("-k,--kerberos", args.ccache, "Authenticate with the Kerberos ticket cache (KRB5CCNAME, after kinit)")
        ->group(group);
    cmd.add_option("--auth-level", args.level, "connect, integrity or privacy (default: privacy)")->group(group);
    cmd.add_option("--auth-type", args.type,
                   "negotiate, ntlm or kerberos (default: kerberos with -k, ntlm with --nt-hash, else negotiate)")
        ->group(group);
    cmd.add_option("--nt-hash", args.nt_hash, "HEX: the account's NT hash (32 hex digits) instead of a password (NTLM)")
        ->group(group);
    cmd.add_option("--password-file", args.password_file, "Read the password from the first line of FILE")->group(group);
    cmd.add_option("--spn", args.spn, "Service principal for every host (default: host/NAME as the target is named)")
        ->group(group);
    cmd.add_flag("--spn-reverse-lookup", args.spn_reverse_lookup,
                 "For a target given by address, the SPN is host/NAME of its reverse lookup (PTR record); "
                 "no name fails that host (spn_lookup_failed). --spn overrides")
        ->group(group);
    cmd.add_flag("--auth-required", args.required,
                 "Refuse to run without credentials: with -U or -k a host that refuses them fails (never anonymous)")
        ->group(group);
}

bool auth_requested(const auth_args& args, const argv_secrets& secrets) noexcept
{
    return secrets.any() || !args.user.empty() || args.ccache || !args.level.empty() || !args.type.empty() ||
           !args.nt_hash.empty() || !args.password_file.empty() || !args.spn.empty() || args.spn_reverse_lookup ||
           args.required;
}

std::optional<auth::secret> parse_nt_hash(std::string_view hex)
{
    if (hex.size() != 32) return std::nullopt;
    std::array<std::byte, 16> bytes{};
    bool ok = true;
    for (std::size_t i = 0; i < bytes.size(); ++i)
    {
        const int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        ok = ok && hi >= 0 && lo >= 0;
        bytes[i] = static_cast<std::byte>(ok ? hi * 16 + lo : 0);
    }
    std::optional<auth::secret> s;
    if (ok) s.emplace(std::span<const std::byte>(bytes));
    overwrite(bytes.data(), bytes.size());
    return s;
}

password_file_result read_password_file(const std::string& path)
{
    password_file_result r;
    const std::string shown = "--password-file '" + output::sanitize_text(path) + "'";
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
    {
        r.error = shown + ": " + std::strerror(errno);
        return r;
    }
    // A fixed buffer: the password is copied nowhere else, and cleared before returning.
    char buffer[1024];
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    std::size_t end = 0;
    while (end < n && buffer[end] != '\n') ++end;
    const bool whole_line = end < n || n < sizeof buffer;
    const std::size_t length = end > 0 && buffer[end - 1] == '\r' ? end - 1 : end;
    if (failed) r.error = shown + ": cannot be read";
    else if (!whole_line) r.error = shown + ": its first line is longer than 1023 bytes";
    else if (length == 0) r.error = shown + ": its first line is empty";
    else r.password = auth::secret(std::string_view(buffer, length));
    overwrite(buffer, n);
    return r;
}

auth_choice plan_auth(const auth_args& args, argv_secrets& secrets, const password_sources& sources)
{
    auth_choice c;
    auto refuse = [&c](std::string message) {
        c.usage_error = std::move(message);
        return std::move(c);
    };
    const bool identity = !args.user.empty() || secrets.password_given || args.ccache;
    if (!identity)
    {
        // Each of these only means something with credentials: silently anonymous would be a lie.
        const char* needs = args.required ? "--auth-required"
                            : !args.level.empty() ? "--auth-level"
                            : !args.type.empty() ? "--auth-type"
                            : !args.nt_hash.empty() || secrets.nt_hash_given ? "--nt-hash"
                            : !args.password_file.empty() ? "--password-file"
                            : !args.spn.empty() ? "--spn"
                            : args.spn_reverse_lookup ? "--spn-reverse-lookup" : nullptr;
        if (needs == nullptr) return c; // anonymous
        return refuse(std::string(needs) + " needs credentials: -U USER (a password or --nt-hash) or -k (the ticket cache)");
    }
    auth_plan plan;
    plan.required = args.required;
    if (!args.level.empty())
    {
        const auto level = epm::parse_auth_level(args.level);
        if (!level || (*level != epm::auth_level::connect && *level != epm::auth_level::integrity && *level != epm::auth_level::privacy))
            return refuse("--auth-level: expected connect, integrity or privacy, got '" + output::sanitize_text(args.level) + "'");
        plan.level = *level;
    }
    std::optional<epm::auth_type> type;
    if (!args.type.empty())
    {
        type = epm::parse_auth_type(args.type);
        if (!type) return refuse("--auth-type: expected negotiate, ntlm or kerberos, got '" + output::sanitize_text(args.type) + "'");
    }
    const bool hash_given = !args.nt_hash.empty() || secrets.nt_hash_given;
    auth::credentials& cred = plan.credentials;
    cred.spn = args.spn;
    cred.spn_reverse_lookup = args.spn_reverse_lookup;
    if (args.ccache)
    {
        if (secrets.password_given || !args.password_file.empty() || hash_given)
            return refuse("-k uses the Kerberos ticket cache (KRB5CCNAME): it takes no password (-U USER%PASSWORD, "
                          "--password-file) and no --nt-hash");
        if (!args.user.empty())
            return refuse("-k uses the principal of the ticket cache (kinit USER@REALM first): -U is for a password or --nt-hash");
        if (type == epm::auth_type::ntlm) return refuse("--auth-type ntlm cannot use a Kerberos ticket cache (-k)");
        cred.type = type.value_or(epm::auth_type::kerberos);
        cred.use_ccache = true;
        c.plan = std::move(plan);
        return c;
    }
    if (user_name_missing(args.user)) return refuse("-U: no user name (USER, DOMAIN\\USER or USER@REALM)");
    cred.user = normalised_user(args.user);
    cred.domain = domain_of(args.user);
    if (hash_given)
    {
        if (secrets.password_given || !args.password_file.empty())
            return refuse("--nt-hash replaces the password: give one of them (-U USER%PASSWORD, --password-file or --nt-hash)");
        if (type && *type != epm::auth_type::ntlm)
            return refuse("--nt-hash works with --auth-type ntlm only (Kerberos and negotiate need the password)");
        // argv_secrets took it out of argv; a spelling it did not know reaches us unmasked.
        const std::string_view text = secrets.nt_hash_given ? secrets.nt_hash.text() : std::string_view(args.nt_hash);
        auto hash = parse_nt_hash(text);
        const std::size_t typed = text.size();
        secrets.nt_hash.clear();
        if (!hash)
            return refuse("--nt-hash: expected 32 hex digits (the account's NT hash), got " + std::to_string(typed) +
                          (typed == 1 ? " character" : " characters") + (typed == 32 ? " that are not all hex digits" : ""));
        cred.nt_hash = std::move(*hash);
        cred.type = epm::auth_type::ntlm;
        c.plan = std::move(plan);
        return c;
    }
    cred.type = type.value_or(epm::auth_type::negotiate);
    if (secrets.password_given)
    {
        if (!args.password_file.empty())
            return refuse("give the password once: -U USER%PASSWORD or --password-file, not both");
        cred.password = std::move(secrets.password);
    }
    else if (!args.password_file.empty())
    {
        auto file = read_password_file(args.password_file);
        if (!file.password) return refuse(file.error);
        cred.password = std::move(*file.password);
    }
    else if (sources.environment)
        cred.password = auth::secret(*sources.environment);
    else if (sources.prompt)
    {
        auto typed = sources.prompt("Password for " + output::sanitize_text(cred.user) + ": ");
        if (!typed) return refuse("-U " + output::sanitize_text(cred.user) + ": no password was typed");
        cred.password = std::move(*typed);
    }
    else
        return refuse("-U " + output::sanitize_text(cred.user) +
                      ": no password (set EPMDUMP_PASSWORD, give --password-file FILE, or run from a terminal to be asked)");
    c.plan = std::move(plan);
    return c;
}

} // namespace epmdump::app
