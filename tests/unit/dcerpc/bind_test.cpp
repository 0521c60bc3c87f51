#include "unit/dcerpc/test_syntaxes.hpp"
#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
using test::epm_v3;

bind_pdu must_decode_bind(std::span<const std::byte> pdu)
{
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    auto b = decode_bind(*h, pdu);
    REQUIRE_OK(b);
    return *b;
}
} // namespace

TEST_CASE("Samba capture bind decodes to EPM v3.0 offered over NDR 2.0")
{
    auto pdu = hex(vectors::samba_bind);
    auto b = must_decode_bind(pdu);
    CHECK(b.params.max_xmit_frag == 4280);
    CHECK(b.params.max_recv_frag == 4280);
    CHECK(b.params.assoc_group_id == 0);
    REQUIRE(b.params.contexts.size() == 1);
    CHECK(b.params.contexts[0].context_id == 0);
    CHECK(b.params.contexts[0].abstract_syntax == epm_v3);
    REQUIRE(b.params.contexts[0].transfer_syntaxes.size() == 1);
    CHECK(b.params.contexts[0].transfer_syntaxes[0] == ndr20_syntax());
    CHECK_FALSE(b.auth.has_value());
}

TEST_CASE("encode_bind reproduces impacket's bind from the Samba capture byte for byte")
{
    bind_params p;
    p.max_xmit_frag = 4280;
    p.max_recv_frag = 4280;
    p.contexts = make_contexts(epm_v3, {});
    CHECK(encode_bind(1, p) == hex(vectors::samba_bind));
}

TEST_CASE("bind with pfc_flags 0 from the suricata capture still decodes")
{
    auto b = must_decode_bind(hex(vectors::suricata_bind_no_flags));
    CHECK(b.header.flags == 0);
    CHECK(b.params.flags == 0);
    REQUIRE(b.params.contexts.size() == 1);
    CHECK(b.params.contexts[0].abstract_syntax == epm_v3);
}

TEST_CASE("bind offering NDR64 and bind-time feature negotiation round-trips with three contexts")
{
    bind_params p;
    p.assoc_group_id = 0x1234;
    p.flags = pfc_single_frag | pfc_support_header_sign;
    p.contexts = make_contexts(epm_v3, {true, feature_security_context_multiplexing | feature_keep_connection_on_orphan});
    REQUIRE(p.contexts.size() == 3);
    CHECK(p.contexts[1].transfer_syntaxes[0] == ndr64_syntax());
    CHECK(to_string(p.contexts[2].transfer_syntaxes[0].id) == "6cb71c2c-9812-4540-0300-000000000000");
    auto bytes = encode_bind(7, p);
    CHECK(bytes.size() == 16 + 8 + 4 + 3 * 44);
    auto b = must_decode_bind(bytes);
    CHECK(b.header.call_id == 7);
    CHECK(b.header.frag_length == bytes.size());
    CHECK(b.params == p);
}

TEST_CASE("alter_context round-trips and keeps its PTYPE")
{
    bind_params p;
    p.contexts = make_contexts(epm_v3, {true, std::nullopt}, 4);
    auto bytes = encode_alter_context(3, p);
    auto b = must_decode_bind(bytes);
    CHECK(b.header.type == pdu_type::alter_context);
    CHECK(b.params == p);
    CHECK(b.params.contexts[0].context_id == 4);
    CHECK(b.params.contexts[1].context_id == 5);
}

TEST_CASE("big-endian bind decodes to the same values as its little-endian twin")
{
    bind_params p;
    p.assoc_group_id = 0x01020304;
    p.max_xmit_frag = 1432;
    p.contexts = make_contexts(epm_v3, {true, 1});
    auto le = encode_bind(9, p, ndr::little_endian_ascii);
    auto be = encode_bind(9, p, ndr::big_endian_ascii);
    CHECK(le != be);
    auto a = must_decode_bind(le);
    auto b = must_decode_bind(be);
    CHECK(b.header.drep == ndr::big_endian_ascii);
    CHECK(a.params == b.params);
    CHECK(a.header.frag_length == b.header.frag_length);
}

TEST_CASE("bind context list longer than the body is truncated, not over-read")
{
    auto pdu = hex(vectors::samba_bind);
    pdu[24] = std::byte{2}; // n_context_elem 2, only one present
    auto h = decode_common_header(pdu).value();
    auto b = decode_bind(h, pdu);
    REQUIRE_FALSE(b.has_value());
    CHECK(b.error().code == codec_errc::truncated);
}

TEST_CASE("bind with an auth verifier keeps its contexts and exposes the verifier")
{
    bind_params p;
    p.contexts = make_contexts(epm_v3, {});
    auto bytes = encode_bind(1, p);
    const auto token = pattern(40);
    append_auth_verifier(bytes, sec_trailer{10, 2, 0, 0, 77}, token);
    auto b = must_decode_bind(bytes);
    CHECK(b.params == p);
    REQUIRE(b.auth.has_value());
    CHECK(b.auth->trailer.auth_type == 10);
    CHECK(b.auth->trailer.auth_context_id == 77);
    CHECK(to_vector(b.auth->auth_value) == token);
}

TEST_CASE("decode_bind refuses a PDU of another PTYPE")
{
    auto pdu = hex(vectors::samba_bind_ack);
    auto h = decode_common_header(pdu).value();
    auto b = decode_bind(h, pdu);
    REQUIRE_FALSE(b.has_value());
    CHECK(b.error().code == codec_errc::bad_value);
}
