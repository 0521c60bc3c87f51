// The rules table is data people read and cite: every line complete, sourced, and documented.
#include "support/test_files.hpp"

#include <epmdump/findings/detail/table.hpp>
#include <epmdump/findings/rule.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

using namespace epmdump;
using namespace epmdump::findings;

TEST_CASE("every rule has an id word, a name, a reference and a meaning, and no id is used twice")
{
    std::set<std::string_view> seen;
    REQUIRE_FALSE(all_rules().empty());
    for (const auto& r : all_rules())
    {
        CAPTURE(r.id);
        CHECK_FALSE(r.id.empty());
        CHECK(std::all_of(r.id.begin(), r.id.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }));
        CHECK_FALSE(r.name.empty());
        CHECK_FALSE(r.reference.empty());
        CHECK_FALSE(r.meaning.empty());
        CHECK(seen.insert(r.id).second);
        CHECK(find_rule(r.id) == &r);
        // Roles describe; only exposures carry a severity above info.
        CHECK((r.kind == rule_kind::role) == (r.level == severity::info));
    }
    CHECK(find_rule("no_such_rule") == nullptr);
}

TEST_CASE("every rule but the Exchange one matches by interface UUIDs, and every exposure cites a protocol document or CVE")
{
    const auto rows = detail::rule_rows();
    for (std::size_t i = 0; i < rows.size(); ++i)
    {
        const auto& r = rows[i].public_part;
        CAPTURE(r.id);
        const auto clauses = std::count_if(detail::clauses().begin(), detail::clauses().end(),
                                           [i](const detail::clause& c) { return c.rule_index == i; });
        if (rows[i].how == detail::combine::exchange) CHECK(clauses == 0);
        else CHECK(clauses > 0);
        CHECK((r.reference.find("[MS-") != std::string_view::npos || r.reference.find("CVE-") != std::string_view::npos ||
               r.reference.find("KB ") != std::string_view::npos || r.reference.find("Samba") != std::string_view::npos ||
               r.reference.find("SQL Server") != std::string_view::npos));
    }
    for (const auto& c : detail::clauses()) CHECK_FALSE(c.interface == uuid{});
}

TEST_CASE("the roles come before the exposures, as results list them")
{
    bool exposure_seen = false;
    for (const auto& r : all_rules())
    {
        if (r.kind == rule_kind::exposure) exposure_seen = true;
        else CHECK_FALSE(exposure_seen);
    }
    CHECK(exposure_seen);
}

TEST_CASE("the findings README documents every rule of the table with its reference")
{
    const auto readme = test::read_text(test::source_dir() / "lib" / "epmdump" / "findings" / "README.md");
    for (const auto& r : all_rules())
    {
        CAPTURE(r.id);
        CHECK(readme.find("`" + std::string(r.id) + "`") != std::string::npos);
        // The first reference of the line at least (the table keeps the rest beside it).
        const auto first = r.reference.substr(0, r.reference.find(';'));
        CHECK(readme.find(std::string(first.substr(0, first.find(' ')))) != std::string::npos);
    }
}

TEST_CASE("severity words read back as they are written")
{
    for (auto s : {severity::info, severity::low, severity::medium, severity::high})
        CHECK(severity_from_string(to_string(s)) == s);
    CHECK_FALSE(severity_from_string("critical"));
    CHECK(to_string(rule_kind::role) == "role");
    CHECK(to_string(rule_kind::exposure) == "exposure");
}
