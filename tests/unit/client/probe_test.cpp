// async_probe_port / probe_port against the scripted server on loopback: mgmt answered, the three
// ways real servers refuse it (each then probed on the same connection), the liar, bind_nak,
// --brute-versions, ncacn_http, closed, silent and non-RPC ports.
#include "client_test_util.hpp"

#include <epmdump/client/probe.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/mgmt/mgmt.hpp>
#include <epmdump/session/probe_session.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace epmdump;
using namespace epmdump::client;
using epmdump::test::mgmt_style;
using epmdump::test::scripted_server;
using epmdump::test::server_script;

namespace {

const epm::syntax_id svcctl{*parse_uuid("367abb81-9844-35f1-ad32-98f038001003"), 2, 0};
const epm::syntax_id samr{*parse_uuid("12345778-1234-abcd-ef00-0123456789ac"), 1, 0};
const epm::syntax_id emsmdb{*parse_uuid("a4f1db00-ca47-1067-b31f-00dd010662da"), 0, 81};
// In no name table: only inq_if_ids can reveal it.
const epm::syntax_id private_if{*parse_uuid("0b0a0908-0706-0504-0302-010000000001"), 3, 1};

probe_options fast_probe()
{
    probe_options o;
    o.base = fast_options();
    o.identify = false;
    return o;
}

epm::port_probe probe(const scripted_server& server, const probe_options& o = fast_probe())
{
    return probe_port("localhost", "127.0.0.1", server.port(), o);
}

std::vector<epm::syntax_id> found(const epm::port_probe& p, epm::found_by how)
{
    std::vector<epm::syntax_id> out;
    for (const auto& i : p.interfaces)
        if (i.how == how) out.push_back(i.interface);
    return out;
}

std::string text(const std::vector<epm::syntax_id>& list)
{
    std::string out;
    for (const auto& s : list) out += to_string(s.id) + " v" + std::to_string(s.major) + "." + std::to_string(s.minor) + "; ";
    return out;
}

bool never_stop_listening(const test::server_log& log)
{
    return std::find(log.opnums.begin(), log.opnums.end(), std::uint16_t{3}) == log.opnums.end();
}

} // namespace

TEST_CASE("a port whose mgmt answers lists its interfaces, principal included, on one connection in three round trips")
{
    server_script s;
    s.mgmt = mgmt_style::answers;
    s.mgmt_if_ids = {svcctl, private_if, mgmt::mgmt_interface()};
    s.accepted = {svcctl, private_if};
    s.principal = "host/dc1.example.test";
    scripted_server server(s);
    const auto p = probe(server);
    REQUIRE(p.state == epm::port_state::rpc);
    CHECK(p.target == "localhost");
    CHECK(p.port == server.port());
    CHECK(p.mgmt_answered);
    CHECK(p.mgmt_refusal.empty());
    CHECK(found(p, epm::found_by::inq_if_ids) == s.mgmt_if_ids);
    CHECK(p.interfaces.size() == 3);
    CHECK(p.principal == std::optional<std::string>("host/dc1.example.test"));
    CHECK_FALSE(p.accepts_any_interface);
    CHECK_FALSE(p.error);
    CHECK(p.connections == 1);
    CHECK(p.round_trips == 3);
    CHECK(p.elapsed_ms > 0);
    const auto log = server.log();
    CHECK(log.connections == 1);
    CHECK(log.opnums == std::vector<std::uint16_t>{0, 4});
    CHECK(log.alters == 0);
}

TEST_CASE("a principal the server will not give (Samba faults opnum 4) leaves it empty and costs one call")
{
    server_script s;
    s.mgmt = mgmt_style::answers;
    s.mgmt_if_ids = {svcctl, mgmt::mgmt_interface()};
    scripted_server server(s);
    const auto p = probe(server);
    REQUIRE(p.state == epm::port_state::rpc);
    CHECK(p.mgmt_answered);
    CHECK_FALSE(p.principal);
    CHECK_FALSE(p.error);
    CHECK(server.log().opnums == std::vector<std::uint16_t>{0, 4});
}

