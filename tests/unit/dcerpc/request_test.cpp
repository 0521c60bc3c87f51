#include <epmdump/dcerpc/request.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
request_pdu must_decode_request(std::span<const std::byte> pdu)
{
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    auto r = decode_request(*h, pdu);
    REQUIRE_OK(r);
    return *r;
}
} // namespace

TEST_CASE("Samba capture ept_lookup request decodes opnum 2 and its 40-byte stub")
{
    auto pdu = hex(vectors::samba_request);
    auto r = must_decode_request(pdu);
    CHECK(r.header.call_id == 1);
    CHECK(r.alloc_hint == 40);
    CHECK(r.context_id == 0);
    CHECK(r.opnum == 2);
    CHECK_FALSE(r.object.has_value());
    REQUIRE(r.stub.size() == 40);
    CHECK(r.stub.data() == pdu.data() + 24); // a view, not a copy
    CHECK(to_vector(r.stub.last(4)) == hex("f4010000")); // max_ents 500
}

TEST_CASE("encode_request reproduces the Samba capture request byte for byte")
{
    auto pdu = hex(vectors::samba_request);
    auto stub = std::span<const std::byte>(pdu).subspan(24);
    CHECK(encode_request(1, 0, 2, stub) == pdu);
}

TEST_CASE("suricata capture request for opnum 42 has an empty stub")
{
    auto r = must_decode_request(hex(vectors::suricata_request_opnum42));
    CHECK(r.opnum == 42);
    CHECK(r.alloc_hint == 8);
    CHECK(r.stub.size() == 8);
}

TEST_CASE("request with PFC_OBJECT_UUID carries the object and starts the stub at 40")
{
    const auto object = must_uuid("00112233-4455-6677-8899-aabbccddeeff");
    const auto stub = pattern(33);
    auto bytes = encode_request(4, 1, 3, stub, object);
    auto r = must_decode_request(bytes);
    CHECK((r.header.flags & pfc_object_uuid) != 0);
    REQUIRE(r.object.has_value());
    CHECK(*r.object == object);
    CHECK(r.context_id == 1);
    CHECK(r.opnum == 3);
    CHECK(r.stub.data() == bytes.data() + 40);
    CHECK(to_vector(r.stub) == stub);
}

TEST_CASE("encode_request splits a large stub into fragments no longer than max_xmit_frag")
{
    const auto stub = pattern(10000, 3);
    for (std::uint16_t max_xmit : {std::uint16_t{1432}, std::uint16_t{4280}, std::uint16_t{5840}})
    {
        for (bool with_object : {false, true})
        {
            std::optional<uuid> object;
            if (with_object) object = must_uuid("00112233-4455-6677-8899-aabbccddeeff");
            auto bytes = encode_request(9, 0, 2, stub, object, max_xmit);
            std::vector<std::byte> joined;
            std::size_t at = 0, fragments = 0;
            while (at < bytes.size())
            {
                auto r = must_decode_request(std::span<const std::byte>(bytes).subspan(at));
                CHECK(r.header.frag_length <= max_xmit);
                CHECK(r.header.first_frag() == (fragments == 0));
                CHECK(r.alloc_hint == stub.size() - joined.size());
                CHECK(r.object == object);
                joined.insert(joined.end(), r.stub.begin(), r.stub.end());
                at += r.header.frag_length;
                ++fragments;
                if (!r.header.last_frag()) CHECK(r.stub.size() % 8 == 0);
                else CHECK(at == bytes.size());
            }
            CHECK(fragments > 1);
            CHECK(joined == stub);
        }
    }
}

TEST_CASE("encode_request raises a max_xmit_frag below 1432 to the C706 minimum")
{
    auto bytes = encode_request(1, 0, 0, pattern(3000), std::nullopt, 100);
    auto first = must_decode_request(bytes);
    CHECK(first.header.frag_length <= must_recv_frag_size);
    CHECK(first.header.frag_length > 1400);
}

TEST_CASE("request with an empty stub is one FIRST|LAST fragment")
{
    auto bytes = encode_request(2, 0, 4, {});
    CHECK(bytes.size() == 24);
    auto r = must_decode_request(bytes);
    CHECK(r.header.flags == pfc_single_frag);
    CHECK(r.stub.empty());
}

TEST_CASE("big-endian request decodes to the same values as its little-endian twin")
{
    const auto object = must_uuid("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
    const auto stub = pattern(64);
    auto le = encode_request(0x01020304, 7, 0x0102, stub, object, 5840, ndr::little_endian_ascii);
    auto be = encode_request(0x01020304, 7, 0x0102, stub, object, 5840, ndr::big_endian_ascii);
    auto a = must_decode_request(le);
    auto b = must_decode_request(be);
    CHECK(b.header.drep == ndr::big_endian_ascii);
    CHECK(a.header.call_id == b.header.call_id);
    CHECK(a.alloc_hint == b.alloc_hint);
    CHECK(a.context_id == b.context_id);
    CHECK(a.opnum == b.opnum);
    CHECK(a.object == b.object);
    CHECK(to_vector(a.stub) == to_vector(b.stub));
}

TEST_CASE("zeek capture request with an NTLMSSP verifier excludes padding, trailer and verifier from the stub")
{
    auto pdu = hex(vectors::zeek_request_ntlm);
    auto r = must_decode_request(pdu);
    CHECK(r.header.auth_length == 16);
    CHECK(r.opnum == 2);
    CHECK(r.stub.size() == r.alloc_hint); // 68 = 128 - 24 - 12 pad - 8 trailer - 16 verifier
    CHECK(r.stub.size() == 68);
    REQUIRE(r.auth.has_value());
    CHECK(r.auth->trailer.auth_type == 10);
    CHECK(r.auth->trailer.auth_level == 2);
    CHECK(r.auth->trailer.auth_pad_length == 12);
    CHECK(r.auth->trailer.auth_context_id == 0x000ba450u);
    CHECK(r.auth->auth_value.size() == 16);
    CHECK(r.auth->auth_value.data() == pdu.data() + pdu.size() - 16);
}

TEST_CASE("request verifier built with padding is skipped and the stub comes back unchanged")
{
    const auto stub = pattern(13);
    for (std::size_t pad_to : {4u, 16u})
    {
        auto bytes = encode_request(1, 0, 2, stub);
        append_auth_verifier(bytes, sec_trailer{9, 6, 0, 0, 1}, pattern(28, 5), pad_to);
        auto r = must_decode_request(bytes);
        REQUIRE(r.auth.has_value());
        CHECK((24 + 13 + r.auth->trailer.auth_pad_length) % pad_to == 0);
        CHECK(r.auth->trailer.auth_pad_length > 0);
        CHECK(to_vector(r.stub) == stub);
        CHECK(to_vector(r.auth->auth_value) == pattern(28, 5));
    }
}

TEST_CASE("request whose auth_length or auth_pad_length overlaps the fixed fields is bad_value")
{
    auto bytes = encode_request(1, 0, 2, pattern(8));
    append_auth_verifier(bytes, sec_trailer{10, 2, 0, 0, 1}, pattern(16));
    SUBCASE("auth_length larger than the body")
    {
        auto bad = bytes;
        bad[10] = std::byte{0xF0};
        auto h = decode_common_header(bad).value();
        auto r = decode_request(h, bad);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == codec_errc::bad_value);
    }
    SUBCASE("auth_pad_length larger than the stub")
    {
        auto bad = bytes;
        bad[bad.size() - 16 - 8 + 2] = std::byte{9};
        auto h = decode_common_header(bad).value();
        auto r = decode_request(h, bad);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == codec_errc::bad_value);
    }
}
