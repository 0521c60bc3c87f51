// Targets generated per second (issue #17): a shard of a /8 with and without 100,000 exclusions,
// against the unsharded feed of the same /8 measured in the same run. Prints figures; asserts none.
//   bench_targets [SHARDS] [EXCLUSIONS] [SECONDS_PER_CASE]
#include <epmdump/client/target_exclusion.hpp>
#include <epmdump/client/target_list.hpp>
#include <epmdump/client/target_shard.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace epmdump::client;

struct figures
{
    std::uint64_t targets = 0;
    std::uint64_t excluded = 0;
    double seconds = 0;
    double per_second() const { return static_cast<double>(targets) / seconds; }
};

// Draws targets from a fresh source until it ends or `budget` seconds pass.
figures drain(const std::optional<shard_spec>& shard, std::shared_ptr<const target_exclusions> exclusions, double budget)
{
    std::string error;
    std::vector<target_pattern> words{*parse_target("10.0.0.0/8", error)};
    target_source source(std::move(words), {}, 135);
    if (shard) source.set_shard(*shard);
    source.set_exclusions(std::move(exclusions));
    figures f;
    const auto start = std::chrono::steady_clock::now();
    std::size_t bytes = 0; // keeps the targets observable
    for (;;)
    {
        auto t = source.next();
        if (!t) break;
        bytes += t->host.size();
        if ((++f.targets & 0xffff) == 0 &&
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > budget)
            break;
    }
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    f.excluded = source.excluded();
    if (bytes == 0) std::puts("");
    return f;
}

// `count` exclusions spread over the /8: single addresses and short ranges, as a do-not-scan list.
std::shared_ptr<const target_exclusions> make_exclusions(std::size_t count)
{
    auto set = std::make_shared<target_exclusions>();
    std::mt19937_64 random(17);
    std::string error;
    for (std::size_t i = 0; i < count; ++i)
    {
        const auto a = static_cast<std::uint32_t>(random() & 0xffffff);
        std::string word = "10." + std::to_string(a >> 16) + "." + std::to_string((a >> 8) & 0xff) + "." + std::to_string(a & 0xff);
        if (i % 4 == 0 && (a & 0xff) < 250) word += "-" + std::to_string((a & 0xff) + 5);
        if (!set->add(word, error)) std::fprintf(stderr, "bad exclusion %s: %s\n", word.c_str(), error.c_str());
    }
    return set;
}

long peak_rss_kib()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

} // namespace

int main(int argc, char** argv)
{
    const std::uint64_t shards = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4;
    const std::size_t exclusion_count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100000;
    const double budget = argc > 3 ? std::strtod(argv[3], nullptr) : 3.0;

    const auto t0 = std::chrono::steady_clock::now();
    const auto exclusions = make_exclusions(exclusion_count);
    const shard_spec shard{shards, 0, 20261205};
    // One lookup builds the merged intervals; timed apart from the draws.
    std::string error;
    (void)exclusions->excluded_run(*parse_target("10.0.0.1", error), 0);
    const double setup = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long rss_before = peak_rss_kib();

    std::printf("scope 10.0.0.0/8 (16,777,216 targets), shard 0 of %llu, %zu exclusions (built and merged in %.3f s), "
                "%.1f s per case at most\n",
                static_cast<unsigned long long>(shards), exclusion_count, setup, budget);
    std::printf("%-40s %12s %12s %14s %8s\n", "case", "targets", "excluded", "targets/s", "ratio");
    const auto base = drain(std::nullopt, nullptr, budget);
    auto row = [&](const char* name, const figures& f) {
        std::printf("%-40s %12llu %12llu %14.0f %8.2f\n", name, static_cast<unsigned long long>(f.targets),
                    static_cast<unsigned long long>(f.excluded), f.per_second(), f.per_second() / base.per_second());
    };
    row("unsharded feed (baseline)", base);
    row("unsharded, with exclusions", drain(std::nullopt, exclusions, budget));
    row("shard, no exclusions", drain(shard, nullptr, budget));
    row("shard, with exclusions", drain(shard, exclusions, budget));
    std::printf("peak RSS: %ld KiB after building the exclusions, %ld KiB at the end\n", rss_before, peak_rss_kib());
    return 0;
}
