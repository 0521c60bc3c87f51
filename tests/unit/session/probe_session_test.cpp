// The sans-I/O probe session with no socket, fed the Samba AD DC's own bytes: mgmt answered,
// whole or one byte at a time, behind an ncacn_http banner or not; a non-RPC answer; the
// fallback's first alter_context after a Windows-style refusal.
#include "support/test_files.hpp"
#include "unit/mgmt/mgmt_answers.hpp"

#include <epmdump/session/probe_session.hpp>
#include <epmdump/dcerpc/any_pdu.hpp>
#include <epmdump/dcerpc/fault.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/mgmt/mgmt.hpp>

#include <doctest/doctest.h>

#include <string_view>
#include <variant>

using namespace epmdump;
using namespace epmdump::client;
using test::from_hex;

namespace {

// The Samba AD DC's port 135 conversation (tests/unit/mgmt/mgmt_answers.hpp says how it was captured).
const auto samba_bind_ack = from_hex(mgmt_answers::samba_135_bind_ack);
const auto samba_if_ids = from_hex(mgmt_answers::samba_135_if_ids_pdu);
const auto samba_princ_fault = from_hex(mgmt_answers::samba_135_princ_fault_pdu);

std::vector<std::byte> join(std::initializer_list<std::span<const std::byte>> parts)
{
    std::vector<std::byte> out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// Plays the server: each write is answered by the next reply, in chunks of `chunk` bytes
// (0: whole). Returns the PDUs the session wrote.
std::vector<std::vector<std::byte>> converse(probe_session& s, const std::vector<std::vector<std::byte>>& replies,
                                             std::size_t chunk = 0)
{
    std::vector<std::vector<std::byte>> written;
    std::size_t next = 0;
    auto act = s.start();
    while (act.type != next_action::kind::done)
    {
        if (act.type == next_action::kind::write)
        {
            written.emplace_back(act.data.begin(), act.data.end());
            act = s.on_written();
            continue;
        }
        if (next >= replies.size())
        {
            act = s.on_io_failure(failure{client_errc::timeout, phase::ping, {}, {}, "the test has no more replies"});
            continue;
        }
        std::span<const std::byte> reply = replies[next++];
        while (!reply.empty() && act.type == next_action::kind::read)
        {
            const auto n = chunk == 0 ? reply.size() : std::min(chunk, reply.size());
            act = s.on_read(reply.first(n));
            reply = reply.subspan(n);
        }
    }
    return written;
}

client_options samba_like_options()
{
    client_options o;
    o.max_recv_frag = 4280; // what the capture's bind offered
    o.max_xmit_frag = 4280;
    return o;
}

} // namespace

TEST_CASE("Samba's port 135 answers: mgmt and the endpoint mapper, no principal, three round trips, whole or dripped")
{
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{7}})
    {
        CAPTURE(chunk);
        probe_session s(samba_like_options(), false, {});
        const auto written = converse(s, {samba_bind_ack, samba_if_ids, samba_princ_fault}, chunk);
        CHECK(s.done());
        CHECK_FALSE(s.error());
        CHECK(s.bound());
        CHECK(s.mgmt_answered());
        CHECK(s.mgmt_refusal().empty());
        CHECK_FALSE(s.principal());
        CHECK(s.round_trips() == 3);
        REQUIRE(s.interfaces().size() == 2);
        CHECK(s.interfaces()[0] == epm::served_interface{epm::ept_interface(), epm::found_by::inq_if_ids});
        CHECK(s.interfaces()[1] == epm::served_interface{mgmt::mgmt_interface(), epm::found_by::inq_if_ids});
        // bind (mgmt first), inq_if_ids with an empty stub, inq_princ_name(NTLM, 256); nothing more
        // after nca_s_op_rng_error, and never opnum 3.
        REQUIRE(written.size() == 3);
        auto bind = dcerpc::decode_pdu(written[0]);
        REQUIRE(bind.has_value());
        REQUIRE(std::holds_alternative<dcerpc::bind_pdu>(*bind));
        CHECK(std::get<dcerpc::bind_pdu>(*bind).params.contexts.front().abstract_syntax == mgmt::mgmt_interface());
        auto if_ids = dcerpc::decode_pdu(written[1]);
        REQUIRE(if_ids.has_value());
        const auto& r1 = std::get<dcerpc::request_pdu>(*if_ids);
        CHECK(r1.opnum == mgmt::opnum_inq_if_ids);
        CHECK(r1.stub.empty());
        auto princ = dcerpc::decode_pdu(written[2]);
        REQUIRE(princ.has_value());
        const auto& r2 = std::get<dcerpc::request_pdu>(*princ);
        CHECK(r2.opnum == mgmt::opnum_inq_princ_name);
        CHECK(std::vector<std::byte>(r2.stub.begin(), r2.stub.end()) == from_hex("0a00000000010000"));
    }
}

