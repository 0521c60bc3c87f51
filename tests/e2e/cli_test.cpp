// The epmdump executable against scripted endpoint mappers on loopback: every output format on
// a fixed result, exit statuses, target forms, streaming, Ctrl-C, and a 256-target scan.
#include "e2e/run_process.hpp"
#include "support/scripted_server.hpp"
#include "support/test_files.hpp"

#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace epmdump;
using epmdump::test::process_result;
using epmdump::test::scripted_server;
using epmdump::test::server_script;

#ifdef _WIN32
#define NEEDS_POSIX() EPMDUMP_SKIP("the CLI tests drive the executable with fork/exec")
#else
#define NEEDS_POSIX() (void)0
#endif

namespace {

constexpr const char* lsarpc = "12345778-1234-abcd-ef00-0123456789ab";
constexpr const char* samr = "12345778-1234-abcd-ef00-0123456789ac";

process_result epmdump_run(const std::vector<std::string>& args, const std::string& stdin_text = {},
                           std::optional<std::chrono::milliseconds> sigint_after = std::nullopt)
{
#ifndef _WIN32
    return test::run_process(EPMDUMP_EXE, args, stdin_text, sigint_after);
#else
    return {};
#endif
}

// The fixed result every format is checked on.
server_script fixed_server()
{
    server_script s;
    s.entries = {
        test::make_entry(lsarpc, 0, 0, "ncacn_ip_tcp", "0.0.0.0", "49153", "lsarpc"),
        test::make_entry(lsarpc, 0, 0, "ncacn_np", "", "\\pipe\\lsass", "lsarpc"),
        test::make_entry(samr, 1, 0, "ncacn_ip_tcp", "0.0.0.0", "49154", "samr"),
        test::make_entry("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3, 0, "ncalrpc", "", "EPMAPPER", "epmapper"),
    };
    return s;
}

std::string at(const scripted_server& s) { return "127.0.0.1:" + std::to_string(s.port()); }

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

std::vector<std::string> json_targets(const std::string& text)
{
    std::vector<std::string> out;
    auto d = output::read_json_lines(text);
    if (!d) return out;
    for (const auto& e : d->enumerations) out.push_back(e.target);
    return out;
}

std::vector<std::string> loopback_block(int third_octet, int count)
{
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) out.push_back("127.0." + std::to_string(third_octet) + "." + std::to_string(i));
    return out;
}

} // namespace

TEST_CASE("json output carries every field of the fixed result and reads back to the server's entries")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    auto r = epmdump_run({at(server), "--format", "json", "--towers"});
    CHECK(r.exit_code == 0);
    CHECK(count_lines(r.out) == 1);
    auto d = output::read_json_lines(r.out);
    REQUIRE_MESSAGE(d.has_value(), r.out);
    REQUIRE(d->enumerations.size() == 1);
    const auto& e = d->enumerations.front();
    CHECK(e.target == "127.0.0.1");
    CHECK(e.address == "127.0.0.1");
    CHECK(e.port == server.port());
    CHECK(e.status == epm::enumeration_status::ok);
    CHECK(e.entries == s.entries);
}

TEST_CASE("rpcdump output lists each entry under its protocol sequence section")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    auto r = epmdump_run({at(server)}); // rpcdump is the default
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("ncacn_ip_tcp(Connection-oriented TCP/IP)") != std::string::npos);
    CHECK(r.out.find("0.0.0.0[49153] [12345778-1234-abcd-ef00-0123456789ab] lsarpc :NOT_PINGED") != std::string::npos);
    CHECK(r.out.find("0.0.0.0[49154] [12345778-1234-abcd-ef00-0123456789ac] samr :NOT_PINGED") != std::string::npos);
    auto d = output::read_rpcdump_text(r.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 1);
    std::vector<std::string> read_back, sent;
    for (const auto& e : d->enumerations.front().entries) read_back.push_back(to_string(e.interface.id) + " " + to_string(e.where) + " " + e.annotation);
    for (const auto& e : s.entries) sent.push_back(to_string(e.interface.id) + " " + to_string(e.where) + " " + e.annotation);
    std::sort(read_back.begin(), read_back.end());
    std::sort(sent.begin(), sent.end());
    CHECK(read_back == sent);
}

