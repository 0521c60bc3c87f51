// "epmdump exchange" end to end: the real binary, its output and its exit status.
#include "exchange_cli.hpp"
#include "exchange_fixtures.hpp"

#include <epmdump/output/json.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <cstdlib>

using namespace epmdump::test;

TEST_CASE("epmdump exchange --dump on KB 926210's samples exits 1 for the broken one and 0 for the healthy one")
{
    const auto broken = run("--dump " + fixture("kb926210-broken.txt"));
    CHECK(broken.exit_code == 1);
    CHECK(broken.out.rfind("Verdict: PROBLEMS (2 errors)", 0) == 0);
    const auto healthy = run("--dump " + fixture("kb926210-healthy.txt"));
    CHECK(healthy.exit_code == 0);
    CHECK(healthy.out.find("\x1b[") == std::string::npos); // not a terminal: no colour
    // Not a terminal: wrapped at 80 columns (the remedies were 500-character lines).
    for (const auto* out : {&broken.out, &healthy.out})
        for (std::size_t start = 0, end; start < out->size(); start = end + 1)
        {
            end = out->find('\n', start);
            CAPTURE(out->substr(start, end - start));
            CHECK(end - start <= 80);
        }
}

TEST_CASE("epmdump exchange --format json prints one object with verdict and findings")
{
    const auto r = run("--format json --dump " + fixture("kb926210-broken.txt") + " --registry " +
                       fixture("exchange2003-static-ports.reg") + " --netstat " + fixture("netstat-ano-windows.txt"));
    CHECK(r.exit_code == 1);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["verdict"] == "problems");
    CHECK(doc["findings"].size() == 4);
    CHECK(doc["findings"][1]["title"].get<std::string>().find("PID 2964") != std::string::npos);
}

TEST_CASE("epmdump exchange exits 2 when it cannot check: no input, unreadable dump, unreachable target")
{
    CHECK(run("").exit_code == 2);
    CHECK(run("--dump " + fixture("netstat-an-windows.txt")).exit_code == 2); // not a dump
    CHECK(run("--dump " + fixture("kb926210-healthy.txt") + " --static-port smtp=25").exit_code == 2);
    // Port 9 on loopback: nothing listens there, so the connection is refused at once.
    const auto r = run("127.0.0.1:9 --connect-timeout 2 --host-timeout 5 --format json");
    CHECK(r.exit_code == 2);
    CHECK(nlohmann::json::parse(r.out)["verdict"] == "unknown");
}

TEST_CASE("epmdump exchange --format json prints verdict unknown and the reason when an input cannot be read")
{
    for (const auto& args : {"--dump " + fixture("netstat-an-windows.txt"),                                     // not a dump
                             "--dump " + fixture("kb926210-healthy.txt") + " --registry " + fixture("kb926210-healthy.txt"), // not a .reg
                             "--dump " + fixture("kb926210-healthy.txt") + " --static-port smtp=25"})
    {
        CAPTURE(args);
        const auto r = run("--format json " + args);
        CHECK(r.exit_code == 2);
        REQUIRE_FALSE(r.out.empty());
        const auto doc = nlohmann::json::parse(r.out);
        CHECK(doc["verdict"] == "unknown");
        REQUIRE(doc["findings"].size() == 1);
        CHECK(doc["findings"][0]["kind"] == "could_not_check");
        CHECK_FALSE(doc["findings"][0]["evidence"].get<std::string>().empty());
    }
    const auto reg = run("--format json --dump " + fixture("kb926210-healthy.txt") + " --registry " + fixture("kb926210-healthy.txt"));
    CHECK(nlohmann::json::parse(reg.out)["findings"][0]["evidence"].get<std::string>().find("not a regedit export") !=
          std::string::npos);
}

TEST_CASE("epmdump exchange against the Samba endpoint mapper says no Exchange interfaces and exits 1")
{
    const char* address = std::getenv("EPMDUMP_SAMBA_ADDRESS");
    if (!address || !*address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS not set (scripts/start-peers.sh starts Samba)");
    const auto r = run(address);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("No Exchange interfaces registered") != std::string::npos);
}