TEST_CASE("in optional-banner mode an ncacn_http/1.0 greeting before the bind_ack is read past and remembered")
{
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{5}})
    {
        CAPTURE(chunk);
        probe_settings settings;
        settings.optional_banner = true;
        probe_session s(samba_like_options(), false, settings);
        converse(s, {join({test::to_bytes("ncacn_http/1.0"), samba_bind_ack}), samba_if_ids, samba_princ_fault}, chunk);
        CHECK_FALSE(s.error());
        CHECK(s.saw_banner());
        CHECK(s.mgmt_answered());
        CHECK(s.interfaces().size() == 2);
    }
    // Without a banner the same mode changes nothing.
    probe_settings settings;
    settings.optional_banner = true;
    probe_session plain(samba_like_options(), false, settings);
    converse(plain, {samba_bind_ack, samba_if_ids, samba_princ_fault}, 1);
    CHECK_FALSE(plain.error());
    CHECK_FALSE(plain.saw_banner());
    CHECK(plain.interfaces().size() == 2);
}

TEST_CASE("an HTTP answer to the bind is not DCE/RPC, and its first bytes are kept for naming it")
{
    const auto http = test::to_bytes("HTTP/1.1 400 Bad Request\r\nServer: Microsoft-HTTPAPI/2.0\r\nContent-Length: 0\r\n"
                               "Connection: close\r\n\r\n");
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{3}})
    {
        CAPTURE(chunk);
        probe_settings settings;
        settings.optional_banner = true;
        probe_session s(samba_like_options(), false, settings);
        converse(s, {http}, chunk);
        REQUIRE(s.error());
        CHECK(s.error()->code == client_errc::not_dcerpc);
        CHECK_FALSE(s.bound());
        // What had arrived when the session gave up, at most max_first_bytes (the driver reads on).
        REQUIRE(s.first_bytes().size() == (chunk == 0 ? epm::max_first_bytes : chunk));
        CHECK(std::equal(s.first_bytes().begin(), s.first_bytes().end(), http.begin()));
    }
}

TEST_CASE("a Windows-style nca_s_unk_if on inq_if_ids starts the fallback with the unserved interface first")
{
    probe_settings settings;
    settings.candidates = {epm::ept_interface()};
    probe_session s(samba_like_options(), false, settings);
    const auto unk_if = dcerpc::encode_fault(2, dcerpc::fault_params{0x1c010003, 0, 0, dcerpc::pfc_single_frag, 0});
    const auto written = converse(s, {samba_bind_ack, unk_if});
    CHECK(s.mgmt_refusal() == "fault nca_unk_if (0x1c010003)");
    REQUIRE(written.size() == 3);
    auto alter = dcerpc::decode_pdu(written[2]);
    REQUIRE(alter.has_value());
    const auto& b = std::get<dcerpc::bind_pdu>(*alter);
    CHECK(b.header.type == dcerpc::pdu_type::alter_context);
    REQUIRE(b.params.contexts.size() == 2);
    CHECK(b.params.contexts[0].abstract_syntax == unserved_interface());
    CHECK(b.params.contexts[1].abstract_syntax == epm::ept_interface());
    // Fresh context ids: 0 and 1 belong to the bind's mgmt and feature negotiation contexts.
    CHECK(b.params.contexts[0].context_id == 2);
    CHECK(b.params.contexts[1].context_id == 3);
}
