// --exclude / --excludefile: what target_source never hands out, and what it costs.
#include <epmdump/client/target_exclusion.hpp>
#include <epmdump/client/target_list.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using epmdump::client::parse_target;
using epmdump::client::target_exclusions;
using epmdump::client::target_pattern;
using epmdump::client::target_source;

namespace {

target_pattern word(const std::string& w)
{
    std::string error;
    auto p = parse_target(w, error);
    REQUIRE_MESSAGE(p.has_value(), error);
    return *p;
}

std::shared_ptr<target_exclusions> excluding(std::initializer_list<const char*> words)
{
    auto set = std::make_shared<target_exclusions>();
    for (const char* w : words)
    {
        std::string error;
        REQUIRE_MESSAGE(set->add(w, error), error);
    }
    return set;
}

// The hosts a source hands out, ports left out.
std::vector<std::string> drain_hosts(target_source& source)
{
    std::vector<std::string> hosts;
    while (auto t = source.next()) hosts.push_back(t->host);
    return hosts;
}

} // namespace

TEST_CASE("excluded addresses, blocks and ranges are never handed out and are counted")
{
    target_source source({word("10.0.0.0/28"), word("dc01"), word("DC02")}, {}, 135);
    source.set_exclusions(excluding({"10.0.0.0/30", "10.0.0.9", "10.0.0.11-12", "dc02"}));
    CHECK(drain_hosts(source) == std::vector<std::string>{"10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8",
                                                    "10.0.0.10", "10.0.0.13", "10.0.0.14", "10.0.0.15", "dc01"});
    CHECK(source.excluded() == 8);
}

TEST_CASE("an excluded /8 inside a scanned /8 is skipped in one step, not address by address")
{
    target_source source({word("10.0.0.0/8"), word("11.0.0.1")}, {}, 135);
    source.set_exclusions(excluding({"10.0.0.0/8"}));
    auto first = source.next();
    REQUIRE(first.has_value());
    CHECK(first->host == "11.0.0.1");
    CHECK(source.excluded() == (1u << 24));
}

TEST_CASE("overlapping and adjacent exclusions merge, and the edges of each interval hold")
{
    const auto set = excluding({"192.168.1.10-20", "192.168.1.15-30", "192.168.1.31", "192.168.1.40"});
    const auto block = word("192.168.1.0/24");
    CHECK(set->excluded_run(block, 9) == 0);
    CHECK(set->excluded_run(block, 10) == 22); // 10-31 as one interval
    CHECK(set->excluded_run(block, 31) == 1);
    CHECK(set->excluded_run(block, 32) == 0);
    CHECK(set->excluded_run(block, 40) == 1);
    CHECK(set->excluded_run(word("192.168.1.250-255"), 0) == 0);
    CHECK(set->excluded_run(word("255.255.255.255"), 0) == 0);
}

TEST_CASE("IPv6 exclusions cover blocks and single addresses, names match without case")
{
    const auto set = excluding({"fd00::/120", "fd00::1:5", "Mail01"});
    CHECK(set->excluded_run(word("fd00::/112"), 0) == 256);
    CHECK(set->excluded_run(word("fd00::/112"), 256) == 0);
    CHECK(set->excluded_run(word("fd00::1:0/120"), 5) == 1);
    CHECK(set->excluded_run(word("fd00::1:0/120"), 6) == 0);
    CHECK(set->excluded_run(word("mail01"), 0) == 1);
    CHECK(set->excluded_run(word("mail02"), 0) == 0);
}

TEST_CASE("a bad exclusion is refused with its reason, and so is one with a port")
{
    target_exclusions set;
    std::string error;
    CHECK_FALSE(set.add("10.0.0.0/33", error));
    CHECK_FALSE(error.empty());
    CHECK_FALSE(set.add("10.0.0.1:135", error));
    CHECK(error == "an exclusion names hosts, not ports");
    CHECK(set.empty());
}

TEST_CASE("an exclude file is read as -iL reads a list: comments, several words a line, bad words with their line")
{
    const auto dir = std::filesystem::temp_directory_path();
    const auto good = dir / "epmdump-exclude-good.txt";
    const auto bad = dir / "epmdump-exclude-bad.txt";
    {
        std::ofstream(good) << "# lab\n10.1.0.0/16 10.2.0.1\n\n10.3.0.1-3 # routers\n";
        std::ofstream(bad) << "10.1.0.1\n10.1.0.300\n";
    }
    target_exclusions set;
    std::string error;
    CHECK(set.add_file(good.string(), error));
    CHECK(set.excluded_run(word("10.1.255.255"), 0) == 1);
    CHECK(set.excluded_run(word("10.3.0.0-4"), 1) == 3);
    CHECK_FALSE(set.add_file(bad.string(), error));
    CHECK(error.find(":2: ") != std::string::npos);
    CHECK_FALSE(set.add_file((dir / "epmdump-exclude-absent.txt").string(), error));
    CHECK(error.starts_with("cannot read exclude file"));
    std::filesystem::remove(good);
    std::filesystem::remove(bad);
}
