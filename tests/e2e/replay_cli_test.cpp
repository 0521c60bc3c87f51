// `epmdump replay` as a script sees it: output on stdout, errors on stderr, exit status 0/1/2.
#include <epmdump/capture/capture_file.hpp>

#include "capture_builder.hpp"
#include "e2e/run_process.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

using namespace epmdump::test;

namespace {

struct run_result
{
    int status = -1;
    std::string out; // stdout and stderr together
};

run_result run(const std::string& args)
{
    const auto c = run_epmdump(EPMDUMP_EXE, args, "2>&1");
    REQUIRE(c.exit_code != -1);
    return {c.exit_code, c.out};
}

std::string pcap(const std::string& name) { return project_pcap(name).string(); }

#ifdef _WIN32
const std::string no_stderr = "2>NUL";
#else
const std::string no_stderr = "2>/dev/null";
#endif

// The real capture's first `frames` records, cut where the next record starts, written to `to`.
std::string write_first_frames(const std::string& name, std::uint64_t frames, const std::string& to)
{
    auto file = epmdump::capture::capture_file::open(project_pcap(name));
    REQUIRE(file.has_value());
    std::uint64_t cut = 0;
    for (std::uint64_t i = 0; i <= frames; ++i)
    {
        auto r = file->next();
        REQUIRE(r.has_value());
        REQUIRE(r->has_value());
        cut = (*r)->offset;
    }
    const auto whole = read_file(project_pcap(name));
    const std::filesystem::path path = std::filesystem::path(EPMDUMP_BINARY_DIR) / to;
    write_file(path, {whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut)});
    return path.string();
}

} // namespace

TEST_CASE("epmdump replay prints one JSON line per conversation and exits 0 when every table is complete")
{
    const auto r = run("replay --format json " + pcap("samba-ad-dc-rpcdump.pcap") + " " +
                       pcap("samba-standalone-rpcdump.pcap"));
    CHECK(r.status == 0);
    CHECK(count_of(r.out, "{\"schema\"") == 2);
    CHECK(count_of(r.out, "\"status\":\"ok\"") == 2);
    CHECK(r.out.find("\"server_port\":135") != std::string::npos);
}

TEST_CASE("epmdump replay exits 1 when a recorded conversation ended in a fault, as a live scan of that server would")
{
    const auto r = run("replay --format json --summary " + pcap("samba-ad-dc-rpcdump.pcap") + " " +
                       pcap("epm-fault-nca-op-rng-error-opnum42.pcap"));
    CHECK(r.status == 1);
    CHECK(count_of(r.out, "{\"schema\"") == 3); // every conversation still written
    CHECK(count_of(r.out, "\"kind\":\"fault\"") == 2);
    CHECK(r.out.find("1 endpoint-mapper conversation(s) (0 not ok)") != std::string::npos);
    CHECK(r.out.find("2 endpoint-mapper conversation(s) (2 not ok)") != std::string::npos);
}

TEST_CASE("epmdump replay goes on past a bad file and exits 1")
{
    const std::filesystem::path bad = std::filesystem::path(EPMDUMP_BINARY_DIR) / "replay-cli-empty.pcap";
    write_file(bad, {});
    const auto r = run("replay --format csv " + bad.string() + " " + pcap("samba-standalone-rpcdump.pcap"));
    CHECK(r.status == 1);
    CHECK(r.out.find(bad.string() + ": at byte offset 0: empty file") != std::string::npos);
    CHECK(r.out.find("ncacn_ip_tcp") != std::string::npos); // the good file still printed
}

TEST_CASE("epmdump replay of a capture holding only the bind (its first 848 bytes) reports no_response and exits 1")
{
    const auto whole = read_file(project_pcap("samba-ad-dc-rpcdump.pcap"));
    REQUIRE(whole.size() > 848);
    const std::filesystem::path cut = std::filesystem::path(EPMDUMP_BINARY_DIR) / "replay-cli-bind-only.pcap";
    write_file(cut, {whole.begin(), whole.begin() + 848});
    const auto r = run("replay --format json " + cut.string());
    CHECK(r.status == 1);
    CHECK(r.out.find("\"status\":\"error\"") != std::string::npos);
    CHECK(r.out.find("\"kind\":\"no_response\"") != std::string::npos);
    CHECK(r.out.find("\"status\":\"ok\"") == std::string::npos);
}

