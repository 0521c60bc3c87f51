// The failure vocabulary (error.kind): one word per kind, parse inverts to_string, and
// output/SCHEMA.md documents exactly these words.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/epm/failure_kind.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>

using namespace epmdump;

TEST_CASE("every failure kind has its own word, and parsing the word gives the kind back")
{
    std::set<std::string> words;
    for (const auto k : epm::all_failure_kinds)
    {
        const std::string word(to_string(k));
        CAPTURE(word);
        CHECK(words.insert(word).second);
        REQUIRE(epm::parse_failure_kind(word).has_value());
        CHECK(*epm::parse_failure_kind(word) == k);
    }
    CHECK(to_string(epm::failure_kind::unspecified).empty());
    CHECK_FALSE(epm::parse_failure_kind("gap").has_value());
    CHECK_FALSE(epm::parse_failure_kind("Timeout").has_value());
}

TEST_CASE("SCHEMA.md's table of error kinds lists exactly the failure kinds")
{
    const auto schema = test::read_text(std::filesystem::path(EPMDUMP_SOURCE_DIR) / "lib/epmdump/output/SCHEMA.md");
    const auto from = schema.find("## Error kinds");
    REQUIRE(from != std::string::npos);
    const auto to = schema.find("\n## ", from + 1);
    const auto section = schema.substr(from, to - from);
    // Rows start "| `word` |".
    std::set<std::string> documented;
    for (std::size_t at = section.find("\n| `"); at != std::string::npos; at = section.find("\n| `", at + 1))
    {
        const auto start = at + 4;
        documented.insert(section.substr(start, section.find('`', start) - start));
    }
    std::set<std::string> kinds;
    for (const auto k : epm::all_failure_kinds)
        if (k != epm::failure_kind::unspecified) kinds.emplace(to_string(k));
    CHECK(documented == kinds);
}

TEST_CASE("a failure is an error when nothing was gathered, incomplete when entries were")
{
    epm::enumeration none;
    none.fail(epm::failure_kind::timeout, "no answer");
    CHECK(none.status == epm::enumeration_status::error);
    REQUIRE(none.error);
    CHECK(none.error->kind == epm::failure_kind::timeout);
    CHECK(none.error->message == "no answer");

    epm::enumeration some;
    some.entries.emplace_back();
    some.fail(epm::enumeration_error{epm::failure_kind::incomplete, "loop guard"});
    CHECK(some.status == epm::enumeration_status::incomplete);
}