TEST_CASE("epmdump exchange --pcap on a Samba capture says no Exchange interfaces")
{
    const auto path = project_pcap("samba-standalone-rpcdump.pcap");
    if (!std::filesystem::exists(path)) EPMDUMP_SKIP("pcaps/samba-standalone-rpcdump.pcap is absent");
    const auto r = run("--format json --pcap " + path.string());
    CHECK(r.exit_code == 1);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["verdict"] == "not_exchange");
    CHECK(doc["entries"] == 38);
}

TEST_CASE("epmdump exchange reads a dump saved as UTF-16LE by Windows PowerShell")
{
    const auto text = read_text(exchange_fixture("kb926210-broken.txt"));
    const auto path = std::filesystem::path(EPMDUMP_BINARY_DIR) / "exchange-kb926210-broken-utf16.txt";
    {
        std::ofstream out(path, std::ios::binary);
        out.put('\xFF').put('\xFE');
        for (char c : text)
        {
            if (c == '\n') out.put('\r').put('\0');
            out.put(c).put('\0');
        }
    }
    const auto r = run("--format json --dump " + path.string());
    std::filesystem::remove(path);
    CHECK(r.exit_code == 1);
    CHECK(nlohmann::json::parse(r.out)["findings"].size() == 2);
}

TEST_CASE("epmdump exchange --pcap of Outlook's ept_map traffic marks those answers as no listing")
{
    const auto path = project_pcap("exchange-mapi-nspi-lookup-ncacn_http-tower.pcap");
    if (!std::filesystem::exists(path)) EPMDUMP_SKIP("pcaps/exchange-mapi-nspi-lookup-ncacn_http-tower.pcap is absent");
    const auto r = run("--format json --pcap " + path.string());
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["targets"].size() == 1); // three conversations of one file
    CHECK(doc["entries"] == 3);
    int incomplete = 0;
    for (const auto& f : doc["findings"])
    {
        if (f["kind"] == "enumeration_incomplete") ++incomplete;
        // EMSMDB came from an ept_map answer only: the RPC Client Access set is not judged missing.
        CHECK(f["title"].get<std::string>().find("RPC Client Access (") == std::string::npos);
    }
    CHECK(incomplete == 1); // two ept_map-only conversations, said once
    // Issue 12 bug 9: a partial listing is never "healthy" (it was, with exit 0).
    CHECK(r.exit_code == 2);
    CHECK(doc["verdict"] == "incomplete");
    CHECK(doc["listing_complete"] == false);
    const auto text = run("--pcap " + path.string());
    CHECK(text.exit_code == 2);
    CHECK(text.out.rfind("Verdict: INCOMPLETE", 0) == 0);
    CHECK(text.out.find("RFR are registered") == std::string::npos);
    CHECK(text.out.find("Profile: Exchange 2010 (detected: EMSMDB is registered without a System") != std::string::npos);
}

namespace {

std::filesystem::path write_temp(const std::string& name, const std::string& bytes)
{
    const auto path = std::filesystem::path(EPMDUMP_BINARY_DIR) / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

} // namespace

TEST_CASE("epmdump exchange checks a rpcdump text cut mid-line and says the listing is partial")
{
    const auto text = read_text(exchange_fixture("kb926210-healthy.txt"));
    // Cut in the middle of the 16th line, as a copy stopped early leaves it.
    std::size_t at = 0;
    for (int i = 0; i < 15; ++i) at = text.find('\n', at) + 1;
    const auto path = write_temp("exchange-cut-rpcdump.txt", text.substr(0, at + 20));
    const auto r = run("--format json --dump " + path.string());
    std::filesystem::remove(path);
    CHECK(r.exit_code == 2);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["verdict"] == "incomplete");
    CHECK(doc["entries"] == 14); // the 14 whole entry lines before the cut
    bool said = false;
    for (const auto& f : doc["findings"])
        if (f["kind"] == "enumeration_incomplete" && f["evidence"].get<std::string>().find("ends mid-line at line 16") != std::string::npos)
            said = true;
    CHECK(said);
}

