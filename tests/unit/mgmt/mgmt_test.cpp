// rpc_mgmt_inq_if_ids (opnum 0) and rpc_mgmt_inq_princ_name (opnum 4) stubs.
#include "support/codec_checks.hpp"
#include "support/test_files.hpp"
#include "mgmt_answers.hpp"

#include <epmdump/mgmt/mgmt.hpp>

#include <doctest/doctest.h>

#include <random>

using namespace epmdump;
using namespace epmdump::mgmt;
using test::from_hex;

namespace {

constexpr ndr::drep big_endian{ndr::byte_order::big, ndr::char_set::ascii, 0};

dcerpc::syntax_id iface(std::string_view text, std::uint16_t major, std::uint16_t minor = 0)
{
    return {*parse_uuid(text), major, minor};
}

const auto samba_135 = from_hex(mgmt_answers::samba_135_inq_if_ids);
const auto samba_49153 = from_hex(mgmt_answers::samba_49153_inq_if_ids);

} // namespace

TEST_CASE("the management interface is afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0")
{
    CHECK(mgmt_interface() == iface("afa8bd80-7d8a-11c9-bef4-08002b102989", 1, 0));
}

TEST_CASE("inq_if_ids from Samba's port 135 lists the endpoint mapper and mgmt")
{
    auto r = decode_inq_if_ids_response(samba_135, ndr::little_endian_ascii);
    REQUIRE_OK(r);
    CHECK(r->vector_present);
    CHECK(r->status == 0);
    CHECK(r->null_elements == 0);
    REQUIRE(r->if_ids.size() == 2);
    CHECK(r->if_ids[0] == iface("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3));
    CHECK(r->if_ids[1] == mgmt_interface());
}

TEST_CASE("inq_if_ids from Samba's busiest port lists its nine interfaces in order, with their versions")
{
    auto r = decode_inq_if_ids_response(samba_49153, ndr::little_endian_ascii);
    REQUIRE_OK(r);
    REQUIRE(r->if_ids.size() == 9);
    CHECK(r->if_ids[0] == iface("50abc2a4-574d-40b3-9d66-ee4fd5fba076", 5)); // dnsserver
    CHECK(r->if_ids[6] == iface("e3514235-4b06-11d1-ab04-00c04fc2dcd2", 4)); // drsuapi
    CHECK(r->if_ids[7] == iface("12345778-1234-abcd-ef00-0123456789ab", 0)); // lsarpc
    CHECK(r->if_ids[8] == mgmt_interface());
}

TEST_CASE("an inq_if_ids response encodes to Samba's exact bytes and decodes back in either byte order")
{
    auto r = decode_inq_if_ids_response(samba_49153, ndr::little_endian_ascii);
    REQUIRE_OK(r);
    ndr::writer le;
    encode_inq_if_ids_response(*r, le);
    CHECK(le.buffer() == samba_49153);
    ndr::writer be(big_endian);
    encode_inq_if_ids_response(*r, be);
    CHECK(be.buffer() != samba_49153);
    auto back = decode_inq_if_ids_response(be.buffer(), big_endian);
    REQUIRE_OK(back);
    CHECK(*back == *r);
}

TEST_CASE("a NULL vector and NULL elements decode to nothing, and the status is kept")
{
    inq_if_ids_response none;
    none.status = 0x16c9a0d6;
    ndr::writer w;
    encode_inq_if_ids_response(none, w);
    CHECK(w.buffer() == from_hex("00000000d6a0c916"));
    auto r = decode_inq_if_ids_response(w.buffer(), ndr::little_endian_ascii);
    REQUIRE_OK(r);
    CHECK_FALSE(r->vector_present);
    CHECK(r->status == 0x16c9a0d6);

    inq_if_ids_response holes;
    holes.vector_present = true;
    holes.if_ids = {mgmt_interface()};
    holes.null_elements = 2;
    ndr::writer h;
    encode_inq_if_ids_response(holes, h);
    auto back = decode_inq_if_ids_response(h.buffer(), ndr::little_endian_ascii);
    REQUIRE_OK(back);
    CHECK(*back == holes);
}

TEST_CASE("a huge if_id count is refused before anything is allocated for it, with its offset")
{
    // The vector pointer, then max_count = count = 0x40000000 and nothing behind them.
    const auto stub = from_hex("000002000000004000000040");
    auto r = decode_inq_if_ids_response(stub, ndr::little_endian_ascii);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::truncated);
    CHECK(r.error().offset == 8);
}

TEST_CASE("an if_id count that disagrees with its max_count is a bad value")
{
    auto stub = samba_135;
    stub[8] = std::byte{3}; // count 3, max_count 2
    auto r = decode_inq_if_ids_response(stub, ndr::little_endian_ascii);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::bad_value);
    CHECK(r.error().offset == 8);
}

