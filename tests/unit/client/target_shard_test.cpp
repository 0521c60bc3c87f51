// --shards/--shard/--seed: the keyed permutation is a bijection of every size, the shards of a
// scope are disjoint and cover it, each spreads over the whole space, and a /8 needs no list.
#include <epmdump/client/target_list.hpp>
#include <epmdump/client/target_permutation.hpp>
#include <epmdump/client/target_shard.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

using epmdump::client::parse_shard;
using epmdump::client::parse_target;
using epmdump::client::shard_spec;
using epmdump::client::shard_walk;
using epmdump::client::target_pattern;
using epmdump::client::target_permutation;
using epmdump::client::target_source;

namespace {

target_pattern shard_word(const std::string& w)
{
    std::string error;
    auto p = parse_target(w, error);
    REQUIRE_MESSAGE(p.has_value(), error);
    return *p;
}

// Every target a source hands out, as "host:port".
std::vector<std::string> drain_targets(target_source& source)
{
    std::vector<std::string> out;
    while (auto t = source.next()) out.push_back(t->host + ":" + std::to_string(t->port));
    return out;
}

std::vector<std::string> shard_of(const std::vector<std::string>& words, const shard_spec& shard,
                                  std::shared_ptr<const epmdump::client::target_exclusions> exclusions = nullptr)
{
    std::vector<target_pattern> patterns;
    for (const auto& w : words) patterns.push_back(shard_word(w));
    target_source source(std::move(patterns), {}, 135);
    source.set_shard(shard);
    source.set_exclusions(std::move(exclusions));
    return drain_targets(source);
}

} // namespace

TEST_CASE("the permutation is a bijection of 0..size-1 for sizes 1, 2, primes, powers of two and one past them")
{
    for (const std::uint64_t size : {1ULL, 2ULL, 3ULL, 5ULL, 7ULL, 13ULL, 97ULL, 251ULL, 4ULL, 16ULL, 256ULL, 1024ULL, 65536ULL,
                                     9ULL, 17ULL, 257ULL, 1025ULL, 65537ULL, 100000ULL})
        for (const std::uint64_t seed : {0ULL, 1ULL, 0xdeadbeefULL})
        {
            const target_permutation p(size, seed);
            std::vector<bool> seen(size);
            for (std::uint64_t i = 0; i < size; ++i)
            {
                const auto v = p(i);
                REQUIRE(v < size);
                REQUIRE_FALSE(seen[v]);
                seen[v] = true;
            }
        }
}

TEST_CASE("the permutation of a /8 maps a sample of positions into range without collision, each /16 alike")
{
    // 2^24 indices: checked on a stratified sample (every 257th position), no list of the space.
    constexpr std::uint64_t size = std::uint64_t{1} << 24;
    const target_permutation p(size, 42);
    std::set<std::uint64_t> images;
    std::vector<std::uint64_t> per_slash16(256);
    for (std::uint64_t i = 0; i < size; i += 257)
    {
        const auto v = p(i);
        REQUIRE(v < size);
        CHECK(images.insert(v).second);
        ++per_slash16[v >> 16];
    }
    // 65,281 samples over 256 /16s: about 255 each; a permutation that kept locality would not.
    const auto [lo, hi] = std::minmax_element(per_slash16.begin(), per_slash16.end());
    CHECK(*lo > 180);
    CHECK(*hi < 330);
}

TEST_CASE("the same seed gives the same order and another seed another one")
{
    const target_permutation a(1000, 7), b(1000, 7), c(1000, 8);
    std::size_t same = 0, differs_from_identity = 0;
    for (std::uint64_t i = 0; i < 1000; ++i)
    {
        CHECK(a(i) == b(i));
        same += a(i) == c(i);
        differs_from_identity += a(i) != i;
    }
    CHECK(same < 50);
    CHECK(differs_from_identity > 950);
}

TEST_CASE("N shards of a small scope are disjoint and their union is the scope, names and ports included")
{
    const std::vector<std::string> words{"10.1.0.0/26", "printserver.example", "10.2.0.1-9:593", "[fd00::/124]", "10.1.0.5:4135"};
    const auto whole = shard_of(words, {1, 0, 99});
    REQUIRE(whole.size() == 64 + 1 + 9 + 16 + 1);
    for (const std::uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 16ULL, 91ULL, 200ULL})
    {
        std::multiset<std::string> union_of_shards;
        for (std::uint64_t i = 0; i < n; ++i)
        {
            const auto part = shard_of(words, {n, i, 99});
            // Sizes differ by at most one: ceil((total - I) / N).
            CHECK(part.size() == (whole.size() > i ? (whole.size() - i + n - 1) / n : 0));
            union_of_shards.insert(part.begin(), part.end());
        }
        CHECK(union_of_shards == std::multiset<std::string>(whole.begin(), whole.end())); // each exactly once
    }
    CHECK(std::count(whole.begin(), whole.end(), "printserver.example:135") == 1);
    CHECK(std::count(whole.begin(), whole.end(), "10.2.0.9:593") == 1);
}