TEST_CASE("epmdump replay of a directory says it is a directory, goes on with the other files and exits 1")
{
    const std::filesystem::path dir = std::filesystem::path(EPMDUMP_BINARY_DIR) / "replay-cli-a-directory.pcap";
    std::filesystem::create_directories(dir);
    const auto r = run("replay --format csv " + dir.string() + " " + pcap("samba-standalone-rpcdump.pcap"));
    CHECK(r.status == 1);
    CHECK(r.out.find(dir.string() + ": at byte offset 0: is a directory, not a capture file") != std::string::npos);
    CHECK(r.out.find("empty file") == std::string::npos);
    CHECK(r.out.find("ncacn_ip_tcp") != std::string::npos);
}

TEST_CASE("epmdump replay of a capture without endpoint-mapper traffic says so on stderr and exits 0")
{
    // The Samba capture's TCP handshake alone: three packets, no DCE/RPC.
    const auto handshake = write_first_frames("samba-ad-dc-rpcdump.pcap", 3, "replay-cli-handshake-only.pcap");
    const auto r = run("replay " + handshake);
    CHECK(r.status == 0);
    CHECK(r.out.find("epmdump replay: " + handshake + ": no endpoint-mapper traffic (3 packets read)") == 0);
    CHECK(count_of(r.out, "\n") == 1);
    const auto json = run_epmdump(EPMDUMP_EXE, "replay --format json " + handshake, no_stderr);
    CHECK(json.exit_code == 0);
    CHECK(json.out.empty());
}

TEST_CASE("epmdump replay - reads the capture from standard input, byte for byte as from the file")
{
    const auto from_file = run_epmdump(EPMDUMP_EXE, "replay --format json " + pcap("samba-ad-dc-rpcdump.pcap"),
                                       no_stderr);
    REQUIRE(from_file.exit_code == 0);
    const auto from_stdin =
        run_epmdump(EPMDUMP_EXE, "replay --format json - < " + pcap("samba-ad-dc-rpcdump.pcap"), no_stderr);
    CHECK(from_stdin.exit_code == 0);
    CHECK(count_of(from_stdin.out, "\"protseq\"") == 53);
    CHECK(from_stdin.out.find("\"target\":\"(stdin)\"") != std::string::npos);
    // Same table, byte for byte, from the address to the capture's file name (the only difference).
    auto table = [](const std::string& out) {
        const auto from = out.find("\"address\"");
        return out.substr(from, out.find("\"file\"") - from);
    };
    CHECK(table(from_stdin.out) == table(from_file.out));
    // A file and stdin in one run; stdin with nothing on it is an error of its own.
    const auto mixed = run("replay --format csv " + pcap("samba-standalone-rpcdump.pcap") + " - < " +
                           pcap("samba-ad-dc-rpcdump.pcap"));
    CHECK(mixed.status == 0);
    CHECK(count_of(mixed.out, ",ok,") == 53 + 38);
    // Standard input named twice is a usage error, as diff and exchange --dump say: not a second,
    // "empty" capture reported at the first one's end.
    const auto twice = run("replay - - < " + pcap("samba-ad-dc-rpcdump.pcap"));
    CHECK(twice.status == 2);
    CHECK(twice.out.find("standard input ('-') can be read only once") != std::string::npos);
    CHECK(twice.out.find("empty file") == std::string::npos);
}

