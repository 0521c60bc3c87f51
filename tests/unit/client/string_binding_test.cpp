// String-binding targets (PROTSEQ:HOST[ENDPOINT]) and the transports they and the ports imply.
#include "target_rejection.hpp"

#include <epmdump/client/target_pattern.hpp>

#include <doctest/doctest.h>

using namespace epmdump::client;
using epmdump::client::test::rejection;

namespace {

target one(std::string_view word, std::uint16_t default_port = 0)
{
    std::string error;
    auto p = parse_target(word, error);
    REQUIRE_MESSAGE(p, error);
    REQUIRE(p->count == 1);
    return p->at(0, default_port);
}

} // namespace

TEST_CASE("ncacn_np:HOST names the SMB transport and leaves the pipe to the default")
{
    const auto t = one("ncacn_np:10.200.0.2");
    CHECK(t.host == "10.200.0.2");
    CHECK(t.via == transport::ncacn_np);
    CHECK(t.pipe.empty());
    CHECK(t.port == 0); // the transport's default, 445, is the client's to fill
}

TEST_CASE("ncacn_np:HOST[\\pipe\\NAME] carries the pipe, written the three ways impacket and Windows accept")
{
    CHECK(one("ncacn_np:dc.example.org[\\pipe\\lsarpc]").pipe == "\\pipe\\lsarpc");
    CHECK(one("ncacn_np:dc.example.org[pipe\\lsarpc]").pipe == "\\pipe\\lsarpc");
    CHECK(one("ncacn_np:dc.example.org[epmapper]").pipe == "\\pipe\\epmapper");
    CHECK(one("ncacn_np:dc.example.org[\\PIPE\\epmapper]").host == "dc.example.org");
}

TEST_CASE("the TCP string bindings carry a port in brackets")
{
    const auto tcp = one("ncacn_ip_tcp:10.0.0.5[1025]");
    CHECK(tcp.via == transport::ncacn_ip_tcp);
    CHECK(tcp.port == 1025);
    const auto http = one("ncacn_http:10.0.0.5");
    CHECK(http.via == transport::ncacn_http);
    CHECK(http.port == 0);
}

TEST_CASE("a string binding with a bad endpoint is refused, saying what the endpoint must be")
{
    CHECK(rejection("ncacn_np:10.0.0.5[\\pipe\\]").find("pipe") != std::string::npos);
    CHECK(rejection("ncacn_np:10.0.0.5[\\pipe\\a/b]").find("pipe") != std::string::npos);
    CHECK(rejection("ncacn_ip_tcp:10.0.0.5[http]") == "port must be 1-65535");
    CHECK(rejection("ncacn_np:10.0.0.5[epmapper").find("brackets") != std::string::npos);
    CHECK(rejection("ncacn_np:[epmapper]").find("brackets") != std::string::npos);
}

TEST_CASE("a word that only looks like a protocol sequence stays HOST:PORT")
{
    const auto t = one("np:445");
    CHECK(t.host == "np");
    CHECK(t.port == 445);
    CHECK_FALSE(t.via);
}

TEST_CASE("the transport words of --transport and the ports that imply one")
{
    CHECK(parse_transport("smb") == transport::ncacn_np);
    CHECK(parse_transport("ncacn_np") == transport::ncacn_np);
    CHECK(parse_transport("auto") == transport::automatic);
    CHECK_FALSE(parse_transport("ncacn_nb_tcp"));
    CHECK(implied_transport(445) == transport::ncacn_np);
    CHECK(implied_transport(139) == transport::ncacn_np);
    CHECK(implied_transport(593) == transport::ncacn_http);
    CHECK_FALSE(implied_transport(135));
    CHECK(default_port(transport::ncacn_np) == 445);
    CHECK(to_string(transport::ncacn_np) == "ncacn_np");
}