TEST_CASE("a shard walks the scope in the seed's order, the same on every run")
{
    const std::vector<std::string> words{"10.9.0.0/24"};
    const auto a = shard_of(words, {4, 2, 12345});
    CHECK(a == shard_of(words, {4, 2, 12345}));
    CHECK(a != shard_of(words, {4, 2, 54321}));
    auto sorted = a;
    std::sort(sorted.begin(), sorted.end());
    CHECK(a != sorted); // not in address order: a run never sweeps one subnet then the next
}

TEST_CASE("each shard of a /16 takes a fair share of every /24, so no machine hammers one subnet")
{
    constexpr std::uint64_t n = 8;
    for (std::uint64_t i = 0; i < n; ++i)
    {
        std::map<std::string, int> per_slash24;
        for (const auto& t : shard_of({"10.20.0.0/16"}, {n, i, 2026}))
            ++per_slash24[t.substr(0, t.rfind('.'))];
        REQUIRE(per_slash24.size() == 256); // every /24 visited by every shard
        for (const auto& [net, count] : per_slash24)
        {
            // 256 addresses / 8 shards = 32 expected; binomial spread stays far inside 12..56.
            CHECK_MESSAGE(count > 12, net);
            CHECK_MESSAGE(count < 56, net);
        }
    }
}

TEST_CASE("exclusions apply after the permutation: the shards of an excluded scope stay disjoint and skip the excluded")
{
    auto exclusions = std::make_shared<epmdump::client::target_exclusions>();
    std::string error;
    REQUIRE(exclusions->add("10.3.0.0/28", error));
    REQUIRE(exclusions->add("skipme.example", error));
    std::set<std::string> all;
    std::size_t total = 0;
    for (std::uint64_t i = 0; i < 3; ++i)
    {
        const auto part = shard_of({"10.3.0.0/26", "skipme.example", "keep.example"}, {3, i, 5}, exclusions);
        total += part.size();
        all.insert(part.begin(), part.end());
    }
    CHECK(total == 64 - 16 + 1);
    CHECK(all.size() == total);
    CHECK_FALSE(all.contains("10.3.0.15:135"));
    CHECK(all.contains("10.3.0.16:135"));
    CHECK_FALSE(all.contains("skipme.example:135"));
    CHECK(all.contains("keep.example:135"));
}

TEST_CASE("a shard of a /8 is counted up front and walked without a list of the space")
{
    std::vector<target_pattern> words{shard_word("10.0.0.0/8")};
    target_source source(std::move(words), {}, 135);
    source.set_shard({1000, 999, 3});
    CHECK(source.total() == 16777); // the shard's share, said before the first target
    auto first = source.next();
    REQUIRE(first.has_value());
    CHECK(source.total() == ((std::uint64_t{1} << 24) - 999 + 999) / 1000);
    // The walk itself holds one word and a position: the shard_walk of the whole /8 sized alike.
    const shard_walk walk(std::uint64_t{1} << 24, {1000, 999, 3});
    CHECK(walk.size() == source.total());
    std::size_t n = 1;
    while (source.next()) ++n;
    CHECK(n == source.total());
}

TEST_CASE("--shard takes I with --shards N, or I/N, 0-based, and names masscan's 1-based spelling when I is N")
{
    std::string error;
    CHECK(parse_shard("0", 4, error) == std::pair<std::uint64_t, std::uint64_t>{0, 4});
    CHECK(parse_shard("3/4", 0, error) == std::pair<std::uint64_t, std::uint64_t>{3, 4});
    CHECK(parse_shard("3/4", 4, error) == std::pair<std::uint64_t, std::uint64_t>{3, 4});
    CHECK_FALSE(parse_shard("4/4", 0, error));
    CHECK(error.find("masscan") != std::string::npos);
    CHECK_FALSE(parse_shard("1/3", 4, error));
    CHECK(error.find("disagree") != std::string::npos);
    CHECK_FALSE(parse_shard("2", 0, error));
    CHECK(error.find("--shards") != std::string::npos);
    CHECK_FALSE(parse_shard("x/4", 0, error));
    CHECK_FALSE(parse_shard("1/0", 0, error));
    CHECK_FALSE(parse_shard("-1", 4, error));
}
