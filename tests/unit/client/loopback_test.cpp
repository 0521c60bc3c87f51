// The client against the scripted endpoint mapper on loopback: paging, the three ways real
// servers end a list, byte order, fragments, rejections, faults, stalls, ncacn_http.
#include "client_test_util.hpp"

#include <epmdump/client/client.hpp>
#include <epmdump/dcerpc/bind_nak.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_status.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::client;
using epmdump::test::list_end;
using epmdump::test::scripted_server;
using epmdump::test::server_script;

TEST_CASE("a Samba AD DC-style server: all entries in one page, then an empty page with ept_s_not_registered")
{
    server_script s;
    s.entries = test::sample_entries(53);
    s.ending = list_end::samba_ad;
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.status == epm::enumeration_status::ok);
    CHECK(r.enumeration.entries == s.entries);
    CHECK(r.enumeration.address == "127.0.0.1");
    CHECK(r.enumeration.port == server.port());
    CHECK(r.pages == std::vector<lookup_page>{{53, 0, false}, {0, epm::ept_s_not_registered, true}});
    CHECK(server.log().max_ents == std::vector<std::uint32_t>{500, 500});
    CHECK(server.log().frees == 0);
}

TEST_CASE("paging with max_ents 1 calls once per entry and once more for the end")
{
    server_script s;
    s.entries = test::sample_entries(5);
    scripted_server server(s);
    auto o = fast_options();
    o.limits.max_ents = 1;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries == s.entries);
    CHECK(r.pages.size() == 6);
    CHECK(server.log().max_ents == std::vector<std::uint32_t>(6, 1));
}

TEST_CASE("paging with max_ents 3 over a samba-dcerpcd-style server keeps the entries of the last page")
{
    server_script s;
    s.entries = test::sample_entries(7);
    s.ending = list_end::samba_standalone;
    scripted_server server(s);
    auto o = fast_options();
    o.limits.max_ents = 3;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries == s.entries);
    CHECK(r.pages == std::vector<lookup_page>{{3, 0, false}, {3, 0, false}, {1, epm::ept_s_not_registered, true}});
}

TEST_CASE("an entry registered twice is kept twice, even paged one entry at a time")
{
    // KB 926210's sample dump lists some Exchange registrations twice; a page that repeats an
    // earlier one is not a loop when the list then moves on.
    server_script s;
    const auto a = test::make_entry("99e64010-b032-11d0-97a4-00c04fd6551d", 3, 0, "ncacn_ip_tcp", "0.0.0.0", "1025", "Exchange Server STORE ADMIN Interface");
    const auto b = test::make_entry("a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81, "ncacn_ip_tcp", "0.0.0.0", "1025", "Exchange Server STORE EMSMDB Interface");
    s.entries = {a, b, a, test::sample_entries(1).front()};
    s.ending = list_end::windows;
    scripted_server server(s);
    auto o = fast_options();
    o.limits.max_ents = 1;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries == s.entries);
}

TEST_CASE("a Windows-style end: the last page has status 0 and a null handle")
{
    server_script s;
    s.entries = test::sample_entries(8);
    s.ending = list_end::windows;
    scripted_server server(s);
    auto o = fast_options();
    o.limits.max_ents = 4;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries == s.entries);
    CHECK(r.pages == std::vector<lookup_page>{{4, 0, false}, {4, 0, true}});
}

TEST_CASE("a page with zero entries ends the list even with a handle, and that handle is freed")
{
    server_script s;
    s.entries = test::sample_entries(4);
    s.ending = list_end::empty_page;
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.status == epm::enumeration_status::ok);
    CHECK(r.enumeration.entries == s.entries);
    CHECK(r.pages == std::vector<lookup_page>{{4, 0, false}, {0, 0, false}});
    CHECK(server.log().frees == 1);
}

TEST_CASE("an empty endpoint map is a successful enumeration with no entries")
{
    server_script s;
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.status == epm::enumeration_status::ok);
    CHECK(r.enumeration.entries.empty());
}

TEST_CASE("a big-endian server's PDUs and stubs give the same entries")
{
    server_script s;
    s.entries = test::sample_entries(12);
    s.rep = ndr::big_endian_ascii;
    scripted_server server(s);
    auto o = fast_options();
    o.limits.max_ents = 5;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.stats.big_endian_server);
    CHECK(r.enumeration.entries == s.entries);
}

TEST_CASE("multi-fragment responses are reassembled")
{
    server_script s;
    s.entries = test::sample_entries(53);
    s.max_xmit_frag = dcerpc::must_recv_frag_size;
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.stats.response_fragments > 3);
    CHECK(r.enumeration.entries == s.entries);
}

TEST_CASE("fragment sizes are negotiated: we send at most the server's max_recv_frag")
{
    server_script s;
    s.entries = test::sample_entries(3);
    s.max_recv_frag = 2048;
    s.max_xmit_frag = 3000;
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.stats.max_xmit_frag == 2048);
    CHECK(r.stats.max_recv_frag == 3000);
    CHECK(server.log().client_max_recv_frag == 5840);
    CHECK(server.log().largest_fragment_received <= 2048);
}