TEST_CASE("epmdump replay escapes file names on stderr: no control byte of a name reaches the terminal")
{
#ifdef _WIN32
    EPMDUMP_SKIP("Windows file names cannot hold ESC or CR");
#else
    const std::filesystem::path dir = std::filesystem::path(EPMDUMP_BINARY_DIR) / "replay-cli-evil-names";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string evil = "x\x1b]0;owned\x07\x1b[2J\rname";
    const auto good = dir / ("good" + evil + ".pcap");          // --summary line
    const auto missing = dir / ("missing" + evil + ".pcap");    // open error
    const auto directory = dir / ("directory" + evil + ".pcap"); // is a directory
    const auto quiet = dir / ("no-epm" + evil + ".pcap");       // no endpoint-mapper traffic
    std::filesystem::copy_file(project_pcap("samba-ad-dc-rpcdump.pcap"), good);
    std::filesystem::create_directories(directory);
    std::filesystem::copy_file(write_first_frames("samba-ad-dc-rpcdump.pcap", 3, "replay-cli-handshake-only.pcap"), quiet);
    auto quoted = [](const std::filesystem::path& p) { return "'" + p.string() + "'"; };
    // Standard error alone: stdout's writers escape names themselves.
    const auto r = run_epmdump(EPMDUMP_EXE,
                               "replay --summary " + quoted(good) + " " + quoted(missing) + " " + quoted(directory) +
                                   " " + quoted(quiet),
                               "2>&1 >/dev/null");
    CHECK(r.exit_code == 1);
    CHECK(count_of(r.out, "\n") >= 4);
    const auto controls = std::count_if(r.out.begin(), r.out.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte != '\n' && (byte < 0x20 || byte == 0x7f);
    });
    CHECK(controls == 0);
    CHECK(r.out.find("good" + std::string("x\\x1b]0;owned\\x07\\x1b[2J\\x0dname.pcap: 17 packets")) != std::string::npos);
    CHECK(r.out.find("is a directory") != std::string::npos);
    CHECK(r.out.find("no endpoint-mapper traffic") != std::string::npos);
#endif
}

TEST_CASE("epmdump replay usage errors exit 2")
{
    CHECK(run("replay").status == 2);
    CHECK(run("replay --format xml " + pcap("samba-ad-dc-rpcdump.pcap")).status == 2);
}

TEST_CASE("epmdump replay writes the same bytes whatever --threads renders the tables, and refuses 0 threads")
{
    // Several files, many conversations, a fault and an HTTP tunnel: tables of every shape, in order.
    const std::string files = pcap("samba-ad-dc-rpcdump.pcap") + " " + pcap("epm-fault-nca-op-rng-error-opnum42.pcap") +
                              " " + pcap("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap") + " " +
                              pcap("samba-ad-dc-rpcdump-maxents10.pcap") + " " + pcap("samba-standalone-rpcdump.pcap");
    for (const char* f : {"rpcdump", "impacket", "json", "csv", "summary"})
    {
        CAPTURE(f);
        const auto one = run(std::string("replay --summary --threads 1 -f ") + f + " " + files);
        const auto three = run(std::string("replay --summary --threads 3 -f ") + f + " " + files);
        CHECK(one.status == 1); // the fault
        CHECK(one.out.size() > 1000);
        CHECK(three.status == one.status);
        CHECK(three.out == one.out);
    }
    // One file's rpcdump table is held until the file ends (no header): the same with threads.
    CHECK(run("replay --threads 4 " + pcap("samba-ad-dc-rpcdump.pcap")).out ==
          run("replay --threads 1 " + pcap("samba-ad-dc-rpcdump.pcap")).out);
    CHECK(run("replay --threads 0 " + pcap("samba-standalone-rpcdump.pcap")).status == 2);
    CHECK(run("replay --threads many " + pcap("samba-standalone-rpcdump.pcap")).status == 2);
}

TEST_CASE("epmdump with no arguments replays the bundled Samba capture")
{
    const auto r = run("");
    CHECK(r.status == 0);
    CHECK(r.out.find("[12345678-1234-abcd-ef00-01234567cffb] netlogon") != std::string::npos);
    CHECK(count_of(r.out, ":NOT_PINGED") == 53);
}

TEST_CASE("epmdump replay --max-message below a lookup's size reports the call as a decode error and exits 1, not an empty table")
{
    const auto whole = run("replay --format json " + pcap("samba-ad-dc-rpcdump.pcap"));
    REQUIRE(whole.status == 0);
    CHECK(count_of(whole.out, "\"protseq\"") == 53);

    const auto capped = run("replay --format json --max-message 1KiB " + pcap("samba-ad-dc-rpcdump.pcap"));
    CHECK(capped.status == 1); // the file was read, but the conversation's table is not whole
    CHECK(capped.out.find("\"status\":\"error\"") != std::string::npos);
    CHECK(capped.out.find("limit exceeded (message size)") != std::string::npos);
    CHECK(count_of(capped.out, "\"protseq\"") < 53);
}

