// The sans-I/O lookup session with no socket: server bytes in any split, what it writes back,
// and how it reacts to broken conversations.
#include "support/sample_entries.hpp"
#include "support/test_files.hpp"

#include <epmdump/session/lookup_session.hpp>
#include <epmdump/session/ping_session.hpp>
#include <epmdump/dcerpc/any_pdu.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/fault.hpp>
#include <epmdump/dcerpc/response.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_status.hpp>

#include <doctest/doctest.h>

#include <functional>

using namespace epmdump;
using namespace epmdump::client;

namespace {

constexpr std::uint16_t small_frag = 1432;

std::vector<std::byte> bind_ack_bytes(std::uint32_t call_id = 1)
{
    dcerpc::bind_ack_params ack;
    ack.max_xmit_frag = small_frag;
    ack.max_recv_frag = small_frag;
    ack.secondary_address = "135";
    ack.results.push_back(dcerpc::context_result{dcerpc::result_acceptance, 0, dcerpc::ndr20_syntax()});
    ack.results.push_back(dcerpc::context_result{dcerpc::result_negotiate_ack, 2, {}});
    return dcerpc::encode_bind_ack(call_id, ack);
}

epm::context_handle some_handle()
{
    epm::context_handle h;
    h.id.data[3] = 0x42;
    return h;
}

std::vector<std::byte> lookup_response_bytes(std::uint32_t call_id, const std::vector<epm::endpoint_entry>& entries,
                                             epm::context_handle handle, std::uint32_t status)
{
    epm::ept_lookup_response r;
    r.entry_handle = handle;
    r.entries = entries;
    r.num_ents = static_cast<std::uint32_t>(entries.size());
    r.status = status;
    ndr::writer stub;
    epm::encode_ept_lookup_response(r, stub, 500);
    return dcerpc::encode_response(call_id, dcerpc::response_params{0, 0, small_frag}, stub.buffer());
}

using splitter = std::function<std::vector<std::span<const std::byte>>(std::span<const std::byte>)>;

// Plays the server: answers each write with the next canned reply, cut by `split`.
// Returns the PDUs the session wrote.
std::vector<std::vector<std::byte>> converse(lookup_session& s, const std::vector<std::vector<std::byte>>& replies,
                                             const splitter& split)
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
        REQUIRE(next < replies.size());
        const auto& reply = replies[next++];
        for (auto chunk : split(reply))
        {
            REQUIRE(act.type == next_action::kind::read);
            act = s.on_read(chunk);
        }
    }
    return written;
}

std::vector<std::span<const std::byte>> whole(std::span<const std::byte> b) { return {b}; }

std::vector<std::span<const std::byte>> drip(std::span<const std::byte> b)
{
    std::vector<std::span<const std::byte>> out;
    for (std::size_t i = 0; i < b.size(); ++i) out.push_back(b.subspan(i, 1));
    return out;
}

client_options options()
{
    client_options o;
    o.max_recv_frag = small_frag;
    o.max_xmit_frag = small_frag;
    return o;
}

} // namespace

TEST_CASE("the lookup session gives the same entries whether the server's bytes come whole or one at a time")
{
    const auto entries = test::sample_entries(30); // a 3-fragment response at 1432 bytes
    const std::vector<std::vector<std::byte>> replies = {
        bind_ack_bytes(), lookup_response_bytes(2, entries, some_handle(), 0),
        lookup_response_bytes(3, {}, {}, epm::ept_s_not_registered)};
    lookup_session one_shot(options(), false);
    converse(one_shot, replies, whole);
    lookup_session dripped(options(), false);
    converse(dripped, replies, drip);
    CHECK_FALSE(one_shot.error());
    CHECK_FALSE(dripped.error());
    CHECK(one_shot.complete());
    CHECK(one_shot.entries() == entries);
    CHECK(dripped.entries() == entries);
    CHECK(dripped.stats().response_fragments == one_shot.stats().response_fragments);
    CHECK(one_shot.stats().response_fragments >= 4);
}

