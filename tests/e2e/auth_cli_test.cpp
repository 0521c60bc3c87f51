// The authentication options of the epmdump executable: usage errors exit 2 before any host, and
// a password never shows, in the outputs or in /proc/PID/cmdline of a running epmdump.
#include "e2e/run_process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#ifndef _WIN32
#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

constexpr const char* password = "Tr0ub4dor&3-never-shown";

epmdump::test::process_result run(const std::vector<std::string>& args)
{
    return epmdump::test::run_process(EPMDUMP_EXE, args);
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// A usage error: status 2, nothing on stdout, the message on stderr, and no secret anywhere.
void check_refused(const std::vector<std::string>& args, const std::string& message)
{
    CAPTURE(args);
    const auto r = run(args);
    CAPTURE(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(has(r.err, message));
    CHECK_FALSE(has(r.err, password));
    CHECK_FALSE(has(r.err, "8846f7eaee"));
}

struct temp_dir
{
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("epmdump-auth-e2e-" + std::to_string(::getpid()));
    temp_dir() { std::filesystem::create_directories(path); }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

std::string slurp(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("authentication usage errors exit 2 with one clear line, before any host is touched, on every host command")
{
    const std::string pw = std::string("alice%") + password;
    check_refused({"--auth-level", "sealed", "-U", pw, "127.0.0.1"}, "--auth-level: expected connect, integrity or privacy, got 'sealed'");
    check_refused({"--auth-type", "basic", "-U", pw, "127.0.0.1"}, "--auth-type: expected negotiate, ntlm or kerberos, got 'basic'");
    check_refused({"-U", "alice", "--nt-hash", "8846f7eaee", "127.0.0.1"}, "--nt-hash: expected 32 hex digits (the account's NT hash), got 10 characters");
    check_refused({"-k", "-U", pw, "127.0.0.1"}, "-k uses the Kerberos ticket cache (KRB5CCNAME): it takes no password");
    check_refused({"-U", pw, "--password-file", "/dev/null", "127.0.0.1"}, "give the password once");
    check_refused({"--auth-required", "127.0.0.1"}, "--auth-required needs credentials: -U USER");
    check_refused({"--spn", "host/dc01", "127.0.0.1"}, "--spn needs credentials");
    check_refused({"map", "-U", "alice", "--auth-level", "high", "127.0.0.1", "e1af8308-5d1f-11c9-91a4-08002b14a0fa"},
                  "epmdump map: --auth-level: expected connect");
    check_refused({"probe", "--auth-type", "ntlm", "127.0.0.1:135"}, "epmdump probe: --auth-type needs credentials");
    check_refused({"exchange", "-U", pw, "--dump", "/dev/null"}, "authentication options (-U, -k, --auth-*) are for a live TARGET");
#ifdef EPMDUMP_E2E_HAVE_AUTH
    // stdin is a pipe here: no prompt, and no other source of a password.
    ::unsetenv("EPMDUMP_PASSWORD");
    check_refused({"-U", "alice", "127.0.0.1"}, "-U alice: no password (set EPMDUMP_PASSWORD, give --password-file FILE");
#endif
}

TEST_CASE("the password given with -U, in EPMDUMP_PASSWORD or in a file is in no output of a run that cannot use it")
{
    temp_dir dir;
    const auto file = (dir.path / "pw").string();
    std::ofstream(file) << password << '\n';
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-U", std::string("EPMTEST\\alice%") + password, "--auth-level", "nope", "127.0.0.1"},
             {"-U", "alice", "--password-file", file, "--auth-type", "nope", "-f", "json", "127.0.0.1"},
             {"map", "-U", std::string("alice%") + password, "--nt-hash", "00", "127.0.0.1", "e1af8308-5d1f-11c9-91a4-08002b14a0fa"}})
    {
        CAPTURE(args);
        const auto r = run(args);
        CHECK(r.exit_code == 2);
        CHECK_FALSE(has(r.out, password));
        CHECK_FALSE(has(r.err, password));
    }
    ::setenv("EPMDUMP_PASSWORD", password, 1);
    const auto r = run({"-U", "alice", "--auth-level", "nope", "127.0.0.1"});
    ::unsetenv("EPMDUMP_PASSWORD");
    CHECK(r.exit_code == 2);
    CHECK_FALSE(has(r.err, password));
}

#ifdef EPMDUMP_E2E_HAVE_AUTH
TEST_CASE("credentials that cannot be acquired end the run before any host: one line with the reason, exit 4 (exchange 2)")
{
    temp_dir dir;
    // A realm whose only KDC is a closed loopback port: the answer is immediate, nothing leaves the host.
    const auto conf = (dir.path / "krb5.conf").string();
    std::ofstream(conf) << "[libdefaults]\n  default_realm = NOWHERE.TEST\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n"
                           "  rdns = false\n[realms]\n  NOWHERE.TEST = {\n    kdc = 127.0.0.1:9\n  }\n";
    ::setenv("KRB5_CONFIG", conf.c_str(), 1);
    ::setenv("KRB5CCNAME", ("FILE:" + (dir.path / "ccache").string()).c_str(), 1);
    ::setenv("EPMDUMP_PASSWORD", password, 1);
    const auto scan = run({"-U", "alice@NOWHERE.TEST", "--auth-type", "kerberos", "-f", "json", "127.0.0.1"});
    const auto exchange = run({"exchange", "-U", "alice@NOWHERE.TEST", "--auth-type", "kerberos", "127.0.0.1"});
    ::setenv("KRB5CCNAME", ("FILE:" + (dir.path / "no-such-cache").string()).c_str(), 1);
    const auto no_ticket = run({"map", "-k", "127.0.0.1", "e1af8308-5d1f-11c9-91a4-08002b14a0fa"});
    ::unsetenv("EPMDUMP_PASSWORD");
    ::unsetenv("KRB5_CONFIG");
    ::unsetenv("KRB5CCNAME");
    CAPTURE(scan.err);
    CHECK(scan.exit_code == 4);
    CHECK(scan.out.empty()); // no host record: no host was tried
    CHECK(has(scan.err, "epmdump: authentication failed before any host (kerberos): kdc_unreachable"));
    CHECK_FALSE(has(scan.err, password));
    CHECK(exchange.exit_code == 2);
    CHECK(has(exchange.err, "epmdump exchange: authentication failed before any host (kerberos): kdc_unreachable"));
    CHECK(no_ticket.exit_code == 4);
    CHECK(has(no_ticket.err, "epmdump map: authentication failed before any host (kerberos): no_credentials"));
}

TEST_CASE("negotiate with a password where Kerberos has no KDC (no realm configured, KDC unreachable) uses NTLM, as Windows does")
{
    temp_dir dir;
    const auto no_realm = (dir.path / "no-realm.conf").string();
    std::ofstream(no_realm) << "[libdefaults]\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n";
    const auto dead_kdc = (dir.path / "dead-kdc.conf").string();
    std::ofstream(dead_kdc) << "[libdefaults]\n  default_realm = NOWHERE.TEST\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n"
                               "  rdns = false\n[realms]\n  NOWHERE.TEST = {\n    kdc = 127.0.0.1:9\n  }\n";
    ::setenv("KRB5CCNAME", ("FILE:" + (dir.path / "ccache").string()).c_str(), 1);
    ::setenv("EPMDUMP_PASSWORD", password, 1);
    // The host is a closed loopback port: each run must get as far as trying it (exit 1), not stop at 4.
    ::setenv("KRB5_CONFIG", no_realm.c_str(), 1);
    const auto domain_user = run({"-U", "NOWHERE\\alice", "-f", "json", "127.0.0.1:9"});
    ::setenv("KRB5_CONFIG", dead_kdc.c_str(), 1);
    const auto realm_user = run({"-U", "alice@NOWHERE.TEST", "-f", "json", "127.0.0.1:9"});
    const auto kerberos_only = run({"-U", "alice@NOWHERE.TEST", "--auth-type", "kerberos", "127.0.0.1:9"});
    ::unsetenv("EPMDUMP_PASSWORD");
    ::unsetenv("KRB5_CONFIG");
    ::unsetenv("KRB5CCNAME");
    for (const auto* r : {&domain_user, &realm_user})
    {
        CAPTURE(r->err);
        CHECK(r->exit_code == 1);
        CHECK(has(r->out, "\"kind\":\"refused\""));
        CHECK(has(r->out, "\"type\":\"negotiate\""));
        CHECK_FALSE(has(r->err, "authentication failed before any host"));
        CHECK_FALSE(has(r->out + r->err, password));
    }
    CHECK(kerberos_only.exit_code == 4); // Kerberos asked for by name has no NTLM to fall back to
}
#endif

#ifndef EPMDUMP_E2E_HAVE_AUTH
TEST_CASE("a build without the authentication library accepts the options and says it cannot authenticate (exit 2)")
{
    const auto r = run({"-U", std::string("alice%") + password, "127.0.0.1"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(has(r.err, "authentication is not available in this build"));
    CHECK_FALSE(has(r.err, password));
    CHECK(run({"-k", "--auth-level", "integrity", "127.0.0.1"}).exit_code == 2);
}
#endif

TEST_CASE("a running epmdump shows no password and no NT hash in /proc/PID/cmdline, only what is left of -U")
{
    if (!std::filesystem::exists("/proc/self/cmdline")) return; // not Linux
    // stdout is a pipe we fill to the brim first: epmdump's first write (--help) blocks, after it
    // has parsed its argv, so what /proc shows then is what it left there.
    int pipe_fds[2];
    REQUIRE(::pipe2(pipe_fds, O_NONBLOCK) == 0);
    std::string filler(4096, 'f');
    while (::write(pipe_fds[1], filler.data(), filler.size()) > 0) {}
    ::fcntl(pipe_fds[0], F_SETFL, 0);
    ::fcntl(pipe_fds[1], F_SETFL, 0);
    const std::string exe = EPMDUMP_EXE;
    std::vector<std::string> words{exe, "-U", std::string("EPMTEST\\alice%") + password,
                                   "--nt-hash=8846f7eaee8fb117ad06bdd830b7586c", "127.0.0.1", "--help"};
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    // Blocked in write(2): its state in /proc/PID/stat is S with the pipe full (bounded wait).
    const std::string proc = "/proc/" + std::to_string(pid);
    std::string cmdline;
    for (int i = 0; i < 500; ++i)
    {
        const std::string wchan = slurp(proc + "/wchan");
        if (wchan.find("pipe") != std::string::npos) break;
        ::usleep(10000);
    }
    cmdline = slurp(proc + "/cmdline");
    std::string drained;
    char buf[65536];
    for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) drained.append(buf, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CAPTURE(cmdline);
    CHECK(has(drained, "--auth-level")); // it did get to write its help
    CHECK(has(cmdline, std::string("-U\0EPMTEST\\alice\0", 17)));
    CHECK_FALSE(has(cmdline, password));
    CHECK_FALSE(has(cmdline, "%"));
    CHECK_FALSE(has(cmdline, "8846f7ea"));
    CHECK(has(cmdline, "--nt-hash=" + std::string(32, 'x')));
    CHECK(WIFEXITED(status));
    CHECK_FALSE(has(drained, password));
}
#endif
