#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/names.hpp>

#include "dcerpc_test_util.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;

TEST_CASE("every PTYPE from request 0 to rts 20 has its C706 name")
{
    CHECK(pdu_type_name(pdu_type::request) == "request");
    CHECK(pdu_type_name(pdu_type::bind_ack) == "bind_ack");
    CHECK(pdu_type_name(pdu_type::bind_nak) == "bind_nak");
    CHECK(pdu_type_name(pdu_type::alter_context_resp) == "alter_context_resp");
    CHECK(pdu_type_name(pdu_type::orphaned) == "orphaned");
    for (int t = 0; t <= 20; ++t) CHECK_FALSE(pdu_type_name(static_cast<pdu_type>(t)).empty());
    CHECK(pdu_type_name(static_cast<pdu_type>(21)).empty());
}

TEST_CASE("status_name knows nca, ept, rpc and Win32 codes and nothing else")
{
    CHECK(status_name(0x1c010002u) == "nca_op_rng_error");
    CHECK(status_name(0x1c010003u) == "nca_unk_if");
    CHECK(status_name(0x1c00000du) == "nca_s_fault_cancel");
    CHECK(status_name(0x1c000009u) == "nca_unspec_reject");
    CHECK(status_name(0x16c9a0d6u) == "ept_s_not_registered");
    CHECK(status_name(0x16c9a0cdu) == "ept_s_cant_perform_op");
    CHECK(status_name(0x000006d9u) == "EPT_S_NOT_REGISTERED");
    CHECK(status_name(0x000006f7u) == "RPC_X_BAD_STUB_DATA");
    CHECK(status_name(5) == "rpc_s_access_denied");
    CHECK(status_name(0).empty());
    CHECK(status_name(0x12345678u).empty());
}

TEST_CASE("bind_nak and bind_ack reason tables stay separate")
{
    CHECK(bind_nak_reason_name(0) == "reason_not_specified");
    CHECK(bind_nak_reason_name(1) == "temporary_congestion");
    CHECK(bind_nak_reason_name(4) == "protocol_version_not_supported");
    CHECK(bind_nak_reason_name(10).empty());
    CHECK(provider_reason_name(abstract_syntax_not_supported) == "abstract_syntax_not_supported");
    CHECK(provider_reason_name(local_limit_exceeded) == "local_limit_exceeded");
    CHECK(provider_reason_name(4).empty());
}

TEST_CASE("context_result_name covers acceptance to negotiate_ack")
{
    CHECK(context_result_name(result_acceptance) == "acceptance");
    CHECK(context_result_name(result_user_rejection) == "user_rejection");
    CHECK(context_result_name(result_provider_rejection) == "provider_rejection");
    CHECK(context_result_name(result_negotiate_ack) == "negotiate_ack");
    CHECK(context_result_name(4).empty());
}