TEST_CASE("epmdump exchange checks a killed scan's JSON Lines and names the line it lost")
{
    auto kb = read_dump_fixture("kb926210-healthy.txt").at(0);
    kb.target = "mail01";
    const auto whole = epmdump::output::to_json_line(kb);
    // Another host's line, cut by the kill.
    const auto path = write_temp("exchange-cut-scan.jsonl", whole + "\n" + whole.substr(0, whole.size() / 2));
    const auto r = run("--format json --dump " + path.string());
    std::filesystem::remove(path);
    CHECK(r.exit_code == 2); // mail01's listing is whole, but the lost line may have said more
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["verdict"] == "incomplete");
    CHECK(doc["listing_complete"] == true);
    CHECK(doc["partial_listings"] == nlohmann::json::array({"exchange-cut-scan.jsonl line 2"}));
    CHECK(doc["entries"] == 45);
    REQUIRE(doc["findings"].size() == 1);
    CHECK(doc["findings"][0]["kind"] == "enumeration_incomplete");
    CHECK(doc["findings"][0]["title"] == "The endpoint mapper listing of exchange-cut-scan.jsonl line 2 is incomplete");
    // Nothing before the cut: still refused, with the reader's reason.
    const auto alone = write_temp("exchange-cut-alone.jsonl", whole.substr(0, 100));
    CHECK(run("--dump " + alone.string()).exit_code == 2);
    std::filesystem::remove(alone);
}

TEST_CASE("epmdump exchange options take one value per occurrence and leave the target alone")
{
    // "--static-port store=6001 HOST" took HOST as a second static-port value and then asked for
    // a TARGET. Port 9 on loopback refuses at once: the run reaches the target, verdict unknown.
    const auto r = run("--format json --static-port store=6001 127.0.0.1:9 --connect-timeout 2 --host-timeout 5");
    CHECK(r.exit_code == 2);
    REQUIRE_FALSE(r.out.empty());
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["verdict"] == "unknown");
    CHECK(doc["findings"][0]["evidence"] == "127.0.0.1: connection refused");
    // Files likewise: the word after --dump FILE is the target, not a second dump.
    const auto d = run("--format json --dump " + fixture("kb926210-healthy.txt") + " 127.0.0.1:9 --connect-timeout 2");
    CHECK(nlohmann::json::parse(d.out)["targets"].size() == 2);
    // Repeating the option gives several values.
    const auto twice = run("--format json --dump " + fixture("kb926210-healthy.txt") + " --static-port store=1033 --static-port nspi=1032");
    CHECK(twice.exit_code == 0);
}

TEST_CASE("epmdump exchange --help prints the exchange exit statuses, not the scan's")
{
    const auto r = run("--help");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Exit status: 0 healthy, 1 findings of severity error") != std::string::npos);
    CHECK(r.out.find("every target answered") == std::string::npos);
}

TEST_CASE("epmdump exchange --dump - reads the dump from standard input, once")
{
    const auto r = run("--format json --dump - < " + fixture("kb926210-broken.txt"));
    CHECK(r.exit_code == 1);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["verdict"] == "problems");
    CHECK(doc["targets"] == nlohmann::json::array({"stdin"}));
    CHECK(doc["entries"] == 12);
#ifndef _WIN32 // cmd under Wine has no cat
    // The text report too, and from a pipe rather than a redirected file.
    const auto text = run_shell("cat " + fixture("kb926210-healthy.txt") + " | " + epmdump_binary() + " exchange --dump -");
    CHECK(text.exit_code == 0);
#endif
    // Standard input cannot be read twice.
    CHECK(run("--dump - --dump - < " + fixture("kb926210-healthy.txt")).exit_code == 2);
}

