#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/names.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
bind_ack_pdu must_decode_bind_ack(std::span<const std::byte> pdu)
{
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    auto b = decode_bind_ack(*h, pdu);
    REQUIRE_OK(b);
    return *b;
}
} // namespace

TEST_CASE("Samba capture bind_ack decodes secondary address 135 and an accepted NDR 2.0 context")
{
    auto b = must_decode_bind_ack(hex(vectors::samba_bind_ack));
    CHECK(b.params.max_xmit_frag == 4280);
    CHECK(b.params.max_recv_frag == 4280);
    CHECK(b.params.assoc_group_id == 0xa137);
    CHECK(b.params.secondary_address == "135");
    REQUIRE(b.params.results.size() == 1);
    CHECK(b.params.results[0].accepted());
    CHECK(b.params.results[0].reason == 0);
    CHECK(b.params.results[0].transfer_syntax == ndr20_syntax());
}

TEST_CASE("encode_bind_ack reproduces Samba's bind_ack byte for byte")
{
    bind_ack_params p;
    p.max_xmit_frag = 4280;
    p.max_recv_frag = 4280;
    p.assoc_group_id = 0xa137;
    p.secondary_address = "135";
    p.results = {{result_acceptance, 0, ndr20_syntax()}};
    CHECK(encode_bind_ack(1, p) == hex(vectors::samba_bind_ack));
}

TEST_CASE("bind_ack with provider rejection, acceptance and negotiate_ack keeps each result in order")
{
    bind_ack_params p;
    p.assoc_group_id = 0x6b05;
    p.secondary_address = "135";
    p.results = {{result_provider_rejection, proposed_transfer_syntaxes_not_supported, {}},
                 {result_acceptance, 0, ndr64_syntax()},
                 {result_negotiate_ack, static_cast<std::uint16_t>(feature_security_context_multiplexing |
                                                                   feature_keep_connection_on_orphan), {}}};
    auto bytes = encode_bind_ack(2, p);
    auto b = must_decode_bind_ack(bytes);
    CHECK(b.params == p);
    CHECK_FALSE(b.params.results[0].accepted());
    CHECK(provider_reason_name(b.params.results[0].reason) == "proposed_transfer_syntaxes_not_supported");
    CHECK(b.params.results[1].accepted());
    CHECK(b.params.results[2].result == result_negotiate_ack);
    CHECK(context_result_name(b.params.results[2].result) == "negotiate_ack");
    CHECK(b.params.results[2].reason == 3);
}

TEST_CASE("bind_ack with an empty secondary address (length 0) round-trips")
{
    bind_ack_params p;
    p.results = {{result_acceptance, 0, ndr20_syntax()}};
    auto bytes = encode_bind_ack(5, p);
    CHECK(bytes.size() == 16 + 8 + 2 + 2 + 4 + 24);
    auto b = must_decode_bind_ack(bytes);
    CHECK(b.params.secondary_address.empty());
    CHECK(b.params == p);
}

TEST_CASE("alter_context_resp round-trips and keeps its PTYPE")
{
    bind_ack_params p;
    p.secondary_address = "";
    p.results = {{result_acceptance, 0, ndr20_syntax()}};
    auto bytes = encode_alter_context_resp(4, p);
    auto b = must_decode_bind_ack(bytes);
    CHECK(b.header.type == pdu_type::alter_context_resp);
    CHECK(b.params == p);
}

TEST_CASE("big-endian bind_ack decodes to the same values as its little-endian twin")
{
    bind_ack_params p;
    p.max_xmit_frag = 5840;
    p.max_recv_frag = 1432;
    p.assoc_group_id = 0x00abcdef;
    p.secondary_address = "49667";
    p.results = {{result_acceptance, 0, ndr20_syntax()}, {result_negotiate_ack, 2, {}}};
    const auto le = encode_bind_ack(3, p, ndr::little_endian_ascii);
    const auto be = encode_bind_ack(3, p, ndr::big_endian_ascii);
    auto a = must_decode_bind_ack(le);
    auto b = must_decode_bind_ack(be);
    CHECK(b.header.drep == ndr::big_endian_ascii);
    CHECK(a.params == b.params);
    CHECK(b.params == p);
}

TEST_CASE("bind_ack from an EBCDIC peer yields an ASCII secondary address")
{
    bind_ack_params p;
    p.secondary_address = "135";
    p.results = {{result_acceptance, 0, ndr20_syntax()}};
    const ndr::drep ebcdic{ndr::byte_order::big, ndr::char_set::ebcdic, 0};
    auto bytes = encode_bind_ack(1, p, ebcdic);
    CHECK(bytes[26] == std::byte{0xF1}); // '1' in EBCDIC
    auto b = must_decode_bind_ack(bytes);
    CHECK(b.params.secondary_address == "135");
}

TEST_CASE("bind_ack secondary address longer than the cap is limit_exceeded")
{
    bind_ack_params p;
    p.secondary_address = std::string(max_secondary_address, 'x'); // + NUL = cap + 1
    p.results = {{result_acceptance, 0, ndr20_syntax()}};
    auto bytes = encode_bind_ack(1, p);
    auto h = decode_common_header(bytes).value();
    auto b = decode_bind_ack(h, bytes);
    REQUIRE_FALSE(b.has_value());
    CHECK(b.error().code == codec_errc::limit_exceeded);
    CHECK(b.error().offset == 24);
}

TEST_CASE("bind_ack result count larger than the body is truncated")
{
    auto pdu = hex(vectors::samba_bind_ack);
    pdu[32] = std::byte{3};
    auto h = decode_common_header(pdu).value();
    auto b = decode_bind_ack(h, pdu);
    REQUIRE_FALSE(b.has_value());
    CHECK(b.error().code == codec_errc::truncated);
}