TEST_CASE("epmdump replay limits take sizes with units and refuse nonsense with exit 2")
{
    CHECK(run("replay --max-buffered 64KiB --max-buffered-total 1MiB --max-message 4MiB --max-connections 16 "
              "--max-pending-calls 4 " + pcap("samba-standalone-rpcdump.pcap")).status == 0);
    CHECK(run("replay --max-connections 0 " + pcap("samba-standalone-rpcdump.pcap")).status == 2);
    CHECK(run("replay --max-buffered lots " + pcap("samba-standalone-rpcdump.pcap")).status == 2);
    CHECK(run("replay --idle-timeout 0 " + pcap("samba-standalone-rpcdump.pcap")).status == 0);
    CHECK(run("replay --idle-timeout 0.5 " + pcap("samba-standalone-rpcdump.pcap")).status == 0);
    CHECK(run("replay --idle-timeout -1 " + pcap("samba-standalone-rpcdump.pcap")).status == 2);
    CHECK(run("replay --idle-timeout soon " + pcap("samba-standalone-rpcdump.pcap")).status == 2);
}

TEST_CASE("epmdump replay says on stderr, without --summary, how many connections --max-connections evicted")
{
    // The Exchange capture holds several TCP connections at once; one tracked at a time evicts.
    const auto r = run("replay --max-connections 1 " + pcap("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap"));
    CHECK(r.out.find("connection(s) closed early by --max-connections") != std::string::npos);
    const auto whole = run("replay " + pcap("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap"));
    CHECK(whole.out.find("--max-connections") == std::string::npos);
}

TEST_CASE("epmdump replay of authenticated captures says in JSON how each conversation authenticated")
{
    const auto signed_run = run("replay --format json " + pcap("samba-ad-dc-auth-ntlm-integrity.pcap"));
    CHECK(signed_run.status == 0);
    CHECK(signed_run.out.find("\"status\":\"ok\"") != std::string::npos);
    CHECK(signed_run.out.find(R"("auth":{"type":"ntlm","level":"integrity","principal":"EPMTEST\\Administrator"})") !=
          std::string::npos);
    // Kerberos hides its client in the encrypted authenticator: the principal is unknown (null).
    const auto kerberos = run("replay --format json " + pcap("samba-ad-dc-auth-kerberos-connect.pcap"));
    CHECK(kerberos.status == 0);
    CHECK(kerberos.out.find(R"("auth":{"type":"kerberos","level":"connect","principal":null})") != std::string::npos);
    // Sealed: encrypted, with the auth type in the message and in auth; exit 1 as for any table not read.
    const auto sealed = run("replay --format json " + pcap("samba-ad-dc-auth-kerberos-privacy.pcap"));
    CHECK(sealed.status == 1);
    CHECK(sealed.out.find(R"("error":{"kind":"encrypted","message":"stubs sealed (kerberos, auth level privacy): not decodable"})") !=
          std::string::npos);
    CHECK(sealed.out.find(R"("auth":{"type":"kerberos","level":"privacy","principal":null})") != std::string::npos);
    // An anonymous capture has no auth key at all.
    CHECK(run("replay --format json " + pcap("samba-ad-dc-rpcdump.pcap")).out.find("\"auth\"") == std::string::npos);
}

TEST_CASE("epmdump replay -f summary counts a server once however many conversations a capture holds with it")
{
    // Three conversations with 192.168.0.2 (all answered), two with 10.10.0.20 (both faulted).
    const auto c = run_epmdump(EPMDUMP_EXE,
                               "replay -f summary " + pcap("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap") + " " +
                                   pcap("epm-fault-nca-op-rng-error-opnum42.pcap"),
                               no_stderr);
    CHECK(c.exit_code == 1);
    CHECK(count_of(c.out, "192.168.0.2 ok endpoints=") == 3);
    CHECK(count_of(c.out, "10.10.0.20 error(fault) endpoints=0") == 2);
    CHECK(c.out.find("# totals: hosts=2 answered=1 incomplete=0 failed=1 enumerations=5") != std::string::npos);
    CHECK(c.out.find("# role exchange_server (Exchange server): 1") != std::string::npos);
}
