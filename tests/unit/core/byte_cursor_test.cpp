#include <epmdump/core/byte_cursor.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <array>

using namespace epmdump;
using epmdump::test::from_hex;

TEST_CASE("byte cursor loads integers in the byte order it is given")
{
    const auto bytes = from_hex("01 0203 04050607 08090a0b0c0d0e0f");
    byte_cursor le(bytes, byte_order::little);
    CHECK(le.u8().value() == 0x01);
    CHECK(le.u16().value() == 0x0302u);
    CHECK(le.u32().value() == 0x07060504u);
    CHECK(le.u64().value() == 0x0f0e0d0c0b0a0908ull);
    CHECK(le.at_end());
    byte_cursor be(bytes, byte_order::big);
    CHECK(be.u8().value() == 0x01);
    CHECK(be.u16().value() == 0x0203u);
    CHECK(be.u32().value() == 0x04050607u);
    CHECK(be.u64().value() == 0x08090a0b0c0d0e0full);
}

TEST_CASE("byte cursor reports an overrun as truncated at the value's offset, and does not move")
{
    const auto bytes = from_hex("aabbcc");
    byte_cursor in(bytes, byte_order::little, 100);
    CHECK(in.u16("first field").value() == 0xbbaa);
    const auto e = in.u16("second field");
    REQUIRE_FALSE(e);
    CHECK(e.error() == codec_error{codec_errc::truncated, 102, "second field"});
    CHECK(in.position() == 2);
    CHECK(in.u8().value() == 0xcc);
    CHECK(in.bytes(1).error().offset == 103);
    CHECK(in.skip(1).error().code == codec_errc::truncated);
    CHECK(in.bytes(0).value().empty()); // nothing asked, nothing missing
}

TEST_CASE("byte cursor aligns from its own start and refuses padding the input does not hold")
{
    const auto bytes = from_hex("aa000000 11223344 55");
    byte_cursor in(bytes, byte_order::big, 8);
    CHECK(in.u8().value() == 0xaa);
    REQUIRE(in.align(4).has_value());
    CHECK(in.position() == 4);
    CHECK(in.u32().value() == 0x11223344u);
    CHECK(in.u8().value() == 0x55);
    const auto e = in.align(8);
    REQUIRE_FALSE(e);
    CHECK(e.error() == codec_error{codec_errc::truncated, 17, "alignment padding"});
}

TEST_CASE("a sub-cursor reads only its n bytes, with offsets in the caller's buffer")
{
    const auto bytes = from_hex("0300 aabbcc dd");
    byte_cursor in(bytes, byte_order::little, 10);
    const auto n = in.u16().value();
    auto sub = in.sub(n, "inner");
    REQUIRE(sub.has_value());
    CHECK(in.offset() == 15); // the outer cursor is past the inner bytes
    CHECK(sub->offset() == 12);
    CHECK(sub->u16().value() == 0xbbaa);
    const auto over = sub->u16();
    REQUIRE_FALSE(over);
    CHECK(over.error().offset == 14); // cannot read the outer cursor's dd
    CHECK(in.u8().value() == 0xdd);
    const auto too_long = byte_cursor(bytes, byte_order::little).sub(7, "inner");
    REQUIRE_FALSE(too_long.has_value());
    CHECK(too_long.error() == codec_error{codec_errc::truncated, 0, "inner"});
}

TEST_CASE("byte cursor reads a GUID with its first three fields in its byte order")
{
    const auto expect = uuid_literal("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
    const auto le = from_hex("0883afe1 1f5d c911 91a408002b14a0fa");
    CHECK(byte_cursor(le, byte_order::little).guid().value() == expect);
    const auto be = from_hex("e1af8308 5d1f 11c9 91a408002b14a0fa");
    CHECK(byte_cursor(be, byte_order::big).guid().value() == expect);
    CHECK(byte_cursor(std::span(be).first(15), byte_order::big).guid().error().code == codec_errc::truncated);
}

TEST_CASE("load and store agree on both byte orders")
{
    std::array<std::byte, 4> wire{};
    store<std::uint32_t>(wire, 0x11223344u, byte_order::big);
    CHECK(wire == std::array{std::byte{0x11}, std::byte{0x22}, std::byte{0x33}, std::byte{0x44}});
    CHECK(load<std::uint32_t>(wire, byte_order::little) == 0x44332211u);
    store<std::uint32_t>(wire, 0x11223344u, byte_order::little);
    CHECK(load<std::uint32_t>(wire, byte_order::little) == 0x11223344u);
}