TEST_CASE("impacket output groups bindings by interface and reads back to the same entries")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    auto r = epmdump_run({at(server), "-f", "impacket"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("UUID    : 12345778-1234-ABCD-EF00-0123456789AB v0.0 lsarpc") != std::string::npos);
    CHECK(r.out.find("          ncacn_ip_tcp:0.0.0.0[49153]") != std::string::npos);
    CHECK(r.out.find("[*] Received 4 endpoints.") != std::string::npos);
    auto d = output::read_impacket_text(r.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 1);
    std::vector<std::string> read_back, sent;
    for (const auto& e : d->enumerations.front().entries)
        read_back.push_back(to_string(e.interface.id) + " v" + std::to_string(e.interface.major) + " " + to_string(e.where));
    for (const auto& e : s.entries)
        sent.push_back(to_string(e.interface.id) + " v" + std::to_string(e.interface.major) + " " + to_string(e.where));
    std::sort(read_back.begin(), read_back.end());
    std::sort(sent.begin(), sent.end());
    CHECK(read_back == sent);
}

TEST_CASE("csv output has a header and one row per entry")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    auto r = epmdump_run({at(server), "-f", "csv"});
    CHECK(r.exit_code == 0);
    CHECK(count_lines(r.out) == 1 + s.entries.size());
    CHECK(r.out.rfind("target,address,port,status,error,object,interface,version,name,annotation,protseq,host,endpoint,binding,ping", 0) == 0);
    CHECK(r.out.find("ncacn_np:[\\pipe\\lsass]") != std::string::npos);
    CHECK(r.out.find("ncalrpc:[EPMAPPER]") != std::string::npos);
}

TEST_CASE("exit status 1 when one target fails; the others are still printed")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    auto r = epmdump_run({at(server), "127.0.0.1:" + std::to_string(test::closed_port()), "-f", "json", "-c", "1"});
    CHECK(r.exit_code == 1);
    auto d = output::read_json_lines(r.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 2);
    CHECK(d->enumerations[0].status == epm::enumeration_status::ok);
    CHECK(d->enumerations[1].status == epm::enumeration_status::error);
    CHECK(d->enumerations[1].error->kind == epmdump::epm::failure_kind::refused);
}

TEST_CASE("exit status 2 for usage errors: bad target, bad format, unknown option, no target")
{
    NEEDS_POSIX();
    CHECK(epmdump_run({"10.0.0.0/33"}).exit_code == 2);
    CHECK(epmdump_run({"10.0.0.1", "--format", "xml"}).exit_code == 2);
    CHECK(epmdump_run({"10.0.0.1", "--no-such-option"}).exit_code == 2);
    CHECK(epmdump_run({"-q"}).exit_code == 2);
    CHECK(epmdump_run({"10.0.0.1", "--max-ents", "501"}).exit_code == 2);
    CHECK(epmdump_run({"map", "127.0.0.1", "not-a-uuid"}).exit_code == 2);
    auto r = epmdump_run({"10.0.0.1-300"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("10.0.0.1-300") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("a CIDR block and an address range of loopback servers are scanned address by address")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    const auto hosts = loopback_block(40, 8);
    scripted_server server(s, hosts);
    const auto port = std::to_string(server.port());
    auto r = epmdump_run({"127.0.40.0/30:" + port, "127.0.40.4-7:" + port, "-f", "json"});
    CHECK(r.exit_code == 0);
    auto targets = json_targets(r.out);
    std::sort(targets.begin(), targets.end());
    CHECK(targets == hosts);
}

TEST_CASE("targets from a list file with comments, and from stdin with -iL -")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    const auto hosts = loopback_block(41, 3);
    scripted_server server(s, hosts);
    const auto port = std::to_string(server.port());
    const auto list = std::filesystem::temp_directory_path() / "epmdump-cli-list.txt";
    {
        std::ofstream f(list);
        f << "# lab\n127.0.41.0 -p\n\n127.0.41.1  # the second\n";
    }
    // "-p" in the file is not a target: a warning, the scan goes on, and the status says so.
    auto r = epmdump_run({"-iL", list.string(), "--port", port, "-f", "json"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(":2:") != std::string::npos);
    auto targets = json_targets(r.out);
    std::sort(targets.begin(), targets.end());
    CHECK(targets == std::vector<std::string>{"127.0.41.0", "127.0.41.1"});

    auto piped = epmdump_run({"-iL", "-", "-f", "json"}, "127.0.41.2:" + port + "\n");
    CHECK(piped.exit_code == 0);
    CHECK(json_targets(piped.out) == std::vector<std::string>{"127.0.41.2"});
    std::filesystem::remove(list);
}

TEST_CASE("an IPv6 target in brackets with its port")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    std::unique_ptr<scripted_server> server;
    try
    {
        server = std::make_unique<scripted_server>(s, std::vector<std::string>{"::1"});
    }
    catch (const std::exception& e)
    {
        EPMDUMP_SKIP(std::string("no IPv6 loopback here: ") + e.what());
    }
    auto r = epmdump_run({"[::1]:" + std::to_string(server->port()), "-f", "json"});
    CHECK(r.exit_code == 0);
    auto d = output::read_json_lines(r.out);
    REQUIRE(d.has_value());
    CHECK(d->enumerations.at(0).address == "::1");
    CHECK(d->enumerations.at(0).entries.size() == s.entries.size());
}

TEST_CASE("--uuid and --protseq choose the entries printed")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    auto r = epmdump_run({at(server), "-f", "json", "--towers", "--uuid", lsarpc, "--protseq", "tcp"});
    CHECK(r.exit_code == 0);
    auto d = output::read_json_lines(r.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.at(0).entries.size() == 1);
    CHECK(d->enumerations.at(0).entries[0] == s.entries[0]);
}

