// Saved dumps the fuzzers found (tests/fuzz/targets/{json_lines,...}.cpp).
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>

#include "regression_inputs.hpp"

#include <doctest/doctest.h>

using namespace epmdump;

TEST_CASE("an elapsed time too large to round to microseconds is written as a number that reads back")
{
    // inputs/json_lines/elapsed-ms-too-large-to-round: "elapsed_ms":1e306 reads fine, but the
    // writer's rounding (ms * 1000) overflowed to inf, which the JSON writer prints as null, and
    // our own reader refused that line ("elapsed_ms" is not a number). Found while triaging the
    // json_lines target's rounding report (inputs/json_lines/elapsed-ms-rounded-to-microseconds).
    const auto first = output::read_json_lines(test::regression_text("json_lines", "elapsed-ms-too-large-to-round"));
    REQUIRE(first.has_value());
    REQUIRE(first->enumerations.size() == 1);
    CHECK(first->enumerations[0].elapsed_ms == 1e306);
    const auto line = output::to_json_line(first->enumerations[0]);
    CHECK(line.find("null") == std::string::npos);
    const auto again = output::read_json_lines(line);
    REQUIRE(again.has_value());
    REQUIRE(again->enumerations.size() == 1);
    CHECK(again->enumerations[0].elapsed_ms == 1e306);
}

TEST_CASE("elapsed_ms is written to the microsecond, as SCHEMA.md says")
{
    // inputs/json_lines/elapsed-ms-rounded-to-microseconds ("elapsed_ms":7.3283): the writer
    // keeps 3 decimals; the fuzz target's field-for-field check now expects exactly that.
    const auto first =
        output::read_json_lines(test::regression_text("json_lines", "elapsed-ms-rounded-to-microseconds"));
    REQUIRE(first.has_value());
    REQUIRE(first->enumerations.size() == 1);
    CHECK(first->enumerations[0].elapsed_ms == 7.3283);
    const auto again = output::read_json_lines(output::to_json_line(first->enumerations[0]));
    REQUIRE(again.has_value());
    CHECK(again->enumerations[0].elapsed_ms == 7.328);
}
