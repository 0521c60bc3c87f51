#pragma once
// The run's one identity: the options checked, the password found (argv, file, environment or
// prompt), the security provider made once, before any host; then every conversation uses it.
#include "auth_args.hpp"

#include <epmdump/epm/auth_info.hpp>
#include <epmdump/session/options.hpp>

#include <memory>
#include <optional>
#include <string_view>

namespace epmdump::app {

// Exit status of a run whose credentials could not be acquired (wrong password for the TGT, no
// ticket cache, KDC unreachable): no host was tried. The Exchange check says 2 (could not check).
inline constexpr int exit_no_credentials = 4;

struct run_auth
{
    std::shared_ptr<const client::security_provider> provider;
    epm::auth_level level = epm::auth_level::privacy;
    epm::auth_info info; // type, level, principal: what every host record shows
};

// 0 with `out` empty (anonymous) or set; otherwise the exit status, after one line on stderr
// ("epmdump COMMAND: ..."): 2 for a usage error or a build without authentication,
// `failed_status` when the provider could not be made.
int prepare_auth(const auth_args& args, argv_secrets& secrets, std::string_view who, int failed_status,
                 std::optional<run_auth>& out);

// The provider and level into the options every conversation is made with.
void apply_auth(client::client_options& options, const std::optional<run_auth>& auth);

// Core dumps off and the process not traceable by others (Linux), for as long as the run holds
// secrets; nothing elsewhere.
void keep_secrets_out_of_dumps() noexcept;

} // namespace epmdump::app
