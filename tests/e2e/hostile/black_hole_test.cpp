// Hosts that drop every SYN (tests/e2e/hostile/black_hole.sh: a private network namespace where
// TEST-NET-1 leads nowhere): the connect timeout ends each one, side by side, and a name with
// several addresses is tried address by address, the failure naming what each one did; a probe
// of such ports reports them filtered.
#include "e2e/run_process.hpp"
#include "support/test_files.hpp"

#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace epmdump;

namespace {

#ifndef _WIN32
test::process_result run_in_black_hole(std::vector<std::string> args, const std::string& hosts_file = {})
{
    args.insert(args.begin(), EPMDUMP_EXE);
    if (!hosts_file.empty()) args.insert(args.begin(), {"--hosts", hosts_file});
    args.insert(args.begin(), EPMDUMP_BLACK_HOLE);
    return test::run_process("/bin/sh", args, {}, std::nullopt, std::chrono::seconds(120));
}
#endif

} // namespace

TEST_CASE("hosts that drop every SYN each end at the connect timeout, side by side")
{
#ifdef _WIN32
    EPMDUMP_SKIP("needs a Linux network namespace");
#else
    const auto r = run_in_black_hole({"-f", "json", "-q", "-c", "8", "--connect-timeout", "1", "--host-timeout", "60",
                                      "192.0.2.2-9"});
    if (r.exit_code == 77) EPMDUMP_SKIP("needs root, unshare, ip and veth for a private network namespace");
    MESSAGE("8 black-holed hosts: " << r.seconds << " s wall");
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.empty(), r.err.substr(0, 2000));
    auto d = output::read_json_lines(r.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 8);
    for (const auto& e : d->enumerations)
    {
        CAPTURE(e.target);
        REQUIRE(e.error.has_value());
        CHECK(e.error->kind == epmdump::epm::failure_kind::timeout);
        CHECK(e.error->message.find("during connect") != std::string::npos);
        CHECK(e.elapsed_ms >= 900.0);
        CHECK(e.elapsed_ms < 10'000.0); // the 1 s connect timeout, not the kernel's SYN retries
    }
    CHECK(r.seconds < 15.0); // side by side: one timeout, not eight
#endif
}

TEST_CASE("a name with several addresses is tried address by address, and the failure says what each did")
{
#ifdef _WIN32
    EPMDUMP_SKIP("needs a Linux network namespace");
#else
    // getaddrinfo puts loopback first (RFC 6724): 127.0.0.1 refuses at once (nothing listens in
    // the namespace), then 192.0.2.2 drops the SYN until the connect timeout.
    const auto hosts = std::filesystem::path(EPMDUMP_BINARY_DIR) / "hostile-two-addresses.hosts";
    {
        std::ofstream out(hosts);
        out << "192.0.2.2 two.epmdump-test\n127.0.0.1 two.epmdump-test\n";
    }
    const auto r = run_in_black_hole({"-f", "json", "-q", "--connect-timeout", "1", "--host-timeout", "60",
                                      "two.epmdump-test"},
                                     hosts.string());
    if (r.exit_code == 77) EPMDUMP_SKIP("needs root, unshare, ip and veth for a private network namespace");
    CHECK(r.exit_code == 1);
    auto d = output::read_json_lines(r.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == 1);
    const auto& e = d->enumerations.front();
    REQUIRE(e.error.has_value());
    INFO(e.error->message);
    CHECK(e.error->kind == epmdump::epm::failure_kind::timeout);
    CHECK(e.error->message.find("(192.0.2.2)") != std::string::npos);
    CHECK(e.error->message.find("before it: 127.0.0.1 refused") != std::string::npos);
    CHECK(e.elapsed_ms >= 900.0);
#endif
}

TEST_CASE("probe reports ports that drop every SYN as filtered, each at the connect timeout, side by side")
{
#ifdef _WIN32
    EPMDUMP_SKIP("needs a Linux network namespace");
#else
    const auto r = run_in_black_hole({"probe", "-f", "json", "-q", "--connect-timeout", "1", "--host-timeout", "60",
                                      "192.0.2.2:135,445,49152", "192.0.2.3:135"});
    if (r.exit_code == 77) EPMDUMP_SKIP("needs root, unshare, ip and veth for a private network namespace");
    MESSAGE("4 black-holed ports: " << r.seconds << " s wall");
    CHECK(r.exit_code == 0); // filtered is an answer, not a failure (README: probe's exit status)
    CHECK_MESSAGE(r.err.empty(), r.err.substr(0, 2000));
    std::istringstream lines(r.out);
    std::string line;
    int ports = 0;
    while (std::getline(lines, line))
    {
        CAPTURE(line);
        const auto j = nlohmann::json::parse(line);
        CHECK(j["record"] == "probe");
        CHECK(j["state"] == "filtered");
        CHECK(j["connections"] == 1);
        CHECK(j["elapsed_ms"].get<double>() >= 900.0);
        CHECK(j["elapsed_ms"].get<double>() < 10'000.0); // the 1 s connect timeout, not the kernel's SYN retries
        ++ports;
    }
    CHECK(ports == 4);
    CHECK(r.seconds < 15.0); // side by side: one timeout, not four
#endif
}