TEST_CASE("every two-way split of a multi-fragment response gives the same entries")
{
    const auto entries = test::sample_entries(20);
    const auto response = lookup_response_bytes(2, entries, {}, epm::ept_s_not_registered);
    for (std::size_t cut = 1; cut < response.size(); ++cut)
    {
        lookup_session s(options(), false);
        converse(s, {bind_ack_bytes(), response}, [cut](std::span<const std::byte> b) {
            if (b.size() <= cut) return std::vector<std::span<const std::byte>>{b};
            return std::vector<std::span<const std::byte>>{b.first(cut), b.subspan(cut)};
        });
        REQUIRE_MESSAGE(!s.error(), "cut at " << cut);
        REQUIRE(s.entries() == entries);
    }
}

TEST_CASE("the second ept_lookup carries the handle the first response returned, with the same max_ents")
{
    const auto entries = test::sample_entries(4);
    auto o = options();
    o.limits.max_ents = 4;
    lookup_session s(o, false);
    auto written = converse(s, {bind_ack_bytes(), lookup_response_bytes(2, entries, some_handle(), 0),
                                lookup_response_bytes(3, {}, {}, epm::ept_s_not_registered)},
                            whole);
    REQUIRE(written.size() == 3); // bind, lookup, lookup
    std::vector<epm::ept_lookup_request> requests;
    for (std::size_t i = 1; i < written.size(); ++i)
    {
        auto pdu = dcerpc::decode_pdu(written[i]);
        REQUIRE(pdu.has_value());
        auto* request = std::get_if<dcerpc::request_pdu>(&*pdu);
        REQUIRE(request);
        CHECK(request->opnum == 2);
        CHECK(request->header.call_id == i + 1);
        auto decoded = epm::decode_ept_lookup_request(request->stub, request->header.drep);
        REQUIRE(decoded.has_value());
        requests.push_back(*decoded);
    }
    CHECK(requests[0].entry_handle.is_null());
    CHECK(requests[1].entry_handle == some_handle());
    CHECK(requests[0].max_ents == 4);
    CHECK(requests[1].max_ents == 4);
    CHECK(requests[0].inquiry_type == epm::rpc_c_ep_all_elts);
    CHECK(s.entries() == entries);
}

TEST_CASE("a response for another call_id is a protocol violation")
{
    lookup_session s(options(), false);
    converse(s, {bind_ack_bytes(), lookup_response_bytes(7, test::sample_entries(2), {}, 0)}, whole);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::protocol_violation);
    CHECK(s.error()->detail.find("call_id") != std::string::npos);
}

TEST_CASE("a bind_ack for another call_id is a protocol violation")
{
    lookup_session s(options(), false);
    converse(s, {bind_ack_bytes(9)}, whole);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::protocol_violation);
    CHECK(s.error()->phase == phase::bind);
}

TEST_CASE("a bind_ack accepting a transfer syntax we did not offer for the endpoint mapper is a protocol violation")
{
    // We offer context 0 with NDR 2.0 only: NDR64 there (or a syntax nobody named) would have
    // the stubs read in a representation the server never agreed to.
    for (const auto& accepted : {dcerpc::ndr64_syntax(), dcerpc::bind_time_feature_syntax(2)})
    {
        dcerpc::bind_ack_params ack;
        ack.results.push_back(dcerpc::context_result{dcerpc::result_acceptance, 0, accepted});
        ack.results.push_back(dcerpc::context_result{dcerpc::result_negotiate_ack, 2, {}});
        lookup_session s(options(), false);
        const auto written = converse(s, {dcerpc::encode_bind_ack(1, ack)}, whole);
        CHECK(written.size() == 1); // the bind, and no call after it
        REQUIRE(s.error());
        CHECK(s.error()->code == client_errc::protocol_violation);
        CHECK(s.error()->phase == phase::bind);
        REQUIRE(s.error()->codec.has_value());
        CHECK(s.error()->codec->code == codec_errc::bad_value);
        CHECK(s.error()->detail.find("bind_ack: ") == 0);
        CHECK(s.error()->detail.find("not offered") != std::string::npos);
        CHECK(s.entries().empty());
    }
}

