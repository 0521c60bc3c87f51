#include <epmdump/ndr/reader.hpp>
#include <epmdump/ndr/writer.hpp>

#include <doctest/doctest.h>

using namespace epmdump;

TEST_CASE("ndr writer output reads back identically in both byte orders and both syntaxes")
{
    const auto id = *parse_uuid("8a885d04-1ceb-11c9-9fe8-08002b104860");
    for (auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii,
                     ndr::drep{ndr::byte_order::big, ndr::char_set::ebcdic, 0}})
        for (auto syntax : {ndr::transfer_syntax::ndr20, ndr::transfer_syntax::ndr64})
        {
            ndr::writer w(rep, syntax);
            w.u8(7);
            w.u16(0x1234);
            w.u32(0xdeadbeef);
            w.guid(id);
            w.count(42);
            w.varying_string("Hello, World 09");
            w.u64(0x0102030405060708ull);
            auto bytes = w.take();
            ndr::reader r(bytes, rep, syntax);
            CHECK(r.u8().value() == 7);
            CHECK(r.u16().value() == 0x1234);
            CHECK(r.u32().value() == 0xdeadbeef);
            CHECK(r.guid().value() == id);
            CHECK(r.count().value() == 42);
            CHECK(r.varying_string(64).value() == "Hello, World 09");
            CHECK(r.u64().value() == 0x0102030405060708ull);
            CHECK(r.at_end());
        }
}

TEST_CASE("ndr writer patches a length field in place")
{
    ndr::writer w(ndr::big_endian_ascii);
    w.u32(0);
    w.u16(0);
    w.patch_u32(0, 0x01020304);
    w.patch_u16(4, 0x0506);
    auto b = w.take();
    CHECK(std::to_integer<int>(b[0]) == 1);
    CHECK(std::to_integer<int>(b[5]) == 6);
}
