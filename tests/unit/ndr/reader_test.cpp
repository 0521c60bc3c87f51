#include <epmdump/ndr/reader.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

using namespace epmdump;
using epmdump::test::from_hex;

TEST_CASE("ndr reader honours the integer byte order of the drep")
{
    auto bytes = from_hex("01020304 0506");
    ndr::reader le(bytes, ndr::little_endian_ascii);
    CHECK(le.u32().value() == 0x04030201u);
    CHECK(le.u16().value() == 0x0605u);
    ndr::reader be(bytes, ndr::big_endian_ascii);
    CHECK(be.u32().value() == 0x01020304u);
    CHECK(be.u16().value() == 0x0506u);
}

TEST_CASE("ndr reader aligns relative to the stub start and reports truncation with its offset")
{
    auto bytes = from_hex("aa 000000 11223344 55");
    ndr::reader r(bytes, ndr::little_endian_ascii, ndr::transfer_syntax::ndr20, 24);
    CHECK(r.u8().value() == 0xaa);
    CHECK(r.u32().value() == 0x44332211u);
    auto e = r.u32();
    REQUIRE_FALSE(e);
    CHECK(e.error().code == codec_errc::truncated);
    CHECK(e.error().offset == 24 + 8);
}

TEST_CASE("ndr reader decodes a GUID with its first three fields in the stream's byte order")
{
    const auto expect = *parse_uuid("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
    auto le = from_hex("0883afe1 1f5d c911 91a408002b14a0fa");
    CHECK(ndr::reader(le, ndr::little_endian_ascii).guid().value() == expect);
    auto be = from_hex("e1af8308 5d1f 11c9 91a408002b14a0fa");
    CHECK(ndr::reader(be, ndr::big_endian_ascii).guid().value() == expect);
}

TEST_CASE("ndr reader reads NDR64 counts as 8 bytes aligned to 8")
{
    auto bytes = from_hex("01000000 00000000 0200000000000000");
    ndr::reader r(bytes, ndr::little_endian_ascii, ndr::transfer_syntax::ndr64);
    CHECK(r.u32().value() == 1u);
    CHECK(r.count().value() == 2u);
    CHECK(r.at_end());
}

TEST_CASE("ndr varying string drops the NUL, caps the length and translates EBCDIC")
{
    auto ascii = from_hex("00000000 04000000 6c736100");
    CHECK(ndr::reader(ascii, ndr::little_endian_ascii).varying_string(64).value() == "lsa");
    auto ebcdic = from_hex("00000000 00000004 93a28100");
    ndr::drep ebcdic_be{ndr::byte_order::big, ndr::char_set::ebcdic, 0};
    CHECK(ndr::reader(ebcdic, ebcdic_be).varying_string(64).value() == "lsa");
    auto too_long = from_hex("00000000 41000000");
    auto e = ndr::reader(too_long, ndr::little_endian_ascii).varying_string(64);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == codec_errc::limit_exceeded);
    // The limit counts the NUL: 4 chars fit in 5, and 4 chars without a NUL do not fit in 4.
    CHECK(ndr::reader(from_hex("00000000 04000000 6c736161"), ndr::little_endian_ascii).varying_string(5).value() == "lsaa");
    auto unterminated = ndr::reader(from_hex("00000000 04000000 6c736161"), ndr::little_endian_ascii).varying_string(4);
    REQUIRE_FALSE(unterminated);
    CHECK(unterminated.error().code == codec_errc::limit_exceeded);
    CHECK(unterminated.error().offset == 4);
    CHECK(ndr::reader(from_hex("00000000 04000000 6c736100"), ndr::little_endian_ascii).varying_string(4).value() == "lsa");
    auto lying = from_hex("00000000 10000000 6c7361");
    CHECK(ndr::reader(lying, ndr::little_endian_ascii).varying_string(64).error().code == codec_errc::truncated);
}

TEST_CASE("ndr reader reads a run of fields by type and stops at the first that does not fit")
{
    auto bytes = from_hex("01 00 0302 07060504 0883afe11f5dc91191a408002b14a0fa 0a0b");
    ndr::reader r(bytes, ndr::little_endian_ascii, ndr::transfer_syntax::ndr20, 40);
    std::uint8_t a = 0;
    std::uint16_t b = 0;
    std::uint32_t c = 0;
    uuid d{};
    REQUIRE(r.read(a, b, c, d).has_value());
    CHECK(a == 0x01);
    CHECK(b == 0x0203);
    CHECK(c == 0x04050607u);
    CHECK(d == *parse_uuid("e1af8308-5d1f-11c9-91a4-08002b14a0fa"));
    std::uint16_t e = 0;
    std::uint32_t f = 0xdead;
    const auto cut = r.read(e, f);
    REQUIRE_FALSE(cut.has_value());
    CHECK(e == 0x0b0a);
    CHECK(f == 0xdead); // left as it was
    CHECK(cut.error() == codec_error{codec_errc::truncated, 40 + 26, "alignment padding"});
}
