#include <epmdump/dcerpc/common_header.hpp>
#include <epmdump/dcerpc/names.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

TEST_CASE("common header of the Samba bind decodes every field")
{
    auto pdu = hex(vectors::samba_bind);
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    CHECK(h->rpc_vers == 5);
    CHECK(h->rpc_vers_minor == 0);
    CHECK(h->type == pdu_type::bind);
    CHECK(h->flags == (pfc_first_frag | pfc_last_frag));
    CHECK(h->drep == ndr::little_endian_ascii);
    CHECK(h->frag_length == 72);
    CHECK(h->auth_length == 0);
    CHECK(h->call_id == 1);
}

TEST_CASE("common header reads frag_length, auth_length and call_id in the PDU's own big-endian drep")
{
    auto pdu = hex("05 00 02 03 00000000 0123 0010 01020304");
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    CHECK(h->drep.integer == ndr::byte_order::big);
    CHECK(h->frag_length == 0x0123);
    CHECK(h->auth_length == 0x0010);
    CHECK(h->call_id == 0x01020304u);
}

TEST_CASE("common header round-trips through the encoder in both byte orders")
{
    for (auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii})
    {
        common_header h;
        h.rpc_vers_minor = 1;
        h.type = pdu_type::alter_context_resp;
        h.flags = pfc_first_frag | pfc_last_frag | pfc_support_header_sign;
        h.drep = rep;
        h.frag_length = 0x1234;
        h.auth_length = 0x56;
        h.call_id = 0xdeadbeef;
        ndr::writer w(rep);
        encode_common_header(w, h);
        REQUIRE(w.size() == common_header_size);
        auto back = decode_common_header(w.buffer());
        REQUIRE_OK(back);
        CHECK(*back == h);
    }
}

TEST_CASE("common header rejects what is not a connection-oriented version 5 PDU")
{
    auto good = hex(vectors::samba_bind);
    auto expect_bad = [&](std::size_t at, std::uint8_t value, std::size_t err_offset) {
        auto pdu = good;
        pdu[at] = std::byte{value};
        auto h = decode_common_header(pdu);
        REQUIRE_FALSE(h.has_value());
        CHECK(h.error().code == codec_errc::bad_header);
        CHECK(h.error().offset == err_offset);
    };
    expect_bad(0, 4, 0);     // rpc_vers 4 (CL is also version 4)
    expect_bad(1, 2, 1);     // rpc_vers_minor 2
    expect_bad(2, 21, 2);    // PTYPE past rts
    expect_bad(2, 0xff, 2);
    expect_bad(2, 1, 2);     // ping: connectionless only
    expect_bad(2, 9, 2);     // fack: connectionless only
    expect_bad(4, 0x20, 4);  // integer representation 2
    expect_bad(4, 0x12, 4);  // character set 2
}

TEST_CASE("common header rejects frag_length 0 and 15 and accepts 16 and 65535")
{
    for (std::uint16_t len : {0, 15})
    {
        auto pdu = hex("05000b0310000000 0000 0000 01000000");
        pdu[8] = std::byte(len & 0xff);
        auto h = decode_common_header(pdu);
        REQUIRE_FALSE(h.has_value());
        CHECK(h.error().code == codec_errc::bad_header);
        CHECK(h.error().offset == 8);
    }
    auto min = hex("0500110310000000 1000 0000 01000000");
    CHECK(decode_common_header(min).value().frag_length == 16);
    auto max = hex("0500020310000000 ffff 0000 01000000");
    CHECK(decode_common_header(max).value().frag_length == 65535);
}

TEST_CASE("common header shorter than 16 bytes is truncated at its end")
{
    auto pdu = hex(vectors::samba_bind);
    for (std::size_t n = 0; n < common_header_size; ++n)
    {
        auto h = decode_common_header(std::span<const std::byte>(pdu).first(n));
        REQUIRE_FALSE(h.has_value());
        CHECK(h.error().code == codec_errc::truncated);
        CHECK(h.error().offset == n);
    }
}

TEST_CASE("transfer syntax constants match C706 App. I and MS-RPCE")
{
    CHECK(to_string(ndr20_syntax().id) == "8a885d04-1ceb-11c9-9fe8-08002b104860");
    CHECK(ndr20_syntax().major == 2);
    CHECK(ndr20_syntax().minor == 0);
    CHECK(to_string(ndr64_syntax().id) == "71710533-beba-4937-8319-b5dbef9ccc36");
    CHECK(ndr64_syntax().major == 1);
}

TEST_CASE("bind-time feature negotiation syntax carries the bitmask in its last eight octets")
{
    auto s = bind_time_feature_syntax(feature_security_context_multiplexing | feature_keep_connection_on_orphan);
    CHECK(to_string(s.id) == "6cb71c2c-9812-4540-0300-000000000000");
    CHECK(s.major == 1);
    CHECK(s.minor == 0);
    CHECK(bind_time_features(s) == std::optional<std::uint64_t>{3});
    CHECK(bind_time_features(bind_time_feature_syntax(0x0102030405060708ull)) ==
          std::optional<std::uint64_t>{0x0102030405060708ull});
    CHECK_FALSE(bind_time_features(ndr20_syntax()).has_value());
}