TEST_CASE("--ping reports each TCP endpoint's state in the output")
{
    NEEDS_POSIX();
    server_script service;
    service.accept_any_interface = true;
    scripted_server service_server(service);
    server_script mapper;
    mapper.entries = {test::make_entry(lsarpc, 0, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(service_server.port()), "lsarpc"),
                      test::make_entry(samr, 1, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(test::closed_port()), "samr")};
    scripted_server mapper_server(mapper);
    auto r = epmdump_run({at(mapper_server), "--ping"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("lsarpc :PINGED") != std::string::npos);
    CHECK(r.out.find("samr :NOT_LISTENING") != std::string::npos);
}

TEST_CASE("--transport ncacn_http reads the banner first")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    s.http_banner = true;
    scripted_server server(s);
    auto plain = epmdump_run({at(server), "-f", "json", "--timeout", "1"});
    CHECK(plain.exit_code == 1); // the banner is not a DCE/RPC header
    auto http = epmdump_run({at(server), "-f", "json", "--towers", "--transport", "ncacn_http"});
    CHECK(http.exit_code == 0);
    auto d = output::read_json_lines(http.out);
    REQUIRE(d.has_value());
    CHECK(d->enumerations.at(0).entries == s.entries);
}

TEST_CASE("results stream out as each host finishes: a slow host does not hold back the fast ones")
{
    NEEDS_POSIX();
    server_script slow;
    slow.silent = true;
    scripted_server slow_server(slow);
    auto s = fixed_server();
    const auto hosts = loopback_block(43, 3);
    scripted_server fast_server(s, hosts);
    const auto p = std::to_string(fast_server.port());
    auto r = epmdump_run({at(slow_server), "127.0.43.0:" + p, "127.0.43.1:" + p, "127.0.43.2:" + p, "-f", "json", "-c", "2",
                          "--timeout", "1"});
    CHECK(r.exit_code == 1);
    const auto targets = json_targets(r.out);
    REQUIRE(targets.size() == 4);
    CHECK(targets.back() == "127.0.0.1"); // the silent one, first in line, is written last
}

