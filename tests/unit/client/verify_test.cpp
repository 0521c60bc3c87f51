// Endpoint verification: listening ports that accept their interface, closed ports, ports
// that answer but do not know the interface; one connection per port.
#include "client_test_util.hpp"

#include <epmdump/client/client.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::client;
using epmdump::test::scripted_server;
using epmdump::test::server_script;

namespace {

constexpr const char* lsarpc_uuid = "12345778-1234-abcd-ef00-0123456789ab";
constexpr const char* samr_uuid = "12345778-1234-abcd-ef00-0123456789ac";
constexpr const char* netlogon_uuid = "12345678-1234-abcd-ef00-01234567cffb";

// The mapper's entries, enumerated on loopback with verification.
std::vector<epm::endpoint_entry> verified_entries(const server_script& mapper)
{
    scripted_server mapper_server(mapper);
    auto o = fast_options();
    o.verify = true;
    auto r = enumerate(target{"127.0.0.1", mapper_server.port(), {}}, o);
    REQUIRE_MESSAGE(!r.error, describe(r));
    return r.enumeration.entries;
}

} // namespace

TEST_CASE("verification marks answering endpoints pinged, a refused interface wrong_interface, a closed port not listening")
{
    // The service port knows lsarpc and samr but not netlogon.
    server_script service;
    service.accepted = {epm::syntax_id{*parse_uuid(lsarpc_uuid), 0, 0}, epm::syntax_id{*parse_uuid(samr_uuid), 1, 0}};
    scripted_server service_server(service);
    const auto p = std::to_string(service_server.port());
    const auto closed = std::to_string(test::closed_port());

    server_script mapper;
    mapper.entries = {
        test::make_entry(lsarpc_uuid, 0, 0, "ncacn_ip_tcp", "0.0.0.0", p, "lsarpc"),
        test::make_entry(samr_uuid, 1, 0, "ncacn_ip_tcp", "0.0.0.0", p, "samr"),
        test::make_entry(netlogon_uuid, 1, 0, "ncacn_ip_tcp", "0.0.0.0", p, "netlogon"),
        test::make_entry(netlogon_uuid, 1, 0, "ncacn_ip_tcp", "0.0.0.0", closed, "netlogon"),
        test::make_entry(lsarpc_uuid, 0, 0, "ncacn_np", "", "\\pipe\\lsass", "lsarpc"),
        test::make_entry(lsarpc_uuid, 0, 0, "ncacn_http", "0.0.0.0", closed, "lsarpc"),
    };
    const auto e = verified_entries(mapper);
    REQUIRE(e.size() == 6);
    CHECK(e[0].ping == epm::ping_status::pinged);
    CHECK(e[1].ping == epm::ping_status::pinged);
    CHECK(e[2].ping == epm::ping_status::wrong_interface); // the port answered, the interface was refused
    CHECK(e[3].ping == epm::ping_status::not_listening); // nothing there
    CHECK(e[4].ping == epm::ping_status::not_pinged);    // not TCP: not tried
    CHECK(e[5].ping == epm::ping_status::not_pinged);    // ncacn_http is not probed
    // One connection and one bind for the three interfaces sharing the port.
    CHECK(service_server.log().connections == 1);
    CHECK(service_server.log().binds == 1);
    CHECK(service_server.log().offered.size() == 3);
    CHECK(service_server.log().alters == 1); // netlogon, offered alone once more
}

