#include "unit/dcerpc/test_syntaxes.hpp"
#include <epmdump/dcerpc/negotiation.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
using test::epm_v3;
}

TEST_CASE("negotiate over the Samba bind and bind_ack picks NDR 2.0 context 0 and 4280-byte fragments")
{
    auto bind_bytes = hex(vectors::samba_bind);
    auto ack_bytes = hex(vectors::samba_bind_ack);
    auto bind = decode_bind(decode_common_header(bind_bytes).value(), bind_bytes).value();
    auto ack = decode_bind_ack(decode_common_header(ack_bytes).value(), ack_bytes).value();
    auto n = negotiate(bind.params, ack.params);
    REQUIRE_OK(n);
    CHECK(n->accepted());
    CHECK(n->ndr20_context == std::optional<std::uint16_t>{0});
    CHECK_FALSE(n->ndr64_context.has_value());
    CHECK_FALSE(n->features.has_value());
    CHECK(n->max_xmit_frag == 4280);
    CHECK(n->max_recv_frag == 4280);
    CHECK(n->assoc_group_id == 0xa137);
}

TEST_CASE("negotiate reads NDR64 acceptance and negotiate_ack feature bits positionally")
{
    bind_params offered;
    offered.contexts = make_contexts(epm_v3, {true, 3});
    bind_ack_params ack;
    ack.max_recv_frag = 4096;
    ack.results = {{result_provider_rejection, proposed_transfer_syntaxes_not_supported, {}},
                   {result_acceptance, 0, ndr64_syntax()},
                   {result_negotiate_ack, 2, {}}};
    auto n = negotiate(offered, ack);
    REQUIRE_OK(n);
    CHECK_FALSE(n->ndr20_context.has_value());
    CHECK(n->ndr64_context == std::optional<std::uint16_t>{1});
    CHECK(n->features == std::optional<std::uint64_t>{2});
    CHECK(n->max_xmit_frag == 4096);
    CHECK(n->max_recv_frag == default_max_frag);
}

TEST_CASE("negotiate with every context rejected is not accepted and keeps the first rejection")
{
    bind_params offered;
    offered.contexts = make_contexts(epm_v3, {});
    bind_ack_params ack;
    ack.results = {{result_provider_rejection, abstract_syntax_not_supported, {}}};
    auto n = negotiate(offered, ack);
    REQUIRE_OK(n);
    CHECK_FALSE(n->accepted());
    REQUIRE(n->rejection.has_value());
    CHECK(n->rejection->reason == abstract_syntax_not_supported);
}

TEST_CASE("negotiate refuses a result list of the wrong size or an unoffered transfer syntax")
{
    bind_params offered;
    offered.contexts = make_contexts(epm_v3, {});
    bind_ack_params ack;
    ack.results = {{result_acceptance, 0, ndr20_syntax()}, {result_acceptance, 0, ndr20_syntax()}};
    CHECK(negotiate(offered, ack).error().code == codec_errc::bad_value);
    ack.results = {{result_acceptance, 0, ndr64_syntax()}};
    CHECK(negotiate(offered, ack).error().code == codec_errc::bad_value);
}
