// JSON Lines with and without the derived roles and findings: both read the same, diff alike.
#include "sample.hpp"

#include <epmdump/output/diff.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace epmdump;

namespace {

// The line as writers before roles and findings wrote it: the two keys cut out.
std::string without_classification(std::string line)
{
    const auto from = line.find(",\"roles\":");
    REQUIRE(from != std::string::npos);
    // "findings" holds no nested arrays: its closing bracket is the first after the key.
    const auto findings_end = line.find(']', line.find("\"findings\":"));
    line.erase(from, findings_end + 1 - from);
    return line;
}

} // namespace

TEST_CASE("every JSON line carries roles and findings after entries, empty for a host without any")
{
    epm::enumeration refused;
    refused.target = "10.0.0.9";
    refused.fail(epm::failure_kind::refused, "connection refused");
    const auto line = output::to_json_line(refused);
    CHECK(line.find(R"("entries":[],"roles":[],"findings":[]})") != std::string::npos);
    const auto exchange = output::to_json_line(test::sample_enumeration());
    CHECK(exchange.find(R"("roles":[{"id":"exchange_server","name":"Exchange server","detail":"2010"},{"id":"samba","name":"Samba"}],"findings":[])") !=
          std::string::npos);
}

TEST_CASE("a line written before roles and findings existed reads back to the same enumeration, and diffs as the same")
{
    const auto e = test::sample_enumeration();
    const auto now = output::to_json_line(e);
    const auto before = without_classification(now);
    CHECK(before.find("roles") == std::string::npos);
    CHECK(before.find("findings") == std::string::npos);
    const auto old_read = output::read_json_lines(before);
    const auto new_read = output::read_json_lines(now);
    REQUIRE(old_read.has_value());
    REQUIRE(new_read.has_value());
    CHECK(old_read->enumerations.at(0).entries == new_read->enumerations.at(0).entries);
    // And it is written again with the fields it lacked.
    CHECK(output::to_json_line(old_read->enumerations.at(0)) == now);

    output::diff_side old_side{old_read->enumerations};
    output::diff_side new_side{new_read->enumerations};
    const auto d = output::diff_scans(old_side, new_side);
    CHECK_FALSE(d.differs());
}
