// The rules table is data people read and cite: every line complete, sourced, and documented.
#include "support/test_files.hpp"
#include "unit/findings/index_rows.hpp"

#include <epmdump/findings/detail/table.hpp>
#include <epmdump/findings/rule.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

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

TEST_CASE("the interface index finds every clause and Exchange row by its UUID, exactly the rows a table scan finds")
{
    REQUIRE_FALSE(detail::clauses().empty());
    REQUIRE_FALSE(detail::exchange_rows().empty());
    for (const auto& c : detail::clauses())
    {
        CAPTURE(to_string(c.interface));
        CHECK(test::rows_by_index(c.interface) == test::rows_by_scan(c.interface));
        CHECK_FALSE(test::rows_by_index(c.interface).empty());
    }
    for (const auto& row : detail::exchange_rows())
    {
        CAPTURE(to_string(row.id));
        CHECK(test::rows_by_index(row.id) == test::rows_by_scan(row.id));
        CHECK_FALSE(test::rows_by_index(row.id).empty());
    }
}

TEST_CASE("an interface no rule names is found in no row: the management interface, the nil UUID, the all-ones UUID, a neighbour of a clause's UUID")
{
    const uuid mgmt_interface = uuid_literal("afa8bd80-7d8a-11c9-bef4-08002b102989");
    uuid ones{};
    std::fill(std::begin(ones.data), std::end(ones.data), std::uint8_t{0xff});
    uuid neighbour = detail::clauses().front().interface;
    neighbour.data[15] ^= 1;
    for (const auto& id : {mgmt_interface, uuid{}, ones, neighbour})
    {
        CAPTURE(to_string(id));
        CHECK(test::rows_by_scan(id).empty());
        CHECK(detail::rows_naming(id).empty());
    }
}
