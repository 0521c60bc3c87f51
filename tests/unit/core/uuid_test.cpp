#include "support/test_files.hpp"

#include <epmdump/core/uuid.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
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

TEST_CASE("uuid_literal parses at compile time what parse_uuid parses at run time")
{
    constexpr uuid ndr20 = uuid_literal("8a885d04-1ceb-11c9-9fe8-08002b104860");
    static_assert(ndr20.data[0] == 0x8a && ndr20.data[15] == 0x60);
    static_assert(parse_uuid("{E1AF8308-5D1F-11C9-91A4-08002B14A0FA}").has_value());
    static_assert(!parse_uuid("e1af8308-5d1f-11c9-91a4-08002b14a0f").has_value());
    CHECK(ndr20 == *parse_uuid("8a885d04-1ceb-11c9-9fe8-08002b104860"));
}

TEST_CASE("a GUID's first three fields follow the byte order, its last eight octets do not")
{
    // The endpoint mapper's interface UUID as a little-endian bind and a tower carry it.
    const auto little = test::from_hex("0883afe11f5dc91191a408002b14a0fa");
    const auto big = test::from_hex("e1af83085d1f11c991a408002b14a0fa");
    const uuid epm = uuid_literal("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
    CHECK(load_guid(std::span(little).first<16>(), byte_order::little) == epm);
    CHECK(load_guid(std::span(big).first<16>(), byte_order::big) == epm);
    std::array<std::byte, 16> wire{};
    store_guid(epm, wire, byte_order::little);
    CHECK(std::equal(wire.begin(), wire.end(), little.begin(), little.end()));
    store_guid(epm, wire, byte_order::big);
    CHECK(std::equal(wire.begin(), wire.end(), big.begin(), big.end()));
}
