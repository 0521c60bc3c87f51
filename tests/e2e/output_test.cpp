// Standard output that cannot be written: a full disk (/dev/full) and a closed pipe, for every
// subcommand. Each must say so on stderr, stop, and exit with status 3.
#include "e2e/run_process.hpp"
#include "support/scripted_server.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#ifndef _WIN32
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace epmdump;

namespace {

#ifndef _WIN32

enum class stdout_to
{
    dev_full,      // every flush fails with ENOSPC
    no_reader,     // a pipe whose read end is closed before the child starts: EPIPE
    head_10_bytes, // a pipe read for 10 bytes and then closed, as `| head -c 10` does
};

struct outcome
{
    int exit_code = -1; // -1: killed by a signal (or by the time limit)
    int term_signal = 0;
    std::string out; // the bytes read before closing (head_10_bytes)
    std::string err;
    bool timed_out = false;
};

// Runs epmdump with stdout sent where `where` says, stderr captured, 60 s at most.
outcome run_with_stdout(const std::vector<std::string>& args, stdout_to where)
{
    outcome r;
    int err[2], out[2] = {-1, -1};
    if (pipe(err) != 0) return r;
    if (where != stdout_to::dev_full && pipe(out) != 0) return r;
    if (where == stdout_to::no_reader) close(out[0]), out[0] = -1;
    const pid_t pid = fork();
    if (pid == 0)
    {
        const int fd = where == stdout_to::dev_full ? open("/dev/full", O_WRONLY) : out[1];
        dup2(fd, 1);
        dup2(err[1], 2);
        // Only the parent may hold the read ends, or the pipe would never lose its reader.
        for (int other : {out[0], out[1], err[0], err[1]})
            if (other > 2) close(other);
        std::vector<char*> argv{const_cast<char*>(EPMDUMP_EXE)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(EPMDUMP_EXE, argv.data());
        _exit(127);
    }
    close(err[1]);
    if (out[1] >= 0) close(out[1]);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    char buf[4096];
    if (out[0] >= 0)
    {
        // Like head -c 10: read up to 10 bytes (or to EOF), then close the pipe.
        while (r.out.size() < 10 && std::chrono::steady_clock::now() < deadline)
        {
            pollfd p{out[0], POLLIN, 0};
            if (poll(&p, 1, 50) <= 0) continue;
            const auto n = read(out[0], buf, 10 - r.out.size());
            if (n <= 0) break;
            r.out.append(buf, static_cast<std::size_t>(n));
        }
        close(out[0]);
    }
    for (;;)
    {
        if (std::chrono::steady_clock::now() > deadline)
        {
            r.timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        pollfd p{err[0], POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        const auto n = read(err[0], buf, sizeof buf);
        if (n <= 0) break;
        r.err.append(buf, static_cast<std::size_t>(n));
    }
    close(err[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
    return r;
}

#define CHECK_WRITE_FAILURE(r, reason)                                                                     \
    do                                                                                                     \
    {                                                                                                      \
        INFO("stderr: " << (r).err);                                                                       \
        CHECK_FALSE((r).timed_out);                                                                        \
        CHECK((r).term_signal == 0);                                                                       \
        CHECK((r).exit_code == 3);                                                                         \
        CHECK((r).err.find(std::string("epmdump: cannot write output: ") + (reason)) != std::string::npos); \
    } while (0)

std::string pcap(const std::string& name) { return test::project_pcap(name).string(); }

test::server_script six_entry_server()
{
    test::server_script s;
    s.entries = test::sample_entries(6);
    return s;
}

#endif

} // namespace

#ifndef _WIN32

TEST_CASE("replay to a full disk says so on stderr and exits 3, in every format")
{
    for (const char* format : {"rpcdump", "impacket", "json", "csv"})
    {
        CAPTURE(format);
        auto r = run_with_stdout({"replay", "-f", format, pcap("samba-ad-dc-rpcdump.pcap")}, stdout_to::dev_full);
        CHECK_WRITE_FAILURE(r, "No space left on device");
    }
}

TEST_CASE("replay of several files stops at the first failed write instead of reading the rest")
{
    std::vector<std::string> args{"replay", "-f", "json", "--summary"};
    for (int i = 0; i < 5; ++i) args.push_back(pcap("samba-ad-dc-rpcdump.pcap"));
    auto r = run_with_stdout(args, stdout_to::dev_full);
    CHECK_WRITE_FAILURE(r, "No space left on device");
    // --summary prints one line per file replayed: none after the file whose write failed.
    CHECK(r.err.find("samba-ad-dc-rpcdump.pcap:") == std::string::npos);
}

TEST_CASE("a scan to a full disk stops at the first failed write and exits 3")
{
    auto s = six_entry_server();
    std::vector<std::string> hosts;
    for (int i = 1; i <= 30; ++i) hosts.push_back("127.0.41." + std::to_string(i));
    test::scripted_server server(s, hosts);
    const auto port = std::to_string(server.port());
    auto r = run_with_stdout({"127.0.41.1-30:" + port, "-c", "1", "-f", "json"}, stdout_to::dev_full);
    CHECK_WRITE_FAILURE(r, "No space left on device");
    // One host at a time: the scan stopped after the first result, not after all 30.
    CHECK(server.log().connections <= 2);
}

TEST_CASE("map to a full disk exits 3")
{
    auto s = six_entry_server();
    test::scripted_server server(s);
    auto r = run_with_stdout({"map", "127.0.0.1:" + std::to_string(server.port()), to_string(s.entries.front().interface.id)},
                             stdout_to::dev_full);
    CHECK_WRITE_FAILURE(r, "No space left on device");
}

TEST_CASE("probe to a full disk exits 3 in every format, and stops probing at the first failed write")
{
    const auto closed = std::to_string(test::closed_port());
    for (const char* format : {"rpcdump", "json", "csv"})
    {
        INFO(format);
        // 2,000 ports one at a time: stopping at the first write ends the run long before the last.
        auto r = run_with_stdout({"probe", "127.0.0.1", "--ports", "1-2000", "-c", "1", "-f", format}, stdout_to::dev_full);
        CHECK_WRITE_FAILURE(r, "No space left on device");
    }
    auto one = run_with_stdout({"probe", "127.0.0.1:" + closed, "-f", "json"}, stdout_to::dev_full);
    CHECK_WRITE_FAILURE(one, "No space left on device");
}

TEST_CASE("exchange --dump to a full disk exits 3 in text and json")
{
    const auto dump = (test::source_dir() / "tests/fixtures/exchange/kb926210-healthy.txt").string();
    for (const char* format : {"text", "json"})
    {
        CAPTURE(format);
        auto r = run_with_stdout({"exchange", "--dump", dump, "-f", format}, stdout_to::dev_full);
        CHECK_WRITE_FAILURE(r, "No space left on device");
    }
}

TEST_CASE("--help and --version to a full disk exit 3")
{
    for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"--version"}, {"replay", "--help"}})
    {
        auto r = run_with_stdout(args, stdout_to::dev_full);
        CHECK_WRITE_FAILURE(r, "No space left on device");
    }
}

TEST_CASE("a pipe nobody reads is a write error (exit 3, Broken pipe), not a silent death by SIGPIPE")
{
    auto r = run_with_stdout({"replay", pcap("samba-ad-dc-rpcdump.pcap")}, stdout_to::no_reader);
    CHECK_WRITE_FAILURE(r, "Broken pipe");
}

TEST_CASE("epmdump ... | head -c 10 ends promptly with exit 3 once head has gone")
{
    // About 40 tables: more than a pipe buffer holds, so writes continue after head closes.
    std::vector<std::string> args{"replay", "-f", "json"};
    for (int i = 0; i < 40; ++i) args.push_back(pcap("samba-ad-dc-rpcdump.pcap"));
    auto r = run_with_stdout(args, stdout_to::head_10_bytes);
    CHECK(r.out == R"({"schema":)");
    CHECK_WRITE_FAILURE(r, "Broken pipe");
}

TEST_CASE("a scan piped into head -c 10 stops scanning once head has gone")
{
    auto s = six_entry_server();
    s.entries = test::sample_entries(200);
    std::vector<std::string> hosts;
    for (int i = 1; i <= 60; ++i) hosts.push_back("127.0.42." + std::to_string(i));
    test::scripted_server server(s, hosts);
    auto r = run_with_stdout({"127.0.42.1-60:" + std::to_string(server.port()), "-c", "2", "-f", "json"},
                             stdout_to::head_10_bytes);
    CHECK_WRITE_FAILURE(r, "Broken pipe");
    CHECK(server.log().connections < 60);
}

#endif

#ifndef _WIN32
using test::count_of;

TEST_CASE("rpcdump: a scan of two targets heads both tables with '# target:', the first one too")
{
    auto s = six_entry_server();
    test::scripted_server server(s, {"127.0.43.1", "127.0.43.2"});
    const auto port = std::to_string(server.port());
    auto r = test::run_process(EPMDUMP_EXE, {"127.0.43.1:" + port, "127.0.43.2:" + port, "-c", "1"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("# target: 127.0.43.", 0) == 0);
    CHECK(count_of(r.out, "# target: ") == 2);
    // One range word is several targets too.
    r = test::run_process(EPMDUMP_EXE, {"127.0.43.1-2:" + port, "-c", "1"});
    CHECK(r.out.rfind("# target: 127.0.43.", 0) == 0);
    CHECK(count_of(r.out, "# target: ") == 2);
    // One target alone keeps rpcdump.exe's layout: no header.
    r = test::run_process(EPMDUMP_EXE, {"127.0.43.1:" + port});
    CHECK(r.exit_code == 0);
    CHECK(count_of(r.out, "# target: ") == 0);
}

TEST_CASE("rpcdump: a scan of a one-host list still heads its table, the count being decided up front")
{
    auto s = six_entry_server();
    test::scripted_server server(s);
    auto r = test::run_process(EPMDUMP_EXE, {"-iL", "-"}, "127.0.0.1:" + std::to_string(server.port()) + "\n");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("# target: 127.0.0.1", 0) == 0);
}

TEST_CASE("rpcdump: replay of a multi-conversation capture heads every table, the first one too")
{
    const auto file = pcap("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap");
    const auto tables = count_of(test::run_process(EPMDUMP_EXE, {"replay", "-f", "json", file}).out, "\n");
    REQUIRE(tables > 1);
    auto r = test::run_process(EPMDUMP_EXE, {"replay", file});
    CHECK(r.out.rfind("# target: ", 0) == 0);
    CHECK(count_of(r.out, "# target: ") == tables);
    // Two files of one conversation each: two tables, both headed.
    const auto one = pcap("samba-ad-dc-rpcdump.pcap");
    r = test::run_process(EPMDUMP_EXE, {"replay", one, one});
    CHECK(r.out.rfind("# target: ", 0) == 0);
    CHECK(count_of(r.out, "# target: ") == 2);
    // One file with one conversation: rpcdump.exe's layout, no header.
    r = test::run_process(EPMDUMP_EXE, {"replay", one});
    CHECK(r.exit_code == 0);
    CHECK(count_of(r.out, "# target: ") == 0);
}
#endif

#ifndef _WIN32
TEST_CASE("an error is printed as KIND: MESSAGE once, in every format: a replayed fault")
{
    const auto file = pcap("epm-fault-nca-op-rng-error-opnum42.pcap");
    for (const char* format : {"rpcdump", "impacket", "csv", "json"})
    {
        CAPTURE(format);
        auto r = test::run_process(EPMDUMP_EXE, {"replay", "-f", format, file});
        CHECK(r.out.find("nca_op_rng_error") != std::string::npos);
        CHECK(r.out.find("fault: fault") == std::string::npos);
        CHECK(r.out.find("\"message\":\"fault") == std::string::npos);
    }
}

TEST_CASE("hosts stopped by Ctrl-C read 'cancelled: ...' once in CSV, not 'cancelled: cancelled'")
{
    test::server_script silent;
    silent.silent = true;
    test::scripted_server server(silent, {"127.0.45.1", "127.0.45.2"});
    auto r = test::run_process(EPMDUMP_EXE, {"127.0.45.1-2:" + std::to_string(server.port()), "-f", "csv", "--timeout", "30"},
                               {}, std::chrono::milliseconds(500));
    CHECK(r.exit_code == 1);
    CHECK(count_of(r.out, ",cancelled: ") == 2);
    CHECK(r.out.find("cancelled: cancelled") == std::string::npos);
}
#endif

#ifndef _WIN32
TEST_CASE("--csv-bom starts CSV with one UTF-8 byte order mark, for Excel; with another format it is a usage error")
{
    const std::string bom = "\xEF\xBB\xBF";
    const auto file = pcap("samba-ad-dc-rpcdump.pcap");
    auto r = test::run_process(EPMDUMP_EXE, {"replay", "-f", "csv", "--csv-bom", file, file});
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind(bom + "target,address,port,", 0) == 0);
    CHECK(count_of(r.out, bom) == 1);
    r = test::run_process(EPMDUMP_EXE, {"replay", "-f", "csv", file});
    CHECK(r.out.rfind("target,address,port,", 0) == 0);

    auto s = six_entry_server();
    test::scripted_server server(s);
    const auto host = "127.0.0.1:" + std::to_string(server.port());
    r = test::run_process(EPMDUMP_EXE, {host, "-f", "csv", "--csv-bom"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind(bom + "target,", 0) == 0);
    r = test::run_process(EPMDUMP_EXE, {"map", host, to_string(s.entries.front().interface.id), "-f", "csv", "--csv-bom"});
    CHECK(r.out.rfind(bom + "target,", 0) == 0);

    for (const auto& args : std::vector<std::vector<std::string>>{
             {"replay", "--csv-bom", file}, {host, "-f", "json", "--csv-bom"}, {"map", host, to_string(s.entries.front().interface.id), "--csv-bom"}})
    {
        r = test::run_process(EPMDUMP_EXE, args);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("--csv-bom needs --format csv") != std::string::npos);
        CHECK(r.out.empty());
    }
}
#endif