TEST_CASE("each way real servers refuse mgmt sends the fallback over the same connection, finding what is served")
{
    struct style
    {
        mgmt_style mgmt;
        bool one_per_pdu;
        const char* refusal;
    };
    for (const auto& st : {style{mgmt_style::unk_if, false, "fault nca_unk_if (0x1c010003)"},
                           style{mgmt_style::absent, true, "context rejected: abstract_syntax_not_supported (1)"},
                           style{mgmt_style::not_specified, true, "context rejected: reason_not_specified (0)"},
                           style{mgmt_style::absent, false, "context rejected: abstract_syntax_not_supported (1)"}})
    {
        CAPTURE(st.refusal);
        CAPTURE(st.one_per_pdu);
        server_script s;
        s.mgmt = st.mgmt;
        s.one_context_per_pdu = st.one_per_pdu;
        s.accepted = {svcctl, samr, emsmdb, private_if};
        scripted_server server(s);
        const auto p = probe(server);
        REQUIRE(p.state == epm::port_state::rpc);
        CHECK_FALSE(p.mgmt_answered);
        CHECK(p.mgmt_refusal == st.refusal);
        CHECK_FALSE(p.accepts_any_interface);
        CHECK_FALSE(p.error);
        auto probed = found(p, epm::found_by::probed);
        std::sort(probed.begin(), probed.end());
        // Offered with minor 0: a server accepts a minor up to its own, so emsmdb v0.81 answers as v0.0.
        // The scripted server is an endpoint mapper too.
        std::vector<epm::syntax_id> expected{svcctl, samr, {emsmdb.id, 0, 0}, epm::ept_interface()};
        std::sort(expected.begin(), expected.end());
        CHECK_MESSAGE(probed == expected, text(probed));
        CHECK(p.connections == 1);
        const auto log = server.log();
        CHECK(log.connections == 1);
        CHECK(log.binds == 1);
        CHECK(log.alters >= 1);
        CHECK(log.most_contexts > 30);  // many contexts per PDU ...
        CHECK(log.most_contexts <= 255); // ... as many as n_context_elem allows and max_xmit_frag holds
        CHECK(log.largest_fragment_received <= 5840);
        CHECK(never_stop_listening(log));
        // Windows-style: the one inq_if_ids call faulted. Samba-style: no call at all.
        CHECK(log.mgmt_calls == (st.mgmt == mgmt_style::unk_if ? 1 : 0));
        // The interface nobody serves went out first, before any candidate.
        REQUIRE_FALSE(log.alter_offered.empty());
        CHECK(log.alter_offered.front() == unserved_interface());
        CHECK(p.round_trips == static_cast<std::uint32_t>(1 + log.alters + log.mgmt_calls));
    }
}

TEST_CASE("a server that accepts every interface is reported as such, not as serving the whole name table")
{
    server_script s;
    s.accept_any_interface = true; // mgmt too, but its calls fault nca_s_unk_if
    scripted_server server(s);
    const auto p = probe(server);
    REQUIRE(p.state == epm::port_state::rpc);
    CHECK(p.accepts_any_interface);
    CHECK(p.interfaces.empty());
    CHECK(p.connections == 1);
    CHECK(server.log().alters == 1); // the first batch gave it away
}

TEST_CASE("a liar whose mgmt answers keeps the listed interfaces and brute versions stop at the liar check")
{
    server_script s;
    s.accept_any_interface = true;
    s.mgmt = mgmt_style::answers;
    s.mgmt_if_ids = {samr, mgmt::mgmt_interface()};
    scripted_server server(s);
    auto o = fast_probe();
    o.brute_versions = true;
    const auto p = probe(server, o);
    REQUIRE(p.state == epm::port_state::rpc);
    CHECK(p.accepts_any_interface);
    CHECK(found(p, epm::found_by::inq_if_ids) == s.mgmt_if_ids);
    CHECK(found(p, epm::found_by::brute_version).empty());
}

TEST_CASE("--brute-versions finds another major version of an interface the fallback found")
{
    server_script s;
    s.mgmt = mgmt_style::absent;
    s.accepted = {svcctl, {svcctl.id, 7, 0}};
    scripted_server server(s);
    auto o = fast_probe();
    o.brute_versions = true;
    const auto p = probe(server, o);
    REQUIRE(p.state == epm::port_state::rpc);
    const std::vector<epm::syntax_id> expected{epm::ept_interface(), svcctl};
    CHECK_MESSAGE(found(p, epm::found_by::probed) == expected, text(found(p, epm::found_by::probed)));
    CHECK(found(p, epm::found_by::brute_version) == std::vector<epm::syntax_id>{{svcctl.id, 7, 0}});
    CHECK_FALSE(p.accepts_any_interface);
    CHECK(p.connections == 1);
}

TEST_CASE("without the fallback a refused mgmt says why and lists nothing")
{
    server_script s;
    s.mgmt = mgmt_style::not_specified;
    s.accepted = {svcctl};
    scripted_server server(s);
    auto o = fast_probe();
    o.fallback = false;
    const auto p = probe(server, o);
    REQUIRE(p.state == epm::port_state::rpc);
    CHECK(p.mgmt_refusal == "context rejected: reason_not_specified (0)");
    CHECK(p.interfaces.empty());
    CHECK(server.log().alters == 0);
}

TEST_CASE("a bind_nak ends that association: the candidates go out in a bind on a second connection")
{
    server_script s;
    s.bind_nak = 0; // reason_not_specified, every bind
    scripted_server server(s);
    const auto p = probe(server);
    REQUIRE(p.state == epm::port_state::rpc);
    CHECK(p.mgmt_refusal.rfind("bind_nak: ", 0) == 0);
    CHECK(p.interfaces.empty());
    CHECK(p.connections == 2);
    CHECK(server.log().connections == 2);
    CHECK(server.log().binds == 2);
}

