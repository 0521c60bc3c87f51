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

constexpr const char* lsarpc = "12345778-1234-abcd-ef00-0123456789ab";
constexpr const char* samr = "12345778-1234-abcd-ef00-0123456789ac";
constexpr const char* netlogon = "12345678-1234-abcd-ef00-01234567cffb";

} // namespace

TEST_CASE("verification marks answering endpoints pinged, a closed port not listening, others not pinged")
{
    // The service port knows lsarpc and samr but not netlogon.
    server_script service;
    service.accepted = {epm::syntax_id{*parse_uuid(lsarpc), 0, 0}, epm::syntax_id{*parse_uuid(samr), 1, 0}};
    scripted_server service_server(service);
    const auto p = std::to_string(service_server.port());
    const auto closed = std::to_string(test::closed_port());

    server_script mapper;
    mapper.entries = {
        test::make_entry(lsarpc, 0, 0, "ncacn_ip_tcp", "0.0.0.0", p, "lsarpc"),
        test::make_entry(samr, 1, 0, "ncacn_ip_tcp", "0.0.0.0", p, "samr"),
        test::make_entry(netlogon, 1, 0, "ncacn_ip_tcp", "0.0.0.0", p, "netlogon"),
        test::make_entry(netlogon, 1, 0, "ncacn_ip_tcp", "0.0.0.0", closed, "netlogon"),
        test::make_entry(lsarpc, 0, 0, "ncacn_np", "", "\\pipe\\lsass", "lsarpc"),
        test::make_entry(lsarpc, 0, 0, "ncacn_http", "0.0.0.0", closed, "lsarpc"),
    };
    scripted_server mapper_server(mapper);
    auto o = fast_options();
    o.verify = true;
    auto r = enumerate(target{"127.0.0.1", mapper_server.port(), {}}, o);
    REQUIRE_MESSAGE(!r.error, describe(r));
    const auto& e = r.enumeration.entries;
    REQUIRE(e.size() == 6);
    CHECK(e[0].ping == epm::ping_status::pinged);
    CHECK(e[1].ping == epm::ping_status::pinged);
    CHECK(e[2].ping == epm::ping_status::not_pinged);    // the port answered, the interface was refused
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
    service.accepted = {epm::syntax_id{*parse_uuid(lsarpc), 0, 0}, epm::syntax_id{*parse_uuid(samr), 1, 0}};
    scripted_server service_server(service);
    const auto p = std::to_string(service_server.port());
    server_script mapper;
    mapper.entries = {
        test::make_entry(lsarpc, 0, 0, "ncacn_ip_tcp", "0.0.0.0", p, "lsarpc"),
        test::make_entry(netlogon, 1, 0, "ncacn_ip_tcp", "0.0.0.0", p, "netlogon"),
        test::make_entry(samr, 1, 0, "ncacn_ip_tcp", "0.0.0.0", p, "samr"),
    };
    scripted_server mapper_server(mapper);
    auto o = fast_options();
    o.verify = true;
    auto r = enumerate(target{"127.0.0.1", mapper_server.port(), {}}, o);
    REQUIRE_MESSAGE(!r.error, describe(r));
    const auto& e = r.enumeration.entries;
    CHECK(e.at(0).ping == epm::ping_status::pinged);
    CHECK(e.at(1).ping == epm::ping_status::not_pinged);
    CHECK(e.at(2).ping == epm::ping_status::pinged);
    CHECK(service_server.log().connections == 1);
    CHECK(service_server.log().binds == 1);
    CHECK(service_server.log().alters == 2);
}

TEST_CASE("verification connects to the address we reached the mapper on, not the 0.0.0.0 the tower names")
{
    server_script service;
    service.accept_any_interface = true;
    scripted_server service_server(service, {"127.0.0.3"});
    server_script mapper;
    mapper.entries = {test::make_entry(lsarpc, 0, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(service_server.port()), "lsarpc")};
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
    mapper.entries = {test::make_entry(lsarpc, 0, 0, "ncacn_ip_tcp", "0.0.0.0", std::to_string(service_server.port()), "lsarpc")};
    scripted_server mapper_server(mapper);
    auto r = enumerate(target{"127.0.0.1", mapper_server.port(), {}}, fast_options());
    REQUIRE_MESSAGE(!r.error, describe(r));
    CHECK(r.enumeration.entries.at(0).ping == epm::ping_status::not_pinged);
    CHECK(service_server.log().connections == 0);
}