TEST_CASE("the bind offers NDR 2.0 and the bind-time feature negotiation context, and accepts negotiate_ack")
{
    server_script s;
    s.entries = test::sample_entries(2);
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    CHECK_MESSAGE(!r.error, describe(r));
    const auto log = server.log();
    REQUIRE(log.offered.size() == 2);
    CHECK(log.offered[0] == epm::ept_interface());
    CHECK(log.offered[1] == epm::ept_interface());
    CHECK(log.offered_transfer[0] == dcerpc::ndr20_syntax());
    CHECK(dcerpc::bind_time_features(log.offered_transfer[1]).has_value());
    CHECK(r.stats.feature_negotiation_acked);
    CHECK(r.stats.features == dcerpc::feature_keep_connection_on_orphan);
}

TEST_CASE("feature negotiation can be turned off: one context only")
{
    server_script s;
    s.entries = test::sample_entries(2);
    scripted_server server(s);
    auto o = fast_options();
    o.feature_negotiation = false;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(server.log().offered.size() == 1);
    CHECK_FALSE(r.stats.feature_negotiation_acked);
}

TEST_CASE("bind_nak is bind_rejected with the p_reject_reason_t, not the provider reason")
{
    server_script s;
    s.bind_nak = dcerpc::reject_local_limit_exceeded;
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::bind_rejected);
    CHECK(r.error->phase == phase::bind);
    CHECK(r.error->status == dcerpc::reject_local_limit_exceeded);
    CHECK(r.error->detail.find("local_limit_exceeded") != std::string::npos);
    CHECK(r.enumeration.status == epm::enumeration_status::error);
    CHECK(r.enumeration.error->kind == epmdump::epm::failure_kind::bind_rejected);
}

TEST_CASE("a fault on ept_lookup is a fault failure carrying the status and its name")
{
    server_script s;
    s.entries = test::sample_entries(2);
    s.lookup_fault = 0x1c000012; // nca_s_fault_unspec (access denied is access_denied: auth_loopback_test)
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::fault);
    CHECK(r.error->phase == phase::lookup);
    CHECK(r.error->status == 0x1c000012u);
    CHECK(r.error->detail.find("nca_s_fault_unspec (0x1c000012)") != std::string::npos);
    CHECK(r.enumeration.error->kind == epmdump::epm::failure_kind::fault);
}

TEST_CASE("an ept_lookup error status other than the end marker is lookup_failed, entries kept")
{
    server_script s;
    s.entries = test::sample_entries(4);
    s.lookup_status = epm::ept_s_cant_perform_op;
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::lookup_failed);
    CHECK(r.error->status == epm::ept_s_cant_perform_op);
    CHECK(r.error->detail.find("ept_s_cant_perform_op") != std::string::npos);
    CHECK(r.enumeration.status == epm::enumeration_status::incomplete);
    CHECK(r.enumeration.entries == s.entries);
}

TEST_CASE("a server that stops answering: the call timeout fires and earlier pages are kept")
{
    server_script s;
    s.entries = test::sample_entries(10);
    s.stall_after = 2;
    scripted_server server(s);
    auto o = fast_options();
    o.limits.max_ents = 3;
    o.timeouts.call = std::chrono::milliseconds(300);
    const auto started = std::chrono::steady_clock::now();
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::timeout);
    CHECK(r.error->phase == phase::lookup);
    CHECK(r.enumeration.status == epm::enumeration_status::incomplete);
    CHECK(r.enumeration.entries.size() == 6);
    CHECK(r.enumeration.error->kind == epmdump::epm::failure_kind::timeout);
    CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("a silent server times out in the bind phase")
{
    server_script s;
    s.silent = true;
    scripted_server server(s);
    auto o = fast_options();
    o.timeouts.bind = std::chrono::milliseconds(200);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::timeout);
    CHECK(r.error->phase == phase::bind);
    CHECK(r.error->message().find("bind") != std::string::npos);
}

TEST_CASE("the host deadline bounds the whole conversation, whatever the phase timeouts")
{
    server_script s;
    s.silent = true;
    scripted_server server(s);
    auto o = fast_options();
    o.timeouts.bind = std::chrono::seconds(20);
    o.timeouts.host = std::chrono::milliseconds(250);
    const auto started = std::chrono::steady_clock::now();
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::timeout);
    CHECK(r.error->detail.find("host deadline") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

TEST_CASE("a server that never ends is cut off after repeated pages and its handle is freed")
{
    server_script s;
    s.entries = test::sample_entries(6);
    s.never_ends = true;
    scripted_server server(s);
    auto o = fast_options();
    o.limits.max_ents = 2;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::incomplete);
    CHECK(r.enumeration.status == epm::enumeration_status::incomplete);
    CHECK(r.enumeration.entries == std::vector<epm::endpoint_entry>(s.entries.begin(), s.entries.begin() + 2));
    CHECK(server.log().frees == 1);
}