TEST_CASE("every cut of a real inq_if_ids response is a typed error, and damage never crashes")
{
    test::for_each_prefix(samba_49153, [](std::span<const std::byte> cut) {
        auto r = decode_inq_if_ids_response(cut, ndr::little_endian_ascii);
        CHECK_FALSE(r.has_value());
        if (!r) CHECK(r.error().offset <= cut.size());
    });
    std::mt19937 rng(14);
    for (int i = 0; i < 2000; ++i)
    {
        auto bytes = samba_49153;
        test::damage(bytes, rng);
        const test::exact_bytes exact(bytes);
        auto r = decode_inq_if_ids_response(exact.span(), ndr::little_endian_ascii);
        if (r) CHECK(r->if_ids.size() <= bytes.size() / 4);
    }
}

TEST_CASE("an inq_princ_name request carries authn_proto and the size of the answer we accept")
{
    ndr::writer w;
    encode_inq_princ_name_request({rpc_c_authn_winnt, 256}, w);
    CHECK(w.buffer() == from_hex("0a00000000010000"));
    auto back = decode_inq_princ_name_request(w.buffer(), ndr::little_endian_ascii);
    REQUIRE_OK(back);
    CHECK(back->authn_proto == 10);
    CHECK(back->princ_name_size == 256);
}

TEST_CASE("an inq_princ_name response is a conformant varying string then the status, in either byte order")
{
    // max_count 256, offset 0, actual_count 10, "DC$@SAMBA" NUL, 2 pad octets, status 0.
    const auto stub = from_hex(mgmt_answers::built_inq_princ_name);
    auto r = decode_inq_princ_name_response(stub, ndr::little_endian_ascii);
    REQUIRE_OK(r);
    CHECK(r->princ_name == "DC$@SAMBA");
    CHECK(r->status == 0);
    ndr::writer be(big_endian);
    encode_inq_princ_name_response(*r, be, 256);
    auto back = decode_inq_princ_name_response(be.buffer(), big_endian);
    REQUIRE_OK(back);
    CHECK(*back == *r);
    ndr::writer le;
    encode_inq_princ_name_response(*r, le, 256);
    CHECK(le.buffer() == stub);
}

TEST_CASE("an inq_princ_name string longer than its cap or its own max_count is refused")
{
    ndr::writer w;
    encode_inq_princ_name_response({std::string(40, 'a'), 0}, w, 64);
    auto capped = decode_inq_princ_name_response(w.buffer(), ndr::little_endian_ascii, ndr::transfer_syntax::ndr20, 16);
    REQUIRE_FALSE(capped.has_value());
    CHECK(capped.error().code == codec_errc::limit_exceeded);
    auto stub = w.buffer();
    stub[0] = std::byte{4}; // max_count 4 for a 41-octet string
    auto over = decode_inq_princ_name_response(stub, ndr::little_endian_ascii);
    REQUIRE_FALSE(over.has_value());
    CHECK(over.error().code == codec_errc::bad_value);
    CHECK(over.error().offset == 4);
    test::for_each_prefix(w.buffer(), [](std::span<const std::byte> cut) {
        CHECK_FALSE(decode_inq_princ_name_response(cut, ndr::little_endian_ascii).has_value());
    });
}
