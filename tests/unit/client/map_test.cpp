// ept_map against the scripted mapper: one interface, one protocol sequence.
#include "client_test_util.hpp"

#include <epmdump/client/client.hpp>
#include <epmdump/epm/ept_status.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::client;
using epmdump::test::scripted_server;
using epmdump::test::server_script;

namespace {

server_script mapper()
{
    server_script s;
    s.entries = {
        test::make_entry("12345778-1234-abcd-ef00-0123456789ab", 0, 0, "ncacn_np", "", "\\pipe\\lsass", "lsarpc"),
        test::make_entry("12345778-1234-abcd-ef00-0123456789ab", 0, 0, "ncacn_ip_tcp", "0.0.0.0", "49153", "lsarpc"),
        test::make_entry("12345778-1234-abcd-ef00-0123456789ac", 1, 0, "ncacn_ip_tcp", "0.0.0.0", "49154", "samr"),
    };
    return s;
}

epm::syntax_id lsarpc() { return epm::syntax_id{*parse_uuid("12345778-1234-abcd-ef00-0123456789ab"), 0, 0}; }

} // namespace

TEST_CASE("ept_map finds the ncacn_ip_tcp tower of one interface")
{
    auto s = mapper();
    scripted_server server(s);
    auto r = map(target{"127.0.0.1", server.port(), {}}, lsarpc(), "ncacn_ip_tcp", fast_options());
    CHECK_FALSE(r.error);
    CHECK(r.registered());
    REQUIRE(r.towers.size() == 1);
    CHECK(r.towers[0].where.protseq == "ncacn_ip_tcp");
    CHECK(r.towers[0].where.endpoint == "49153");
    CHECK(r.towers[0].interface == lsarpc());
    CHECK(server.log().maps == 1);
}

TEST_CASE("ept_map of an interface registered under another protseq only is 'not registered', not a failure")
{
    auto s = mapper();
    scripted_server server(s);
    auto r = map(target{"127.0.0.1", server.port(), {}}, lsarpc(), "ncalrpc", fast_options());
    CHECK_FALSE(r.error);
    CHECK_FALSE(r.registered());
    CHECK(r.status == epm::ept_s_not_registered);
}

TEST_CASE("ept_map against a closed port is a refused failure")
{
    auto r = map(target{"127.0.0.1", test::closed_port(), {}}, lsarpc(), "ncacn_ip_tcp", fast_options());
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::refused);
}