TEST_CASE("the entry cap stops a long list, keeps what fits and frees the handle")
{
    server_script s;
    s.entries = test::sample_entries(50);
    scripted_server server(s);
    auto o = fast_options();
    o.limits.max_ents = 10;
    o.limits.max_entries = 25;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::incomplete);
    CHECK(r.enumeration.entries.size() == 25);
    CHECK(server.log().frees == 1);
}

TEST_CASE("the page cap stops a list that keeps going and frees the handle")
{
    server_script s;
    s.entries = test::sample_entries(50);
    scripted_server server(s);
    auto o = fast_options();
    o.limits.max_ents = 5;
    o.limits.max_pages = 3;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::incomplete);
    CHECK(r.enumeration.entries.size() == 15);
    CHECK(server.log().frees == 1);
    CHECK(server.log().lookups == 3);
}

TEST_CASE("ncacn_http: the banner is read, then DCE/RPC flows as on ncacn_ip_tcp")
{
    server_script s;
    s.entries = test::sample_entries(9);
    s.http_banner = true;
    scripted_server server(s);
    auto o = fast_options();
    o.transport = transport::ncacn_http;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries == s.entries);
}

TEST_CASE("ncacn_http: an HTTP server instead of the banner is not_dcerpc in the banner phase")
{
    server_script s;
    s.greeting = test::to_bytes("HTTP/1.1 400 Bad Request\r\n\r\n");
    scripted_server server(s);
    auto o = fast_options();
    o.transport = transport::ncacn_http;
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::not_dcerpc);
    CHECK(r.error->phase == phase::banner);
    CHECK(r.error->detail.find("HTTP/") == std::string::npos); // stopped at the first wrong byte
}

TEST_CASE("ncacn_http: a server that never sends the banner times out in the banner phase")
{
    server_script s;
    s.silent = true;
    scripted_server server(s);
    auto o = fast_options();
    o.transport = transport::ncacn_http;
    o.timeouts.banner = std::chrono::milliseconds(200);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, o);
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::timeout);
    CHECK(r.error->phase == phase::banner);
}

TEST_CASE("a literal address that refused the connection is named in the result's address")
{
    auto r = enumerate(target{"127.0.0.1", test::closed_port(), {}}, fast_options());
    REQUIRE(r.error.has_value());
    CHECK(r.error->code == client_errc::refused);
    CHECK(r.enumeration.address == "127.0.0.1");
    auto m = map(target{"127.0.0.1", test::closed_port(), {}}, epm::ept_interface(), "ncacn_ip_tcp", fast_options());
    CHECK(m.address == "127.0.0.1");
}

TEST_CASE("a closed port is refused in the connect phase")
{
    auto r = enumerate(target{"127.0.0.1", test::closed_port(), {}}, fast_options());
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::refused);
    CHECK(r.error->phase == phase::connect);
    CHECK(r.enumeration.error->kind == epmdump::epm::failure_kind::refused);
    CHECK(r.enumeration.status == epm::enumeration_status::error);
}

TEST_CASE("another protocol answering (an SSH banner) is not_dcerpc")
{
    server_script s;
    s.greeting = test::to_bytes("SSH-2.0-OpenSSH_9.2\r\n");
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::not_dcerpc);
    CHECK(r.enumeration.error->kind == epmdump::epm::failure_kind::not_dcerpc);
}

TEST_CASE("a service that accepts and closes at once is not_dcerpc")
{
    server_script s;
    s.close_on_accept = true;
    scripted_server server(s);
    auto r = enumerate(target{"127.0.0.1", server.port(), {}}, fast_options());
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::not_dcerpc);
}

TEST_CASE("a DNS name is resolved and every address is tried in turn")
{
    // localhost comes from the hosts file; it may list ::1 first, where nothing listens.
    server_script s;
    s.entries = test::sample_entries(3);
    scripted_server server(s);
    auto r = enumerate(target{"localhost", server.port(), {}}, fast_options());
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.target == "localhost");
    CHECK(r.enumeration.address == "127.0.0.1");
    CHECK(r.enumeration.entries == s.entries);
}

TEST_CASE("an IPv6 literal target")
{
    server_script s;
    s.entries = test::sample_entries(3);
    std::unique_ptr<scripted_server> server;
    try
    {
        server = std::make_unique<scripted_server>(s, std::vector<std::string>{"::1"});
    }
    catch (const std::exception& e)
    {
        EPMDUMP_SKIP(std::string("no IPv6 loopback here: ") + e.what());
    }
    auto r = enumerate(target{"::1", server->port(), {}}, fast_options());
    CHECK_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.address == "::1");
    CHECK(r.enumeration.entries == s.entries);
}