TEST_CASE("epmdump exchange escapes control bytes of netstat -b process names and file names in its text report")
{
    // netstat -anob output whose process names carry ESC sequences (retitle, clear screen, move up).
    const auto r = run("--dump " + fixture("kb926210-broken.txt") + " --static-port rfr=1031 --static-port store=3595 --netstat " +
                       fixture("netstat-anob-control-bytes.txt"));
    CHECK(r.exit_code == 1);
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(r.out.find('\x07') == std::string::npos);
    CHECK(r.out.find('\r') == std::string::npos);
    // Escaped by the one rule, so the admin still sees what the name was.
    CHECK(r.out.find("(evil\\x1b]0;owned\\x07\\x1b[2J\\x1b[31m.exe)") != std::string::npos);
    CHECK(r.out.find("(spoof\\x1b[1A\\x1b[2Kstore.exe)") != std::string::npos);
    // JSON keeps the bytes as they are, escaped as JSON escapes them.
    const auto j = run("--format json --dump " + fixture("kb926210-broken.txt") + " --static-port rfr=1031 --netstat " +
                       fixture("netstat-anob-control-bytes.txt"));
    CHECK(j.out.find('\x1b') == std::string::npos);
    CHECK(j.out.find("\\u001b]0;owned") != std::string::npos);
#ifndef _WIN32 // Windows file names cannot hold control characters
    // A file name with an ESC in it, on stderr (an unreadable file) and in the report (a dump's name).
    const auto odd = std::filesystem::path(EPMDUMP_BINARY_DIR) / "exchange-\x1b[31mdump.txt";
    std::filesystem::copy_file(exchange_fixture("kb926210-broken.txt"), odd, std::filesystem::copy_options::overwrite_existing);
    const auto named = run_shell(epmdump_binary() + " exchange --dump '" + odd.string() + "' 2>&1");
    CHECK(named.out.find('\x1b') == std::string::npos);
    CHECK(named.out.find("exchange-\\x1b[31mdump.txt") != std::string::npos);
    // The same file given as a .reg: refused, and its name escaped on stderr.
    const auto refused = run_shell(epmdump_binary() + " exchange --dump " + fixture("kb926210-broken.txt") + " --registry '" +
                                   odd.string() + "' 2>&1 >/dev/null");
    std::filesystem::remove(odd);
    CHECK(refused.exit_code == 2);
    CHECK(refused.out.find("not a regedit export") != std::string::npos);
    CHECK(refused.out.find('\x1b') == std::string::npos);
#endif
}

TEST_CASE("epmdump exchange colours its verdict on a terminal only, and never when NO_COLOR is set and not empty")
{
    if (std::system("command -v script >/dev/null 2>&1") != 0) EPMDUMP_SKIP("script(1) is absent: no pseudo-terminal");
    // script(1) gives the command a pseudo-terminal as stdout.
    const auto on_tty = [](const std::string& env) {
        return run_shell("env " + env + " TERM=xterm script -qec \"" + epmdump_binary() + " exchange --dump " +
                         fixture("kb926210-broken.txt") + "\" /dev/null");
    };
    CHECK(on_tty("-u NO_COLOR").out.find("\x1b[1;31mPROBLEMS\x1b[0m") != std::string::npos);
    CHECK(on_tty("NO_COLOR=").out.find("\x1b[1;31mPROBLEMS\x1b[0m") != std::string::npos); // empty: no effect
    const auto off = on_tty("NO_COLOR=1");
    CHECK(off.out.find("PROBLEMS") != std::string::npos);
    CHECK(off.out.find("\x1b[") == std::string::npos);
    // A pipe is not a terminal: no colour, whatever NO_COLOR says.
    CHECK(run_shell("env -u NO_COLOR " + epmdump_binary() + " exchange --dump " + fixture("kb926210-broken.txt")).out.find("\x1b[") ==
          std::string::npos);
}