TEST_CASE("a ping answered with NDR64 for an interface offered NDR 2.0 only is a protocol violation, not a confirmation")
{
    const std::vector<dcerpc::syntax_id> interfaces = {epm::ept_interface()};
    dcerpc::bind_ack_params ack;
    ack.results.push_back(dcerpc::context_result{dcerpc::result_acceptance, 0, dcerpc::ndr64_syntax()});
    ping_session s(options(), false, interfaces);
    auto act = s.start();
    REQUIRE(act.type == next_action::kind::write);
    act = s.on_written();
    const auto reply = dcerpc::encode_bind_ack(1, ack);
    act = s.on_read(reply);
    CHECK(act.type == next_action::kind::done);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::protocol_violation);
    REQUIRE(s.accepted().size() == 1);
    CHECK_FALSE(s.accepted()[0]);
}

TEST_CASE("a bind_ack that rejects the endpoint mapper context is bind_rejected with the provider reason")
{
    dcerpc::bind_ack_params ack;
    ack.results.push_back(dcerpc::context_result{dcerpc::result_provider_rejection, dcerpc::abstract_syntax_not_supported, {}});
    ack.results.push_back(dcerpc::context_result{dcerpc::result_provider_rejection, dcerpc::abstract_syntax_not_supported, {}});
    lookup_session s(options(), false);
    converse(s, {dcerpc::encode_bind_ack(1, ack)}, whole);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::bind_rejected);
    CHECK(s.error()->status == dcerpc::abstract_syntax_not_supported);
    CHECK(s.error()->detail.find("abstract_syntax_not_supported") != std::string::npos);
}

TEST_CASE("a response stub that lies about its count is a protocol violation carrying the codec error")
{
    auto stub_bytes = [] {
        epm::ept_lookup_response r;
        r.entries = test::sample_entries(2);
        r.num_ents = 2;
        ndr::writer w;
        epm::encode_ept_lookup_response(r, w, 500);
        auto b = w.take();
        // handle(20) num_ents(4) max_count(4) offset(4) actual_count: claim 400 entries.
        b[32] = std::byte{0x90};
        b[33] = std::byte{0x01};
        return b;
    }();
    lookup_session s(options(), false);
    converse(s, {bind_ack_bytes(), dcerpc::encode_response(2, dcerpc::response_params{0, 0, small_frag}, stub_bytes)}, whole);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::protocol_violation);
    CHECK(s.error()->codec.has_value());
    CHECK(s.entries().empty());
}

TEST_CASE("an I/O failure after the first page keeps its entries and the failure")
{
    const auto entries = test::sample_entries(3);
    lookup_session s(options(), false);
    auto act = s.start();
    act = s.on_written();
    const auto ack = bind_ack_bytes();
    act = s.on_read(ack);
    REQUIRE(act.type == next_action::kind::write);
    act = s.on_written();
    const auto page = lookup_response_bytes(2, entries, some_handle(), 0);
    act = s.on_read(page);
    REQUIRE(act.type == next_action::kind::write);
    act = s.on_io_failure(failure{client_errc::reset, phase::lookup, {}, {}, {}});
    CHECK(act.type == next_action::kind::done);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::reset);
    CHECK(s.entries() == entries);
    CHECK_FALSE(s.complete());
}

TEST_CASE("a fault answering the bind is a fault failure in the bind phase")
{
    lookup_session s(options(), false);
    converse(s, {dcerpc::encode_fault(1, dcerpc::fault_params{0x1c010003, 0, 0, dcerpc::pfc_single_frag, 0})}, whole);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::fault);
    CHECK(s.error()->status == 0x1c010003u);
    CHECK(s.error()->detail.find("unk_if") != std::string::npos);
}

TEST_CASE("the first bytes not being a DCE/RPC header is not_dcerpc, not a protocol violation")
{
    lookup_session s(options(), false);
    converse(s, {test::to_bytes("220 mail.example ESMTP ready\r\n")}, whole);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::not_dcerpc);
}