TEST_CASE("Ctrl-C stops the scan, prints what finished and each host in flight as cancelled, and exits 1")
{
    NEEDS_POSIX();
    server_script slow;
    slow.silent = true;
    const auto slow_hosts = loopback_block(44, 4);
    scripted_server slow_server(slow, slow_hosts);
    auto s = fixed_server();
    scripted_server fast_server(s);
    auto r = epmdump_run({at(fast_server), "127.0.44.0-3:" + std::to_string(slow_server.port()), "-f", "json", "-c", "3",
                          "--timeout", "30", "--host-timeout", "60"},
                         {}, std::chrono::milliseconds(800));
    CHECK(r.exit_code == 1);
    CHECK(r.seconds < 10);
    const auto targets = json_targets(r.out);
    REQUIRE_FALSE(targets.empty());
    CHECK(targets.front() == "127.0.0.1");
    CHECK(targets.size() == 4); // -c 3: the three silent hosts in flight at the interrupt
    CHECK(test::count_of(r.out, "\"kind\":\"cancelled\"") == 3);
    CHECK(r.err.find("interrupted: 1 done, 3 stopped in flight") != std::string::npos);
}

TEST_CASE("no progress line when stderr is not a terminal")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    auto r = epmdump_run({at(server), "-f", "json"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
}

TEST_CASE("a 256-target scan of loopback servers streams every result with bounded memory")
{
    NEEDS_POSIX();
    server_script s;
    s.entries = test::sample_entries(53);
    const auto hosts = loopback_block(45, 256);
    scripted_server server(s, hosts);
    const auto p = std::to_string(server.port());
    auto small = epmdump_run({"127.0.45.0/28:" + p, "-f", "json", "-c", "32"});
    auto big = epmdump_run({"127.0.45.0/24:" + p, "-f", "json", "-c", "32"});
    CHECK(small.exit_code == 0);
    CHECK(big.exit_code == 0);
    CHECK(count_lines(small.out) == 16);
    CHECK(count_lines(big.out) == 256);
    auto d = output::read_json_lines(big.out);
    REQUIRE(d.has_value());
    for (const auto& e : d->enumerations) CHECK(e.entries.size() == 53);
    MESSAGE("16 targets: " << small.max_rss_kb << " kB peak, " << small.seconds << " s; 256 targets: " << big.max_rss_kb
                           << " kB peak, " << big.seconds << " s");
    // Sixteen times the targets, the same concurrency: memory must not follow the target count.
    // (AddressSanitizer's quarantine keeps freed memory, so RSS says nothing there.)
#if defined(__SANITIZE_ADDRESS__)
    MESSAGE("AddressSanitizer build: peak RSS not compared");
#else
    CHECK(big.max_rss_kb < small.max_rss_kb + 4096);
#endif
}

TEST_CASE("epmdump map prints the mapped tower and exits 0; an unregistered interface exits 1")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    auto found = epmdump_run({"map", at(server), std::string(samr) + ":1.0", "-f", "json"});
    CHECK(found.exit_code == 0);
    auto d = output::read_json_lines(found.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.at(0).entries.size() == 1);
    CHECK(d->enumerations.at(0).entries[0].where.endpoint == "49154");
    auto missing = epmdump_run({"map", at(server), samr, "--protseq", "ncalrpc"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("not registered") != std::string::npos);
}

TEST_CASE("repeatable options take one value each and leave the targets after them alone")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    auto r = epmdump_run({"--uuid", lsarpc, "--protseq", "ncacn_np", at(server), "-f", "json", "--towers"});
    CHECK(r.exit_code == 0);
    auto d = output::read_json_lines(r.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 1);
    REQUIRE(d->enumerations[0].entries.size() == 1);
    CHECK(d->enumerations[0].entries[0] == s.entries[1]);
}

namespace {

// A shell pipeline around the executable ($EPMDUMP in `script`), as an admin's script runs it.
process_result shell_run(const std::string& script, std::chrono::seconds limit = std::chrono::seconds(60))
{
#ifndef _WIN32
    return test::run_process("/bin/bash", {"-c", "EPMDUMP='" + std::string(EPMDUMP_EXE) + "'; " + script}, {},
                             std::nullopt, limit);
#else
    (void)script, (void)limit;
    return {};
#endif
}

bool has_control_bytes(const std::string& text)
{
    return text.find('\x1b') != std::string::npos || text.find('\r') != std::string::npos;
}

std::filesystem::path temp_file(const std::string& name, const std::string& bytes)
{
    const auto path = std::filesystem::temp_directory_path() / name;
    std::ofstream f(path, std::ios::binary);
    f << bytes;
    return path;
}

} // namespace

