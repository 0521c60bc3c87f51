#include <epmdump/core/hex.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cstddef>

using namespace epmdump;

TEST_CASE("hex writes two digits per byte, lower case unless asked")
{
    const std::array<std::byte, 4> bytes{std::byte{0x00}, std::byte{0x0f}, std::byte{0xa5}, std::byte{0xff}};
    CHECK(to_hex(bytes) == "000fa5ff");
    CHECK(to_hex(bytes, true) == "000FA5FF");
    CHECK(to_hex({}).empty());
    std::string out = "x=";
    append_hex(out, std::span(bytes).first(2));
    CHECK(out == "x=000f");
}

TEST_CASE("hex32 prints a status code as Windows tools do, eight digits after 0x")
{
    CHECK(hex32(0x1c010003) == "0x1c010003");
    CHECK(hex32(5) == "0x00000005");
    CHECK(hex32(0xffffffff) == "0xffffffff");
}

TEST_CASE("hex_value reads one digit of either case and refuses the rest")
{
    CHECK(hex_value('0') == 0);
    CHECK(hex_value('9') == 9);
    CHECK(hex_value('a') == 10);
    CHECK(hex_value('F') == 15);
    CHECK(hex_value('g') == -1);
    CHECK(hex_value('/') == -1);
    CHECK(hex_value(':') == -1);
    CHECK(hex_value('@') == -1);
    static_assert(hex_value('e') == 14 && hex_digit(14) == 'e' && hex_digit(0x3c, true) == 'C');
}