TEST_CASE("a server that resets the connection after faulting inq_if_ids gets the fallback on a second connection")
{
    server_script s;
    s.mgmt = mgmt_style::unk_if;
    s.accepted = {svcctl};
    s.tamper = [](const dcerpc::message& m, std::vector<std::byte> answer, int) {
        test::wire_plan plan{test::wire_step::write(std::move(answer))};
        if (m.type == dcerpc::pdu_type::request) plan.push_back(test::wire_step::reset()); // after the fault
        return plan;
    };
    scripted_server server(s);
    const auto p = probe(server);
    REQUIRE(p.state == epm::port_state::rpc);
    // The fault, or the reset when it overtakes the fault (RST may discard unread data).
    CHECK_FALSE(p.mgmt_refusal.empty());
    CHECK_FALSE(p.error);
    CHECK(p.connections == 2);
    const std::vector<epm::syntax_id> expected{epm::ept_interface(), svcctl};
    CHECK_MESSAGE(found(p, epm::found_by::probed) == expected, text(found(p, epm::found_by::probed)));
}

TEST_CASE("an interface served but not registered, and one registered but not served, are told apart")
{
    server_script s;
    s.mgmt = mgmt_style::answers;
    s.mgmt_if_ids = {private_if, mgmt::mgmt_interface()};
    scripted_server server(s);
    const auto p = probe(server);
    REQUIRE(p.state == epm::port_state::rpc);
    auto registered = test::sample_entries(1, server.port()); // ncacn_ip_tcp on the probed port
    REQUIRE(registered[0].where.protseq == "ncacn_ip_tcp");
    registered[0].interface = svcctl;
    const auto gap = epm::compare_with_registered(p, registered);
    CHECK(gap.registered_not_served == std::vector<epm::syntax_id>{svcctl});
    CHECK(gap.served_not_registered == std::vector<epm::syntax_id>{private_if, mgmt::mgmt_interface()});
}

TEST_CASE("a port that greets with ncacn_http/1.0 is probed all the same and marked ncacn_http")
{
    server_script s;
    s.http_banner = true;
    s.mgmt = mgmt_style::answers;
    s.mgmt_if_ids = {svcctl, mgmt::mgmt_interface()};
    scripted_server server(s);
    const auto p = probe(server);
    REQUIRE(p.state == epm::port_state::rpc);
    CHECK(p.ncacn_http);
    CHECK(p.mgmt_answered);
    CHECK(found(p, epm::found_by::inq_if_ids) == s.mgmt_if_ids);
}

TEST_CASE("a refused connection is closed")
{
    const auto p = probe_port("127.0.0.1", "127.0.0.1", test::closed_port(), fast_probe());
    CHECK(p.state == epm::port_state::closed);
    REQUIRE(p.error);
    CHECK(p.error->kind == epm::failure_kind::refused);
    CHECK(p.connections == 1);
    CHECK(p.round_trips == 0);
}

TEST_CASE("an HTTP server answering the bind is not_rpc, with its first bytes kept")
{
    server_script s;
    const std::string reply = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    for (char c : reply) s.answer_to_anything.push_back(static_cast<std::byte>(c));
    scripted_server server(s);
    const auto p = probe(server);
    CHECK(p.state == epm::port_state::not_rpc);
    REQUIRE(p.first_bytes.size() == reply.size());
    CHECK(std::equal(p.first_bytes.begin(), p.first_bytes.end(), s.answer_to_anything.begin()));
    CHECK(p.service == epm::service_kind::http);
    CHECK(p.looks_like.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(p.interfaces.empty());
}

TEST_CASE("a port that stays silent after the bind is not_rpc at the bind timeout, and one that closes is too")
{
    auto o = fast_probe();
    o.base.timeouts.bind = std::chrono::milliseconds(300);
    {
        server_script s;
        s.silent = true;
        scripted_server server(s);
        const auto p = probe(server, o);
        CHECK(p.state == epm::port_state::not_rpc);
        CHECK(p.first_bytes.empty());
        CHECK(p.looks_like == "no answer to a DCE/RPC bind");
    }
    {
        server_script s;
        s.close_on_accept = true;
        scripted_server server(s);
        const auto p = probe(server, o);
        CHECK(p.state == epm::port_state::not_rpc);
        CHECK(p.first_bytes.empty());
        CHECK(p.connections == 1);
    }
}

TEST_CASE("a probe whose group is aborted stops with cancelled")
{
    server_script s;
    s.silent = true;
    scripted_server server(s);
    boost::asio::io_context io;
    auto group = std::make_shared<abort_group>();
    std::optional<epm::port_probe> out;
    auto o = fast_probe();
    boost::asio::co_spawn(io,
                          async_probe_port("127.0.0.1", "127.0.0.1", server.port(), o,
                                           std::chrono::steady_clock::now() + std::chrono::seconds(10), group),
                          [&](std::exception_ptr, epm::port_probe p) { out = std::move(p); });
    boost::asio::steady_timer stop(io, std::chrono::milliseconds(200));
    stop.async_wait([&](auto) { group->abort_all(); });
    io.run();
    REQUIRE(out);
    CHECK(out->state == epm::port_state::error);
    REQUIRE(out->error);
    CHECK(out->error->kind == epm::failure_kind::cancelled);
}