TEST_CASE("a target list on a pipe whose producer pauses does not stall the hosts already in flight")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s, {"127.0.42.1", "127.0.42.2"});
    const auto port = std::to_string(server.port());
    // The first host answers in milliseconds; the list then pauses longer than the host deadline.
    auto r = shell_run("(echo 127.0.42.1:" + port + "; sleep 3; echo 127.0.42.2:" + port +
                       ") | \"$EPMDUMP\" -iL - -f json --host-timeout 2");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    auto d = output::read_json_lines(r.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 2);
    for (const auto& e : d->enumerations)
    {
        CAPTURE(e.target);
        CHECK(e.status == epm::enumeration_status::ok);
        CHECK(e.elapsed_ms < 1000); // near its real answer time, not the producer's pause
    }
    CHECK(r.seconds >= 2.9);
}

TEST_CASE("a list that cannot be read twice (process substitution, FIFO) is read once and every target scanned")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s, {"127.0.43.1", "127.0.43.2"});
    const auto port = std::to_string(server.port());
    const std::string lines = "printf '127.0.43.1:" + port + "\\n# c\\n127.0.43.2:" + port + "\\n'";
    auto sub = shell_run("\"$EPMDUMP\" -f json -iL <(" + lines + ")");
    CHECK(sub.exit_code == 0);
    auto targets = json_targets(sub.out);
    std::sort(targets.begin(), targets.end());
    CHECK(targets == std::vector<std::string>{"127.0.43.1", "127.0.43.2"});

    const auto fifo = std::filesystem::temp_directory_path() / ("epmdump-cli-fifo-" + port);
    std::filesystem::remove(fifo);
    // A second open of the FIFO would wait for a writer forever: `timeout` ends that case.
    auto viaf = shell_run("mkfifo '" + fifo.string() + "' && (" + lines + " > '" + fifo.string() + "' &) && timeout 20 \"$EPMDUMP\" -f json -iL '" +
                          fifo.string() + "'; st=$?; rm -f '" + fifo.string() + "'; exit $st");
    CHECK(viaf.exit_code == 0);
    targets = json_targets(viaf.out);
    std::sort(targets.begin(), targets.end());
    CHECK(targets == std::vector<std::string>{"127.0.43.1", "127.0.43.2"});
}

TEST_CASE("a target list that is a directory, missing, empty or without a single target is a usage error that says so")
{
    NEEDS_POSIX();
    const auto dir = std::filesystem::temp_directory_path();
    auto d = epmdump_run({"-iL", dir.string()});
    CHECK(d.exit_code == 2);
    CHECK(d.err.find("is a directory") != std::string::npos);
    auto missing = epmdump_run({"-iL", "/nonexistent/epmdump-list"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("cannot read target list") != std::string::npos);
    const auto empty = temp_file("epmdump-cli-empty.txt", "# only a comment\n\n");
    auto e = epmdump_run({"-iL", empty.string()});
    CHECK(e.exit_code == 2);
    CHECK(e.err.find("is empty") != std::string::npos);
    auto pipe = shell_run("\"$EPMDUMP\" -iL <(true)");
    CHECK(pipe.exit_code == 2);
    CHECK(pipe.err.find("is empty") != std::string::npos);
    auto none = epmdump_run({"-iL", "-"}, "not/a/target\n");
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("gave no target") != std::string::npos);
    CHECK(none.out.empty());
    std::filesystem::remove(empty);
}

namespace {

// An input file epmdump cannot read is a usage error (exit 2) naming the reason, with nothing on
// stdout and no uncaught exception.
void check_unreadable_input(const std::vector<std::string>& args, std::string_view reason)
{
    CAPTURE(args);
    const auto r = epmdump_run(args);
    CAPTURE(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(reason) != std::string::npos);
    CHECK(r.err.find("terminate") == std::string::npos);
}

} // namespace

