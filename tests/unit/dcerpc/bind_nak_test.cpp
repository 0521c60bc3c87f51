#include <epmdump/dcerpc/bind_nak.hpp>
#include <epmdump/dcerpc/names.hpp>

#include "dcerpc_test_util.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
result<bind_nak_pdu> decode(std::span<const std::byte> pdu)
{
    auto h = decode_common_header(pdu);
    if (!h) return h.error();
    return decode_bind_nak(*h, pdu);
}
} // namespace

TEST_CASE("bind_nak with versions and signature round-trips in both byte orders")
{
    bind_nak_params p;
    p.provider_reject_reason = reject_protocol_version_not_supported;
    p.versions = {{5, 0}, {5, 1}};
    p.signature = must_uuid("90740320-fad0-11d3-82d7-009027b130ab");
    for (auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii})
    {
        auto bytes = encode_bind_nak(6, p, rep);
        CHECK(bytes.size() == 16 + 2 + 1 + 4 + 1 + 16); // signature 4-aligned after the versions
        auto n = decode(bytes);
        REQUIRE_OK(n);
        CHECK(n->header.type == pdu_type::bind_nak);
        CHECK(n->header.call_id == 6);
        CHECK(n->params == p);
    }
}

TEST_CASE("bind_nak without signature decodes with no signature")
{
    bind_nak_params p;
    p.provider_reject_reason = reject_local_limit_exceeded;
    p.versions = {{5, 0}};
    auto n = decode(encode_bind_nak(1, p));
    REQUIRE_OK(n);
    CHECK(n->params == p);
    CHECK_FALSE(n->params.signature.has_value());
}

TEST_CASE("bind_nak of only the reject reason decodes with an empty versions list")
{
    auto pdu = hex("05000d0310000000 1200 0000 02000000 0400");
    auto n = decode(pdu);
    REQUIRE_OK(n);
    CHECK(n->params.provider_reject_reason == reject_protocol_version_not_supported);
    CHECK(n->params.versions.empty());
    CHECK_FALSE(n->params.signature.has_value());
}

TEST_CASE("bind_nak versions count larger than the PDU is truncated")
{
    auto pdu = hex("05000d0310000000 1500 0000 02000000 0000 05 0500");
    auto n = decode(pdu);
    REQUIRE_FALSE(n.has_value());
    CHECK(n.error().code == codec_errc::truncated);
}

TEST_CASE("bind_nak reason 2 is local_limit_exceeded, not the bind_ack provider reason 2")
{
    auto n = decode(encode_bind_nak(1, {reject_local_limit_exceeded, {{5, 0}}, std::nullopt}));
    REQUIRE_OK(n);
    CHECK(bind_nak_reason_name(n->params.provider_reject_reason) == "local_limit_exceeded");
    CHECK(provider_reason_name(n->params.provider_reject_reason) == "proposed_transfer_syntaxes_not_supported");
    CHECK(bind_nak_reason_name(reject_authentication_type_not_recognized) == "authentication_type_not_recognized");
    CHECK(bind_nak_reason_name(reject_invalid_checksum) == "invalid_checksum");
}
