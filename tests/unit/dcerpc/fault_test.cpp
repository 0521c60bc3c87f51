#include <epmdump/dcerpc/control_pdu.hpp>
#include <epmdump/dcerpc/fault.hpp>
#include <epmdump/dcerpc/names.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
fault_pdu must_decode_fault(std::span<const std::byte> pdu)
{
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    auto f = decode_fault(*h, pdu);
    REQUIRE_OK(f);
    return *f;
}
} // namespace

TEST_CASE("suricata capture fault decodes nca_op_rng_error with PFC_DID_NOT_EXECUTE")
{
    auto f = must_decode_fault(hex(vectors::suricata_fault));
    CHECK(f.status == 0x1c010002u);
    CHECK(status_name(f.status) == "nca_op_rng_error");
    CHECK((f.header.flags & pfc_did_not_execute) != 0);
    CHECK(f.header.call_id == 1);
    CHECK(f.alloc_hint == 32);
    CHECK(f.context_id == 0);
    CHECK(f.cancel_count == 0);
    CHECK(f.fault_flags == 0);
    CHECK(f.stub.empty());
}

TEST_CASE("encode_fault reproduces the suricata capture fault byte for byte")
{
    fault_params p;
    p.status = 0x1c010002u;
    p.flags = pfc_single_frag | pfc_did_not_execute;
    p.alloc_hint = 32;
    CHECK(encode_fault(1, p) == hex(vectors::suricata_fault));
}

TEST_CASE("big-endian fault decodes to the same values as its little-endian twin")
{
    fault_params p;
    p.status = 0x000006d9u;
    p.context_id = 2;
    p.cancel_count = 1;
    const auto le = encode_fault(77, p, ndr::little_endian_ascii);
    const auto be = encode_fault(77, p, ndr::big_endian_ascii);
    auto a = must_decode_fault(le);
    auto b = must_decode_fault(be);
    CHECK(b.header.drep == ndr::big_endian_ascii);
    CHECK(a.status == b.status);
    CHECK(b.status == 0x6d9u);
    CHECK(a.context_id == b.context_id);
    CHECK(a.cancel_count == b.cancel_count);
    CHECK(a.header.call_id == b.header.call_id);
}

TEST_CASE("fault cut before its status field is truncated")
{
    auto pdu = hex("05000323100000001800000001000000 18000000 0000 0000");
    auto h = decode_common_header(pdu).value();
    auto f = decode_fault(h, pdu);
    REQUIRE_FALSE(f.has_value());
    CHECK(f.error().code == codec_errc::truncated);
}

TEST_CASE("shutdown, co_cancel, orphaned and auth3 encode and decode as header-only PDUs")
{
    for (auto type : {pdu_type::shutdown, pdu_type::co_cancel, pdu_type::orphaned, pdu_type::auth3})
    {
        for (auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii})
        {
            auto bytes = encode_control(type, 12, pfc_single_frag, rep);
            CHECK(bytes.size() == (type == pdu_type::auth3 ? 20u : 16u));
            auto h = decode_common_header(bytes);
            REQUIRE_OK(h);
            CHECK(h->type == type);
            CHECK(h->call_id == 12);
            auto c = decode_control(*h, bytes);
            REQUIRE_OK(c);
            CHECK_FALSE(c->auth.has_value());
        }
    }
}

TEST_CASE("auth3 exposes its verifier after the four pad octets")
{
    auto bytes = encode_control(pdu_type::auth3, 2);
    append_auth_verifier(bytes, sec_trailer{10, 6, 0, 0, 0}, pattern(50));
    auto h = decode_common_header(bytes).value();
    auto c = decode_auth3(h, bytes);
    REQUIRE_OK(c);
    REQUIRE(c->auth.has_value());
    CHECK(to_vector(c->auth->auth_value) == pattern(50));
    CHECK(c->auth->trailer.auth_level == 6);
}
