// A dead name server: every lookup waits 30 s (tests/e2e/hostile/silent_dns.sh answers nothing). The
// resolve timeout must end each host's lookup on time, and lookups must run side by side, so
// 20 names with a 1 s resolve timeout take about a second, not 20 x 30 s.
#include "e2e/run_process.hpp"
#include "support/test_files.hpp"

#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace epmdump;

TEST_CASE("names behind a DNS server that never answers each end at the resolve timeout, side by side")
{
#ifdef _WIN32
    EPMDUMP_SKIP("needs Linux namespaces for a private resolv.conf");
#else
    const std::size_t n = 20;
    std::vector<std::string> args = {EPMDUMP_SILENT_DNS, EPMDUMP_EXE, "-f", "json", "-q", "-c", std::to_string(n),
                                     "--timeout", "1", "--host-timeout", "60"};
    for (std::size_t i = 0; i < n; ++i) args.push_back("host" + std::to_string(i) + ".epmdump-test.invalid");
    const auto r = test::run_process("/bin/sh", args, {}, std::nullopt, std::chrono::seconds(120));
    if (r.exit_code == 77) EPMDUMP_SKIP("needs root, unshare, ip and python3 for a private network namespace");
    MESSAGE(n << " names: " << r.seconds << " s wall, exit " << r.exit_code);
    CHECK(r.exit_code == 1); // every host failed
    CHECK_MESSAGE(r.err.empty(), r.err.substr(0, 2000));

    auto d = output::read_json_lines(r.out);
    REQUIRE(d.has_value());
    REQUIRE(d->enumerations.size() == n);
    for (const auto& e : d->enumerations)
    {
        CAPTURE(e.target);
        REQUIRE(e.error.has_value());
        CHECK(e.error->kind == epmdump::epm::failure_kind::timeout);
        CHECK(e.error->message.find("during resolve") != std::string::npos);
        // The 1 s resolve timeout, not the name server's 30 s; loose for sanitizer builds.
        CHECK(e.elapsed_ms >= 900.0);
        CHECK(e.elapsed_ms < 10'000.0);
    }
    CHECK(r.seconds < 15.0); // side by side: one resolve timeout, not twenty
#endif
}
