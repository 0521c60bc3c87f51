// decode_reply: the one reading of what a server answered, on real PDUs from captures, and
// negotiate() as the one interpreter of a bind_ack against what we offered.
#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_nak.hpp>
#include <epmdump/dcerpc/negotiation.hpp>
#include <epmdump/dcerpc/reply.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

#include <variant>

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {

// One whole PDU as the assembler hands it on (bind_ack, fault, ... pass through whole).
message assembled(const std::vector<std::byte>& pdu)
{
    message_assembler a;
    auto m = a.add(decode_common_header(pdu).value(), pdu);
    REQUIRE(m.has_value());
    REQUIRE(m->has_value());
    return std::move(**m);
}

bind_params samba_offer()
{
    const auto bytes = hex(vectors::samba_bind);
    return decode_bind(decode_common_header(bytes).value(), bytes).value().params;
}

} // namespace

TEST_CASE("decode_reply reads the Samba bind_ack, a fault and a two-fragment response by their PTYPE")
{
    const auto ack = assembled(hex(vectors::samba_bind_ack));
    auto r = decode_reply(ack);
    REQUIRE_OK(r);
    REQUIRE(std::holds_alternative<bind_ack_pdu>(*r));
    CHECK(std::get<bind_ack_pdu>(*r).params.assoc_group_id == 0xa137);

    const auto fault = assembled(hex(vectors::suricata_fault));
    r = decode_reply(fault);
    REQUIRE_OK(r);
    REQUIRE(std::holds_alternative<fault_pdu>(*r));
    CHECK(std::get<fault_pdu>(*r).status == 0x1c010002u); // nca_s_op_rng_error

    message_assembler a;
    std::optional<message> response;
    for (auto v : {vectors::samba_response_first, vectors::samba_response_last})
    {
        const auto pdu = hex(v);
        auto m = a.add(decode_common_header(pdu).value(), pdu);
        REQUIRE(m.has_value());
        if (*m) response = std::move(**m);
    }
    REQUIRE(response.has_value());
    r = decode_reply(*response);
    REQUIRE_OK(r);
    REQUIRE(std::holds_alternative<response_reply>(*r));
    const auto& stub = std::get<response_reply>(*r).stub;
    CHECK(stub.data() == response->stub.data());
    CHECK(stub.size() == response->stub.size());
}

TEST_CASE("decode_reply reads a bind_nak with its reason")
{
    bind_nak_params p;
    p.provider_reject_reason = reject_protocol_version_not_supported;
    p.versions = {rt_version{5, 0}};
    const auto m = assembled(encode_bind_nak(7, p));
    auto r = decode_reply(m);
    REQUIRE_OK(r);
    REQUIRE(std::holds_alternative<bind_nak_pdu>(*r));
    CHECK(std::get<bind_nak_pdu>(*r).params == p);
}

TEST_CASE("decode_reply refuses what a server never answers with, and passes a bad body's error on")
{
    const auto request = hex(vectors::suricata_request_opnum42);
    message m = assembled(request);
    auto r = decode_reply(m);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::bad_value);
    CHECK(r.error().offset == 2); // PTYPE

    // The Samba bind_ack cut after its secondary address: the result list is missing.
    auto ack = hex(vectors::samba_bind_ack);
    m = assembled(ack);
    m.pdu.resize(30);
    r = decode_reply(m);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::truncated);
}

TEST_CASE("negotiate lists each accepted context with the transfer syntax the server chose")
{
    const auto ack_bytes = hex(vectors::samba_bind_ack);
    const auto ack = decode_bind_ack(decode_common_header(ack_bytes).value(), ack_bytes).value();
    auto n = negotiate(samba_offer(), ack.params);
    REQUIRE_OK(n);
    REQUIRE(n->contexts.size() == 1);
    CHECK(n->contexts[0].context_id == 0);
    CHECK(n->contexts[0].abstract_syntax == samba_offer().contexts[0].abstract_syntax);
    CHECK(n->contexts[0].transfer_syntax == ndr20_syntax());
    CHECK(n->accepts(0));
    CHECK_FALSE(n->accepts(1));
    CHECK(n->peer_max_xmit_frag == ack.params.max_xmit_frag);
}

TEST_CASE("a bind_ack accepting NDR64, or a syntax never offered, for a context offered NDR 2.0 only is refused")
{
    const auto ack_bytes = hex(vectors::samba_bind_ack);
    auto ack = decode_bind_ack(decode_common_header(ack_bytes).value(), ack_bytes).value().params;
    REQUIRE(samba_offer().contexts[0].transfer_syntaxes == std::vector<syntax_id>{ndr20_syntax()});
    for (const auto& accepted : {ndr64_syntax(), bind_time_feature_syntax(3), syntax_id{}})
    {
        ack.results.at(0).transfer_syntax = accepted;
        auto n = negotiate(samba_offer(), ack);
        REQUIRE_FALSE(n.has_value());
        CHECK(n.error().code == codec_errc::bad_value);
        CHECK(n.error().message().find("not offered") != std::string::npos);
    }
}

TEST_CASE("a result list shorter than the offer leaves the missing contexts unaccepted, without a reason")
{
    bind_params offered;
    offered.contexts = make_contexts(samba_offer().contexts[0].abstract_syntax, {true, 3});
    bind_ack_params ack; // no results at all
    auto n = negotiate(offered, ack);
    REQUIRE_OK(n);
    CHECK_FALSE(n->accepted());
    CHECK(n->contexts.empty());
    CHECK_FALSE(n->rejection.has_value());
    ack.results = {{result_acceptance, 0, ndr20_syntax()}};
    n = negotiate(offered, ack);
    REQUIRE_OK(n);
    CHECK(n->accepts(0));
    CHECK(n->ndr20_context == std::optional<std::uint16_t>{0});
}
