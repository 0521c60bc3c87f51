// The authentication options as the CLI parses them (compiled into epmdump_cli_parts): argv's
// secrets taken out and overwritten, the identity and its defaults, and every usage error.
#include "argv_secrets.hpp"
#include "auth_args.hpp"

#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace epmdump;
using namespace epmdump::app;

namespace {

// argv as the kernel lays it out: one block of NUL-terminated words (what /proc/PID/cmdline shows).
struct fake_argv
{
    std::string block;
    std::vector<char*> words;
    explicit fake_argv(std::initializer_list<const char*> list)
    {
        std::vector<std::size_t> starts;
        for (const char* w : list)
        {
            starts.push_back(block.size());
            block += w;
            block += '\0';
        }
        for (auto s : starts) words.push_back(block.data() + s);
        words.push_back(nullptr);
    }
    int argc() const { return static_cast<int>(words.size()) - 1; }
    char** argv() { return words.data(); }
};

// Parses `list` the way main does (secrets out of argv first), then plans the authentication.
struct parsed
{
    auth_args args;
    argv_secrets secrets;
    auth_choice choice;
    std::string block; // argv's bytes after parsing
};

parsed parse(std::initializer_list<const char*> list, const password_sources& sources = {})
{
    parsed p;
    fake_argv a(list);
    take_argv_secrets(a.argc(), a.argv(), p.secrets);
    CLI::App app;
    std::vector<std::string> targets;
    app.add_option("targets", targets);
    add_auth_options(app, p.args);
    app.parse(a.argc(), a.argv());
    p.block = a.block;
    p.choice = plan_auth(p.args, p.secrets, sources);
    return p;
}

bool has(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

} // namespace

TEST_CASE("-U USER%PASSWORD: the password is taken out of argv and its bytes overwritten, the user stays")
{
    auto p = parse({"epmdump", "-U", "EPMTEST\\alice%S3cret-pw", "dc01"});
    REQUIRE(p.choice.plan);
    CHECK_FALSE(has(p.block, "S3cret"));
    CHECK(has(p.block, std::string("EPMTEST\\alice\0\0", 15))); // the word ends at the user now
    const auto& c = p.choice.plan->credentials;
    CHECK(c.user == "EPMTEST\\alice");
    CHECK(c.domain == "EPMTEST");
    CHECK(c.password.text() == "S3cret-pw");
    CHECK(c.type == epm::auth_type::negotiate);
    CHECK(p.choice.plan->level == epm::auth_level::privacy);
    CHECK_FALSE(c.use_ccache);
}

TEST_CASE("every spelling of -U gives up its password: -UVALUE, --user VALUE, --user=VALUE, and none after --")
{
    for (auto list : {std::initializer_list<const char*>{"epmdump", "-Ualice%pw1", "h"},
                      std::initializer_list<const char*>{"epmdump", "--user", "alice%pw1", "h"},
                      std::initializer_list<const char*>{"epmdump", "--user=alice%pw1", "h"}})
    {
        auto p = parse(list);
        CAPTURE(p.choice.usage_error);
        REQUIRE(p.choice.plan);
        CHECK(p.choice.plan->credentials.password.text() == "pw1");
        CHECK(p.choice.plan->credentials.user == "alice");
        CHECK_FALSE(has(p.block, "pw1"));
    }
    fake_argv a({"epmdump", "--", "-U", "x%keep"});
    argv_secrets s;
    take_argv_secrets(a.argc(), a.argv(), s);
    CHECK_FALSE(s.password_given);
    CHECK(has(a.block, "x%keep"));
}

TEST_CASE("a doubled backslash from a single-quoted 'DOMAIN\\\\USER' and DOMAIN/USER name the same account, and USER@REALM stays whole")
{
    password_sources env;
    env.environment = "pw";
    CHECK(parse({"epmdump", "-U", "EPMTEST\\\\bob", "h"}, env).choice.plan->credentials.user == "EPMTEST\\bob");
    const auto slash = parse({"epmdump", "-U", "EPMTEST/bob", "h"}, env);
    CHECK(slash.choice.plan->credentials.user == "EPMTEST\\bob");
    CHECK(slash.choice.plan->credentials.domain == "EPMTEST");
    const auto realm = parse({"epmdump", "-U", "bob@EPMTEST.LAN", "h"}, env);
    CHECK(realm.choice.plan->credentials.user == "bob@EPMTEST.LAN");
    CHECK(realm.choice.plan->credentials.domain.empty());
}

TEST_CASE("the password comes from argv, else --password-file, else EPMDUMP_PASSWORD, else the prompt")
{
    const auto dir = std::filesystem::temp_directory_path() / ("epmdump-auth-args-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = (dir / "pw").string();
    std::ofstream(file, std::ios::binary) << "from-file\r\nsecond line\n";
    password_sources all;
    all.environment = "from-env";
    int prompts = 0;
    all.prompt = [&prompts](const std::string& prompt) {
        ++prompts;
        CHECK(has(prompt, "alice"));
        return std::optional<auth::secret>(std::in_place, std::string_view("from-prompt"));
    };
    CHECK(parse({"e", "-U", "alice%from-argv", "h"}, all).choice.plan->credentials.password.text() == "from-argv");
    CHECK(parse({"e", "-U", "alice", "--password-file", file.c_str(), "h"}, all).choice.plan->credentials.password.text() == "from-file");
    CHECK(parse({"e", "-U", "alice", "h"}, all).choice.plan->credentials.password.text() == "from-env");
    CHECK(prompts == 0);
    password_sources prompt_only;
    prompt_only.prompt = all.prompt;
    CHECK(parse({"e", "-U", "alice", "h"}, prompt_only).choice.plan->credentials.password.text() == "from-prompt");
    CHECK(prompts == 1);
    // "user%" is an empty password given on purpose, not a missing one.
    const auto empty = parse({"e", "-U", "alice%", "h"}, prompt_only);
    REQUIRE(empty.choice.plan);
    CHECK(empty.choice.plan->credentials.password.empty());
    CHECK(prompts == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("-k uses the ticket cache: kerberos by default, negotiate if asked, never with a password, a hash, -U or ntlm")
{
    const auto k = parse({"e", "-k", "--spn", "host/dc01.epmtest.lan", "dc01"});
    REQUIRE(k.choice.plan);
    CHECK(k.choice.plan->credentials.use_ccache);
    CHECK(k.choice.plan->credentials.type == epm::auth_type::kerberos);
    CHECK(k.choice.plan->credentials.user.empty());
    CHECK(k.choice.plan->credentials.spn == "host/dc01.epmtest.lan");
    CHECK(parse({"e", "-k", "--auth-type", "negotiate", "h"}).choice.plan->credentials.type == epm::auth_type::negotiate);
    CHECK(has(parse({"e", "-k", "-U", "alice%pw", "h"}).choice.usage_error, "-k uses the Kerberos ticket cache"));
    CHECK(has(parse({"e", "-k", "--password-file", "/dev/null", "h"}).choice.usage_error, "takes no password"));
    CHECK(has(parse({"e", "-k", "--nt-hash", "00112233445566778899aabbccddeeff", "h"}).choice.usage_error, "no --nt-hash"));
    CHECK(has(parse({"e", "-k", "-U", "alice", "h"}).choice.usage_error, "principal of the ticket cache"));
    CHECK(has(parse({"e", "-k", "--auth-type", "ntlm", "h"}).choice.usage_error, "ntlm cannot use a Kerberos ticket cache"));
}

TEST_CASE("--nt-hash: 16 bytes from 32 hex digits, NTLM by default, masked in argv, and anything else is refused without echoing it")
{
    const auto p = parse({"e", "-U", "alice", "--nt-hash", "8846F7EAEE8FB117AD06BDD830B7586C", "h"});
    REQUIRE(p.choice.plan);
    const auto& c = p.choice.plan->credentials;
    CHECK(c.type == epm::auth_type::ntlm);
    REQUIRE(c.nt_hash.size() == 16);
    CHECK(c.nt_hash.bytes()[0] == std::byte{0x88});
    CHECK(c.nt_hash.bytes()[15] == std::byte{0x6c});
    CHECK(c.password.empty());
    CHECK_FALSE(has(p.block, "8846"));
    CHECK(has(p.block, std::string(32, 'x')));
    const auto short_hash = parse({"e", "-U", "alice", "--nt-hash=8846f7eaee", "h"});
    CHECK(has(short_hash.choice.usage_error, "expected 32 hex digits"));
    CHECK(has(short_hash.choice.usage_error, "got 10 characters"));
    CHECK_FALSE(has(short_hash.choice.usage_error, "8846"));
    const auto not_hex = parse({"e", "-U", "alice", "--nt-hash", "zz46f7eaee8fb117ad06bdd830b7586c", "h"});
    CHECK(has(not_hex.choice.usage_error, "not all hex digits"));
    CHECK_FALSE(has(not_hex.choice.usage_error, "zz46"));
    CHECK(has(parse({"e", "-U", "alice%pw", "--nt-hash", "8846f7eaee8fb117ad06bdd830b7586c", "h"}).choice.usage_error,
              "--nt-hash replaces the password"));
    CHECK(has(parse({"e", "-U", "alice", "--auth-type", "kerberos", "--nt-hash", "8846f7eaee8fb117ad06bdd830b7586c", "h"})
                  .choice.usage_error,
              "--auth-type ntlm only"));
}

TEST_CASE("usage errors: a bad level or type word, a password given twice, no user name, no password anywhere")
{
    password_sources env;
    env.environment = "pw";
    CHECK(parse({"e", "-U", "a", "--auth-level", "integrity", "h"}, env).choice.plan->level == epm::auth_level::integrity);
    CHECK(parse({"e", "-U", "a", "--auth-level", "connect", "h"}, env).choice.plan->level == epm::auth_level::connect);
    CHECK(parse({"e", "-U", "a", "--auth-type", "kerberos", "h"}, env).choice.plan->credentials.type == epm::auth_type::kerberos);
    CHECK(has(parse({"e", "-U", "a", "--auth-level", "sealed", "h"}, env).choice.usage_error,
              "--auth-level: expected connect, integrity or privacy, got 'sealed'"));
    // Wire words epmdump does not offer: call and packet are integrity on Windows anyway.
    CHECK(has(parse({"e", "-U", "a", "--auth-level", "packet", "h"}, env).choice.usage_error, "expected connect, integrity or privacy"));
    CHECK(has(parse({"e", "-U", "a", "--auth-type", "basic", "h"}, env).choice.usage_error,
              "--auth-type: expected negotiate, ntlm or kerberos, got 'basic'"));
    CHECK(has(parse({"e", "-U", "a%pw", "--password-file", "/dev/null", "h"}, env).choice.usage_error, "give the password once"));
    CHECK(has(parse({"e", "-U", "EPMTEST\\%pw", "h"}, env).choice.usage_error, "-U: no user name"));
    CHECK(has(parse({"e", "-U", "%pw", "h"}, env).choice.usage_error, "-U: no user name"));
    const auto none = parse({"e", "-U", "alice", "h"});
    CHECK(has(none.choice.usage_error, "no password (set EPMDUMP_PASSWORD, give --password-file FILE, or run from a terminal"));
    CHECK(has(parse({"e", "-U", "a", "--password-file", "/nonexistent/pw", "h"}, env).choice.usage_error,
              "--password-file '/nonexistent/pw': "));
}

TEST_CASE("an authentication option without -U or -k is a usage error, and with none at all the run stays anonymous")
{
    const auto anonymous = parse({"e", "h"});
    CHECK_FALSE(anonymous.choice.plan);
    CHECK(anonymous.choice.usage_error.empty());
    CHECK_FALSE(auth_requested(anonymous.args, anonymous.secrets));
    for (auto list : {std::initializer_list<const char*>{"e", "--auth-required", "h"},
                      std::initializer_list<const char*>{"e", "--auth-level", "privacy", "h"},
                      std::initializer_list<const char*>{"e", "--auth-type", "ntlm", "h"},
                      std::initializer_list<const char*>{"e", "--spn", "host/x", "h"},
                      std::initializer_list<const char*>{"e", "--password-file", "/dev/null", "h"},
                      std::initializer_list<const char*>{"e", "--nt-hash", "8846f7eaee8fb117ad06bdd830b7586c", "h"}})
    {
        const auto p = parse(list);
        CAPTURE(p.choice.usage_error);
        CHECK_FALSE(p.choice.plan);
        CHECK(has(p.choice.usage_error, "needs credentials: -U USER"));
        CHECK(auth_requested(p.args, p.secrets));
    }
    password_sources env;
    env.environment = "pw";
    CHECK(parse({"e", "-U", "a", "--auth-required", "h"}, env).choice.plan->required);
}

TEST_CASE("a password file: its first line without CR LF, and an empty, missing or an over-long line is a message naming the file")
{
    const auto dir = std::filesystem::temp_directory_path() / ("epmdump-pwfile-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto write = [&](const char* name, const std::string& text) {
        const auto path = (dir / name).string();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    };
    CHECK(read_password_file(write("lf", "pw one\n")).password->text() == "pw one");
    CHECK(read_password_file(write("none", "no newline")).password->text() == "no newline");
    CHECK(has(read_password_file(write("empty", "\nnext")).error, "its first line is empty"));
    CHECK(has(read_password_file(write("long", std::string(2000, 'a'))).error, "longer than 1023 bytes"));
    const auto missing = read_password_file((dir / "missing").string());
    CHECK_FALSE(missing.password);
    CHECK(has(missing.error, "missing'"));
    std::filesystem::remove_all(dir);
}
