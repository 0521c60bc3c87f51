// `epmdump diff OLD NEW` as a script sees it: the report on stdout, exit 0 same / 1 different / 2 error.
#include "e2e/run_process.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

using namespace epmdump::test;

namespace {

struct diff_run
{
    int status = -1;
    std::string out; // stdout and stderr together
};

diff_run run(const std::string& args)
{
    const auto c = run_epmdump(EPMDUMP_EXE, args, "2>&1");
    REQUIRE(c.exit_code != -1);
    return {c.exit_code, c.out};
}

std::string quoted(const std::filesystem::path& p) { return "\"" + p.string() + "\""; }

std::filesystem::path kb(const char* name) { return source_dir() / "tests/fixtures/exchange" / name; }

// A folder of its own under the temp directory, removed at the end.
// One folder per test case: ctest runs the cases of this program side by side, and a shared
// folder was removed under a running case by another's destructor.
struct scratch
{
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("epmdump-diff-" + std::to_string(std::random_device{}()) + "-" +
                                 std::to_string(std::hash<std::string>{}(EPMDUMP_EXE)));
    scratch() { std::filesystem::create_directories(dir); }
    ~scratch() { std::filesystem::remove_all(dir); }
};

void write(const std::filesystem::path& p, const std::string& text)
{
    std::ofstream f(p, std::ios::binary);
    f << text;
    REQUIRE(f.good());
}

// The replay of the Samba AD DC capture as JSON Lines, and the same scan with its first
// ncacn_ip_tcp endpoint moved to another port and its first ncacn_np endpoint gone.
std::pair<std::string, std::string> replayed_pair()
{
    const auto c = run_epmdump(EPMDUMP_EXE, "replay -f json " + quoted(project_pcap("samba-ad-dc-rpcdump.pcap")), "");
    REQUIRE(c.exit_code == 0);
    auto j = nlohmann::json::parse(c.out);
    auto& entries = j["entries"];
    bool moved = false, removed = false;
    for (auto it = entries.begin(); it != entries.end();)
    {
        if (!moved && (*it)["protseq"] == "ncacn_ip_tcp")
        {
            (*it)["endpoint"] = "40001";
            (*it)["binding"] = "ncacn_ip_tcp:" + (*it)["host"].get<std::string>() + "[40001]";
            moved = true;
        }
        else if (!removed && (*it)["protseq"] == "ncacn_np")
        {
            it = entries.erase(it);
            removed = true;
            continue;
        }
        ++it;
    }
    REQUIRE(moved);
    REQUIRE(removed);
    return {c.out, j.dump() + "\n"};
}

} // namespace

TEST_CASE("epmdump diff of KB 926210's listings reports the moved ports and exits 1")
{
    const auto r = run("diff " + quoted(kb("kb926210-healthy.txt")) + " " + quoted(kb("kb926210-broken.txt")));
    CHECK(r.status == 1);
    CHECK(r.out.find("(unnamed): changed (45 -> 12 endpoints)") != std::string::npos);
    CHECK(r.out.find("moved 38a94e72-a9bc-11d2-8faf-00c04fa378ff ncacn_ip_tcp:10.0.100.32[1987] -> [3595]") !=
          std::string::npos);
    CHECK(r.out.find("9 moved, 33 removed, 0 added, 1 annotation(s) changed") != std::string::npos);
}

TEST_CASE("epmdump diff of a file with itself prints no change and exits 0")
{
    const auto r = run("diff " + quoted(kb("kb926210-healthy.txt")) + " " + quoted(kb("kb926210-healthy.txt")));
    CHECK(r.status == 0);
    CHECK(r.out == "1 host(s): 1 same, 0 changed, 0 appeared, 0 stopped answering; endpoints: 0 moved, 0 removed, 0 added, "
                   "0 annotation(s) changed\n");
}

TEST_CASE("epmdump diff -f json on replayed scans names the moved and removed endpoints")
{
    const scratch s;
    const auto [old_text, new_text] = replayed_pair();
    write(s.dir / "old.jsonl", old_text);
    write(s.dir / "new.jsonl", new_text);
    const auto r = run("diff -f json " + quoted(s.dir / "old.jsonl") + " " + quoted(s.dir / "new.jsonl"));
    CHECK(r.status == 1);
    std::istringstream lines(r.out);
    std::string host_line, totals_line;
    REQUIRE(std::getline(lines, host_line));
    REQUIRE(std::getline(lines, totals_line));
    const auto host = nlohmann::json::parse(host_line);
    CHECK(host["record"] == "diff_host");
    CHECK(host["host"] == "10.200.0.2");
    REQUIRE(host["endpoints"].size() == 2);
    const auto totals = nlohmann::json::parse(totals_line);
    CHECK(totals["moved"] == 1);
    CHECK(totals["removed"] == 1);
    for (const auto& e : host["endpoints"])
    {
        if (e["change"] == "moved")
        {
            CHECK(e["endpoint"] == "40001");
            CHECK(e["old_endpoint"].is_string());
            CHECK(e["interface"]["version"].is_string());
        }
        else
            CHECK(e["protseq"] == "ncacn_np");
    }
    // Ports ignored, the move is no difference; the pipe that went away still is.
    const auto ignored = run("diff -f json --ignore port " + quoted(s.dir / "old.jsonl") + " " + quoted(s.dir / "new.jsonl"));
    CHECK(ignored.status == 1);
    CHECK(ignored.out.find("\"moved\":0,\"removed\":1") != std::string::npos);
    const auto all = run("diff --ignore endpoint " + quoted(s.dir / "old.jsonl") + " " + quoted(s.dir / "new.jsonl"));
    CHECK(all.status == 1);
}

TEST_CASE("epmdump diff exits 2 on an unreadable input or a bad --ignore rule")
{
    const scratch s;
    write(s.dir / "junk.txt", "this is not a dump\n");
    const auto missing = run("diff " + quoted(s.dir / "absent.jsonl") + " " + quoted(kb("kb926210-healthy.txt")));
    CHECK(missing.status == 2);
    CHECK(missing.out.find("absent.jsonl: No such file or directory") != std::string::npos);
    const auto junk = run("diff " + quoted(kb("kb926210-healthy.txt")) + " " + quoted(s.dir / "junk.txt"));
    CHECK(junk.status == 2);
    CHECK(junk.out.find("unknown dump format") != std::string::npos);
    const auto bad = run("diff --ignore ports " + quoted(kb("kb926210-healthy.txt")) + " " + quoted(kb("kb926210-broken.txt")));
    CHECK(bad.status == 2);
    CHECK(bad.out.find("unknown field 'ports'") != std::string::npos);
    const auto format = run("diff -f csv " + quoted(kb("kb926210-healthy.txt")) + " " + quoted(kb("kb926210-broken.txt")));
    CHECK(format.status == 2);
}