TEST_CASE("a directory given to --excludefile, --resume or diff is a usage error that says so, never an abort")
{
    NEEDS_POSIX();
    const auto dir = std::filesystem::temp_directory_path().string();
    const auto scan = temp_file("epmdump-cli-one-scan.jsonl",
                                "{\"schema\":1,\"target\":\"127.0.0.1\",\"address\":\"127.0.0.1\",\"port\":9,"
                                "\"status\":\"ok\",\"entries\":[]}\n");
    for (const auto& args : std::vector<std::vector<std::string>>{{"--excludefile", dir, "127.0.0.1:9"},
                                                                  {"--resume", dir, "127.0.0.1:9"},
                                                                  {"diff", dir, scan.string()},
                                                                  {"diff", scan.string(), dir}})
        check_unreadable_input(args, "is a directory");
    const auto missing = epmdump_run({"diff", "/nonexistent/epmdump-old.jsonl", scan.string()});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("No such file or directory") != std::string::npos);
    std::filesystem::remove(scan);
}

#if defined(__linux__)
TEST_CASE("a list, exclude or --resume file whose read fails (EIO) is a usage error with the reason, never an abort")
{
    // /proc/self/mem opens as a regular file and fails its first read at offset 0 with EIO;
    // libstdc++'s filebuf throws from that read whatever the stream's exception mask.
    const std::string mem = "/proc/self/mem";
    for (const auto& args : std::vector<std::vector<std::string>>{{"--excludefile", mem, "127.0.0.1:9"},
                                                                  {"--resume", mem, "127.0.0.1:9"},
                                                                  {"-iL", mem},
                                                                  {"probe", "-iL", mem}})
        check_unreadable_input(args, "Input/output error");
}
#endif

// What "bounded" means for a whole epmdump process reading a hostile list: 6 MB in the normal
// build; ASan's shadow memory and quarantine add tens of MB. Before the fix /dev/zero took 530 MB.
#if defined(__SANITIZE_ADDRESS__)
constexpr long bounded_rss_kb = 256 * 1024;
#else
constexpr long bounded_rss_kb = 64 * 1024;
#endif

TEST_CASE("a list line longer than 4 KiB, or /dev/zero, ends with a short escaped message, in bounded memory")
{
    NEEDS_POSIX();
    const auto huge = temp_file("epmdump-cli-huge.txt", "127.0.0.1\n" + std::string(8u << 20, 'a') + "\x1b]0;x\n");
    auto h = epmdump_run({"-iL", huge.string()});
    CHECK(h.exit_code == 2);
    CHECK(h.err.find("line 2 is longer than 4096 bytes") != std::string::npos);
    CHECK(h.err.size() < 1000);
    CHECK(h.max_rss_kb < bounded_rss_kb);
    std::filesystem::remove(huge);

    auto z = epmdump_run({"-iL", "/dev/zero"});
    CHECK(z.exit_code == 2);
    CHECK(z.err.find("line 1 is longer than 4096 bytes") != std::string::npos);
    CHECK(z.err.size() < 1000);
    CHECK(z.max_rss_kb < bounded_rss_kb);
    CHECK(z.seconds < 30);
}

TEST_CASE("the same list on stdin in UTF-16LE, UTF-16BE or UTF-8 with BOM gives the same targets as the plain one")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s, {"127.0.44.1", "127.0.44.2"});
    const auto port = std::to_string(server.port());
    const std::string text = "127.0.44.1:" + port + "\r\n127.0.44.2:" + port + "  # the second\r\n";
    std::string le = "\xFF\xFE", be = "\xFE\xFF";
    for (char c : text) le += {c, '\0'}, be += {'\0', c};
    for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"plain", text}, {"utf16le", le},
                                      {"utf16be", be}, {"utf8-bom", "\xEF\xBB\xBF" + text}})
    {
        CAPTURE(name);
        auto r = epmdump_run({"-iL", "-", "-f", "json", "-c", "1"}, bytes);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        CHECK(json_targets(r.out) == std::vector<std::string>{"127.0.44.1", "127.0.44.2"});
    }
}

