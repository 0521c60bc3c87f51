// --exclude / --excludefile through the whole program: excluded hosts are never contacted
// (they are absent from the output, where every target tried has a line) and are counted.
#include "e2e/run_process.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

epmdump::test::process_result scan(const std::vector<std::string>& args)
{
    return epmdump::test::run_process(EPMDUMP_EXE, args);
}

// A loopback port nothing listens on: each host tried is one "refused" line, fast.
constexpr const char* closed_port = "9";

} // namespace

TEST_CASE("an excluded address inside a range is not tried, the others are, and the count is said")
{
    const auto r = scan({"-f", "json", "-p", closed_port, "--exclude", "127.0.0.2,127.0.0.4", "127.0.0.1-5"});
    CHECK(r.exit_code == 1); // the hosts tried are refused
    CHECK(r.out.find("\"target\":\"127.0.0.1\"") != std::string::npos);
    CHECK(r.out.find("\"target\":\"127.0.0.3\"") != std::string::npos);
    CHECK(r.out.find("\"target\":\"127.0.0.5\"") != std::string::npos);
    CHECK(r.out.find("127.0.0.2") == std::string::npos);
    CHECK(r.out.find("127.0.0.4") == std::string::npos);
    CHECK(r.err.find("2 targets excluded") != std::string::npos);
}

TEST_CASE("a scope excluded whole sends nothing and exits 0")
{
    const auto list = std::filesystem::temp_directory_path() / "epmdump-e2e-excludefile.txt";
    std::ofstream(list) << "# everything\n127.0.0.0/24\n";
    const auto r = scan({"-p", closed_port, "--excludefile", list.string(), "127.0.0.0/24"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.find("256 targets excluded") != std::string::npos);
    std::filesystem::remove(list);
}

TEST_CASE("a bad --exclude word or a missing --excludefile is a usage error before any host is tried")
{
    const auto bad = scan({"-p", closed_port, "--exclude", "127.0.0.1,10.0.0.0/33", "127.0.0.1"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--exclude") != std::string::npos);
    CHECK(bad.out.empty());
    const auto missing = scan({"-p", closed_port, "--excludefile", "/nonexistent/epmdump-exclude", "127.0.0.1"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("cannot read exclude file") != std::string::npos);
}
