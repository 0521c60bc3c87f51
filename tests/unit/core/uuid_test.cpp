#include <epmdump/core/uuid.hpp>

#include <doctest/doctest.h>

#include <unordered_set>

using namespace epmdump;

TEST_CASE("uuid parses and formats the canonical text form")
{
    auto u = parse_uuid("A4F1DB00-CA47-1067-B31F-00DD010662DA");
    REQUIRE(u);
    CHECK(to_string(*u) == "a4f1db00-ca47-1067-b31f-00dd010662da");
    CHECK(parse_uuid("{a4f1db00-ca47-1067-b31f-00dd010662da}") == u);
}

TEST_CASE("uuid rejects malformed text without throwing")
{
    CHECK_FALSE(parse_uuid(""));
    CHECK_FALSE(parse_uuid("a4f1db00-ca47-1067-b31f-00dd010662d"));
    CHECK_FALSE(parse_uuid("a4f1db00xca47-1067-b31f-00dd010662da"));
    CHECK_FALSE(parse_uuid("g4f1db00-ca47-1067-b31f-00dd010662da"));
}

TEST_CASE("uuid compares and hashes by value")
{
    auto a = *parse_uuid("a4f1db00-ca47-1067-b31f-00dd010662da");
    auto b = *parse_uuid("a4f1db00-ca47-1067-b31e-00dd010662da");
    CHECK(a != b);
    CHECK(b < a);
    std::unordered_set<uuid, uuid_hash> set{a, b, a};
    CHECK(set.size() == 2);
    CHECK(nil_uuid().is_nil());
}
