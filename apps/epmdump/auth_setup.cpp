#include "auth_setup.hpp"

#include "commands.hpp"

#include <epmdump/output/sanitize.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#ifdef EPMDUMP_HAVE_AUTH
#include <epmdump/auth/credentials.hpp>
#endif

#ifdef __linux__
#include <sys/prctl.h>
#include <sys/resource.h>
#endif
#ifndef _WIN32
#include <termios.h>
#include <unistd.h>
#endif

namespace epmdump::app {

namespace {

#ifdef EPMDUMP_HAVE_AUTH
// The password typed at a terminal, echo off; nullopt when nothing could be read.
std::optional<auth::secret> prompt_password(const std::string& prompt)
{
#ifdef _WIN32
    (void)prompt;
    return std::nullopt;
#else
    std::cerr << prompt << std::flush;
    termios saved{};
    const bool have_terminal = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (have_terminal)
    {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    // read(2) into a fixed buffer: no stdio buffer keeps a copy.
    char buffer[1024];
    std::size_t n = 0;
    bool line_ended = false;
    while (n < sizeof buffer)
    {
        const ssize_t got = ::read(STDIN_FILENO, buffer + n, 1);
        if (got <= 0) break;
        if (buffer[n] == '\n')
        {
            line_ended = true;
            break;
        }
        ++n;
    }
    if (have_terminal) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::optional<auth::secret> password;
    if (line_ended) password.emplace(std::string_view(buffer, n > 0 && buffer[n - 1] == '\r' ? n - 1 : n));
    overwrite(buffer, sizeof buffer);
    return password;
#endif
}

// EPMDUMP_PASSWORD, taken out of the process's environment block too (/proc/PID/environ).
std::optional<auth::secret> take_environment_password()
{
    char* value = std::getenv("EPMDUMP_PASSWORD");
    if (value == nullptr || *value == '\0') return std::nullopt;
    const std::size_t n = std::strlen(value);
    std::optional<auth::secret> password(std::in_place, std::string_view(value, n));
    overwrite(value, n);
#ifndef _WIN32
    unsetenv("EPMDUMP_PASSWORD");
#endif
    return password;
}
#endif

} // namespace

void keep_secrets_out_of_dumps() noexcept
{
#ifdef __linux__
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    const rlimit none{0, 0};
    setrlimit(RLIMIT_CORE, &none);
#endif
}

int prepare_auth(const auth_args& args, argv_secrets& secrets, std::string_view who, int failed_status,
                 std::optional<run_auth>& out)
{
    out.reset();
    if (!auth_requested(args, secrets)) return exit_ok;
    keep_secrets_out_of_dumps();
#ifndef EPMDUMP_HAVE_AUTH
    (void)failed_status;
    // The options are checked as everywhere (a mistake is named as such), then refused; no
    // password is asked for, since nothing could use it.
    password_sources none;
    none.environment = std::string_view();
    const auto choice = plan_auth(args, secrets, none);
    secrets.password.clear();
    secrets.nt_hash.clear();
    if (!choice.plan)
        std::cerr << who << ": " << choice.usage_error << '\n';
    else
        std::cerr << who << ": authentication is not available in this build (it was built without EPMDUMP_WITH_AUTH)\n";
    return exit_usage;
#else
    password_sources sources;
    auto environment = take_environment_password();
    if (environment) sources.environment = environment->text();
    if (is_a_terminal(stdin)) sources.prompt = prompt_password;
    auto choice = plan_auth(args, secrets, sources);
    environment.reset();
    if (!choice.plan)
    {
        std::cerr << who << ": " << choice.usage_error << '\n';
        return exit_usage;
    }
    const epm::auth_type type = choice.plan->credentials.type;
    run_auth r;
    r.level = choice.plan->level;
    auto provider = auth::make_security_provider(std::move(choice.plan->credentials));
    if (!provider)
    {
        const auto& f = provider.error();
        std::cerr << who << ": authentication failed before any host (" << epm::to_string(type) << "): "
                  << epm::to_string(f.reason);
        if (!f.detail.empty()) std::cerr << ": " << output::sanitize_text(f.detail);
        std::cerr << '\n';
        return failed_status;
    }
    r.provider = std::move(*provider);
    r.info = epm::auth_info{r.provider->type(), r.level, r.provider->principal()};
    out = std::move(r);
    return exit_ok;
#endif
}

void apply_auth(client::client_options& options, const std::optional<run_auth>& auth)
{
    if (!auth) return;
    options.security = auth->provider;
    options.auth_level = auth->level;
}

} // namespace epmdump::app