TEST_CASE("a scan with failed hosts ends with a one-line failure summary on stderr, unless -q")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    scripted_server server(s);
    const auto closed = "127.0.0.1:" + std::to_string(test::closed_port());
    auto r = epmdump_run({at(server), closed, closed, "-f", "json"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("epmdump: 2 of 3 hosts failed (2 refused)\n") != std::string::npos);
    auto q = epmdump_run({at(server), closed, "-f", "json", "-q"});
    CHECK(q.exit_code == 1);
    CHECK(q.err.empty());
    auto ok = epmdump_run({at(server), "-f", "json"});
    CHECK(ok.exit_code == 0);
    CHECK(ok.err.empty());
}

TEST_CASE("a concurrency above the open-file limit is lowered once, with a notice, and every host answers")
{
    NEEDS_POSIX();
    auto s = fixed_server();
    const auto hosts = loopback_block(45, 200);
    scripted_server server(s, hosts);
    const auto port = std::to_string(server.port());
    // A hard limit of 64 descriptors cannot be raised: 200 hosts at once would need more.
    auto r = shell_run("ulimit -n 64 && exec \"$EPMDUMP\" 127.0.45.0-199:" + port + " -c 400 -f json");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(json_targets(r.out).size() == 200);
    CHECK(test::count_of(r.out, "\"status\":\"ok\"") == 200);
    CHECK(test::count_of(r.err, "concurrency lowered") == 1);
    CHECK(r.err.find("open-file limit is 64") != std::string::npos);
    // A low soft limit under a higher hard one is raised quietly.
    auto soft = shell_run("ulimit -S -n 64 && exec \"$EPMDUMP\" 127.0.45.0-199:" + port + " -c 400 -f json");
    CHECK(soft.exit_code == 0);
    CHECK(test::count_of(soft.out, "\"status\":\"ok\"") == 200);
    CHECK(soft.err.empty());
}

TEST_CASE("a mistyped subcommand, an impossible dotted quad or a capture without replay is a usage error with a remedy")
{
    NEEDS_POSIX();
    auto typo = epmdump_run({"replya", "x.pcap"});
    CHECK(typo.exit_code == 2);
    CHECK(typo.err.find("did you mean 'epmdump replay'") != std::string::npos);
    CHECK(epmdump_run({"exchnage", "dc1"}).err.find("did you mean 'epmdump exchange'") != std::string::npos);
    auto quad = epmdump_run({"999.1.1.1"});
    CHECK(quad.exit_code == 2);
    CHECK(quad.err.find("not an IPv4 address") != std::string::npos);
    CHECK(quad.out.empty());
    auto pcap = epmdump_run({"x.pcap"});
    CHECK(pcap.exit_code == 2);
    CHECK(pcap.err.find("epmdump replay x.pcap") != std::string::npos);
    // A capture file of any name, known by its first bytes.
    const auto capture = std::filesystem::temp_directory_path() / "epmdump-cli-capture";
    std::filesystem::copy_file(test::project_pcap("samba-ad-dc-rpcdump.pcap"), capture,
                               std::filesystem::copy_options::overwrite_existing);
    auto named = epmdump_run({capture.string()});
    CHECK(named.exit_code == 2);
    CHECK(named.err.find("epmdump replay") != std::string::npos);
    std::filesystem::remove(capture);
}

TEST_CASE("control bytes in a bad target or a list's words never reach stderr")
{
    NEEDS_POSIX();
    auto arg = epmdump_run({"evil\x1b[31m\r/"});
    CHECK(arg.exit_code == 2);
    CHECK(arg.err.find("evil\\x1b[31m\\x0d/") != std::string::npos);
    CHECK_FALSE(has_control_bytes(arg.err));
    auto list = epmdump_run({"-iL", "-"}, "127.0.0.1:1 \x1b]0;owned\x07\x1b[2J/x\r\n");
    CHECK(list.err.find("\\x1b]0;owned") != std::string::npos);
    CHECK_FALSE(has_control_bytes(list.err));
    const auto name = temp_file("epmdump-cli-\x1b[2J.txt", "\n");
    auto file = epmdump_run({"-iL", name.string()});
    CHECK(file.exit_code == 2);
    CHECK_FALSE(has_control_bytes(file.err));
    std::filesystem::remove(name);
}