TEST_CASE("a server that accepts one context per bind (Samba) gets the others one by one with alter_context")
{
    server_script service;
    service.first_context_only = true;
    service.accepted = {epm::syntax_id{*parse_uuid(lsarpc_uuid), 0, 0}, epm::syntax_id{*parse_uuid(samr_uuid), 1, 0}};
    scripted_server service_server(service);
    const auto p = std::to_string(service_server.port());
    server_script mapper;
    mapper.entries = {
        test::make_entry(lsarpc_uuid, 0, 0, "ncacn_ip_tcp", "0.0.0.0", p, "lsarpc"),
        test::make_entry(netlogon_uuid, 1, 0, "ncacn_ip_tcp", "0.0.0.0", p, "netlogon"),
        test::make_entry(samr_uuid, 1, 0, "ncacn_ip_tcp", "0.0.0.0", p, "samr"),
    };
    const auto e = verified_entries(mapper);
    CHECK(e.at(0).ping == epm::ping_status::pinged);
    CHECK(e.at(1).ping == epm::ping_status::wrong_interface); // refused alone too
    CHECK(e.at(2).ping == epm::ping_status::pinged);
    CHECK(service_server.log().connections == 1);
    CHECK(service_server.log().binds == 1);
    CHECK(service_server.log().alters == 2);
}

TEST_CASE("a registered interface whose port serves another RPC server is wrong_interface, and a port with no RPC server is not_rpc")
{
    // Another RPC server holds the port: it serves samr only (the KB 926210 case: a static port
    // taken by another program), and a second one refuses every bind with bind_nak.
    server_script other;
    other.accepted = {epm::syntax_id{*parse_uuid(samr_uuid), 1, 0}};
    scripted_server other_server(other);
    server_script naks;
    naks.bind_nak = 4; // reason_not_specified (Samba 4's answer to an interface it does not serve)
    scripted_server nak_server(naks);
    // Not RPC at all: an HTTP server, and a service that drops our bind (Samba's LDAP does).
    server_script http;
    http.greeting = test::to_bytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    scripted_server http_server(http);
    server_script dropper;
    dropper.close_on_accept = true;
    scripted_server dropping_server(dropper);

    server_script mapper;
    mapper.entries = {
        test::make_entry(lsarpc_uuid, 0, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(other_server.port()), "lsarpc"),
        test::make_entry(samr_uuid, 1, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(other_server.port()), "samr"),
        test::make_entry(netlogon_uuid, 1, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(nak_server.port()), "netlogon"),
        test::make_entry(lsarpc_uuid, 0, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(http_server.port()), "lsarpc"),
        test::make_entry(netlogon_uuid, 1, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(dropping_server.port()), "netlogon"),
    };
    const auto e = verified_entries(mapper);
    REQUIRE(e.size() == 5);
    CHECK(e[0].ping == epm::ping_status::wrong_interface); // refused in the bind and alone
    CHECK(e[1].ping == epm::ping_status::pinged);
    CHECK(e[2].ping == epm::ping_status::wrong_interface); // bind_nak
    CHECK(e[3].ping == epm::ping_status::not_rpc);         // HTTP answered
    CHECK(e[4].ping == epm::ping_status::not_rpc);         // the bind was dropped unanswered
    CHECK(other_server.log().alters == 1);                 // lsarpc, offered alone once more
}

TEST_CASE("verification connects to the address we reached the mapper on, not the 0.0.0.0 the tower names")
{
    server_script service;
    service.accept_any_interface = true;
    scripted_server service_server(service, {"127.0.0.3"});
    server_script mapper;
    mapper.entries = {test::make_entry(lsarpc_uuid, 0, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(service_server.port()), "lsarpc")};
    scripted_server mapper_server(mapper, {"127.0.0.3"});
    auto o = fast_options();
    o.verify = true;
    auto r = enumerate(target{"127.0.0.3", mapper_server.port(), {}}, o);
    REQUIRE_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries.at(0).ping == epm::ping_status::pinged);
    CHECK(r.enumeration.entries.at(0).where.host == "0.0.0.0"); // printed as registered
}

TEST_CASE("without verification nothing is pinged and no extra connection is made")
{
    server_script service;
    service.accept_any_interface = true;
    scripted_server service_server(service);
    server_script mapper;
    mapper.entries = {test::make_entry(lsarpc_uuid, 0, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(service_server.port()), "lsarpc")};
    scripted_server mapper_server(mapper);
    auto r = enumerate(target{"127.0.0.1", mapper_server.port(), {}}, fast_options());
    REQUIRE_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries.at(0).ping == epm::ping_status::not_pinged);
    CHECK(service_server.log().connections == 0);
}
