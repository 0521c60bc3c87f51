// The epmdump executable's option parsing: every refused value says which option, what was
// expected and what was given, and exits 2 before anything is scanned or replayed.
#include "e2e/run_process.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using epmdump::test::process_result;

#ifndef _WIN32

namespace {

process_result run(const std::vector<std::string>& args)
{
    return epmdump::test::run_process(EPMDUMP_EXE, args);
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// A usage error: status 2, nothing on stdout, one short line naming the option and the word.
void check_refused(const std::vector<std::string>& args, const std::string& expected_message)
{
    CAPTURE(args);
    const auto r = run(args);
    CAPTURE(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(has(r.err, expected_message));
    CHECK_FALSE(has(r.err, "1797693134862315")); // no 300 digits of DBL_MAX
}

std::string capture_file() { return epmdump::test::project_pcap("samba-ad-dc-rpcdump.pcap").string(); }

} // namespace

TEST_CASE("a numeric option refuses zero, words and negative values with the range it takes")
{
    check_refused({"--timeout", "0", "127.0.0.1"}, "--timeout: expected seconds > 0, got '0'");
    check_refused({"--timeout", "abc", "127.0.0.1"}, "--timeout: expected seconds > 0, got 'abc'");
    check_refused({"--timeout", "inf", "127.0.0.1"}, "--timeout: expected seconds > 0, got 'inf'");
    check_refused({"--connect-timeout", "-1", "127.0.0.1"}, "--connect-timeout: expected seconds > 0, got '-1'");
    check_refused({"--host-timeout", "nan", "127.0.0.1"}, "--host-timeout: expected seconds > 0, got 'nan'");
    check_refused({"--rate", "-1", "127.0.0.1"}, "--rate: expected hosts per second >= 0, got '-1'");
    check_refused({"-c", "0", "127.0.0.1"}, "--concurrency: expected a whole number from 1 to 4096, got '0'");
    check_refused({"-c", "many", "127.0.0.1"}, "--concurrency: expected a whole number from 1 to 4096, got 'many'");
    check_refused({"--max-ents", "1.5", "127.0.0.1"}, "--max-ents: expected a whole number from 1 to 500, got '1.5'");
    check_refused({"-p", "70000", "127.0.0.1"}, "--port: expected a whole number from 1 to 65535, got '70000'");
    check_refused({"map", "--timeout", "0", "127.0.0.1", "e1af8308-5d1f-11c9-91a4-08002b14a0fa"},
                  "--timeout: expected seconds > 0, got '0'");
    check_refused({"replay", "--max-connections", "0", capture_file()},
                  "--max-connections: expected a whole number from 1 to 18446744073709551615, got '0'");
    check_refused({"replay", "--max-pending-calls", "-2", capture_file()},
                  "--max-pending-calls: expected a whole number from 1 to 18446744073709551615, got '-2'");
}

TEST_CASE("a word the option does not take is escaped in the message")
{
    check_refused({"--timeout", "\x1b[31mred", "127.0.0.1"}, "got '\\x1b[31mred'");
}

TEST_CASE("a replay size refuses negative, overflowing and unit-less nonsense values")
{
    const std::string expected = "expected a size in bytes >= 0, optionally with a unit";
    check_refused({"replay", "--max-buffered", "-5", capture_file()}, "--max-buffered: " + expected);
    check_refused({"replay", "--max-buffered", "99999999999999999999GiB", capture_file()}, "got '99999999999999999999GiB'");
    check_refused({"replay", "--max-buffered", "99999999999999999999", capture_file()}, "--max-buffered: " + expected);
    check_refused({"replay", "--max-buffered-total", "17179869184GiB", capture_file()}, "--max-buffered-total: " + expected);
    check_refused({"replay", "--max-message", "12XB", capture_file()}, "--max-message: " + expected);
    check_refused({"replay", "--max-message", "", capture_file()}, "--max-message");
}

TEST_CASE("a replay size with a unit is taken as that many bytes")
{
    const auto r = run({"replay", "--max-buffered", "64KiB", "--max-buffered-total", "1g", "--max-message", "1MB",
                        capture_file()});
    CHECK(r.exit_code == 0);
    CHECK(has(r.out, "ncacn_ip_tcp"));
}

TEST_CASE("an option given with '=' and no value is refused instead of taking the next word")
{
    check_refused({"--format=", "127.0.0.1"}, "--format: empty value; give --format=VALUE or --format VALUE");
    check_refused({"replay", "--format=", capture_file()}, "--format: empty value");
    check_refused({"--input-list=", "127.0.0.1"}, "--input-list: empty value");
}

TEST_CASE("Windows-style /? prints the help and /S SERVER says that a server is a target")
{
    for (const auto& args : {std::vector<std::string>{"/?"}, {"10.0.0.1", "/?"}})
    {
        const auto r = run(args);
        CHECK(r.exit_code == 0);
        CHECK(has(r.out, "Usage:"));
        CHECK(has(r.out, "--input-list"));
    }
    const auto replay_help = run({"replay", "/?"});
    CHECK(replay_help.exit_code == 0);
    CHECK(has(replay_help.out, "--max-buffered"));
    check_refused({"/S", "server1"}, "'/S SERVER' is rpcdump.exe's spelling: give the server as a target, 'epmdump SERVER'");
    check_refused({"/s", "server1"}, "'epmdump SERVER'");
    check_refused({"/v"}, "'/v' is a Windows-style switch");
}

TEST_CASE("--protseq takes only a protocol sequence we know, for the scan and for map")
{
    const std::string known = "is not a protocol sequence we know: ncacn_ip_tcp, ncadg_ip_udp, ncacn_http, ncacn_np, ncalrpc";
    check_refused({"--protseq", "bogus", "127.0.0.1"}, "--protseq 'bogus' " + known);
    check_refused({"map", "--protseq", "bogus", "127.0.0.1", "e1af8308-5d1f-11c9-91a4-08002b14a0fa"},
                  "--protseq 'bogus' " + known);
}

TEST_CASE("map --help gives map's own exit statuses, not the scan's")
{
    const auto r = run({"map", "--help"});
    CHECK(r.exit_code == 0);
    CHECK(has(r.out, "Exit status: 0 the interface is registered for the protocol sequence, 1 it is not"));
    CHECK_FALSE(has(r.out, "every target answered"));
}

TEST_CASE("a bare epmdump copied alone into an empty folder replays the capture compiled into it")
{
    namespace fs = std::filesystem;
    const fs::path folder = fs::temp_directory_path() / ("epmdump-bare-" + std::to_string(::getpid()));
    fs::remove_all(folder);
    fs::create_directories(folder);
    const fs::path copy = folder / "epmdump";
    fs::copy_file(EPMDUMP_EXE, copy);
    const auto bare = epmdump::test::run_process(copy.string(), {});
    const auto replayed = run({"replay", capture_file()});
    fs::remove_all(folder);
    CHECK(bare.exit_code == 0);
    CHECK(bare.err.empty());
    CHECK(bare.out == replayed.out);
    CHECK(has(bare.out, "ncacn_ip_tcp"));
    // Nothing in the executable points back at the build machine's checkout for it.
    const auto exe = epmdump::test::read_file(EPMDUMP_EXE);
    const std::string source_pcap = capture_file();
    CHECK(std::search(exe.begin(), exe.end(), source_pcap.begin(), source_pcap.end(),
                      [](std::byte b, char c) { return b == static_cast<std::byte>(c); }) == exe.end());
}

#else
TEST_CASE("option parsing is checked by driving the executable with fork/exec") { EPMDUMP_SKIP("POSIX only"); }
#endif
