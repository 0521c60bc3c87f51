#include "exchange_fixtures.hpp"

#include <epmdump/exchange/netstat.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::exchange;
using epmdump::test::exchange_fixture;

TEST_CASE("netstat -ano from Windows gives listening TCP ports with their PIDs")
{
    auto snap = parse_netstat(test::read_text(exchange_fixture("netstat-ano-windows.txt")));
    REQUIRE(snap.has_value());
    CHECK(snap->format == netstat_format::windows);
    CHECK(snap->has_pids);
    CHECK(snap->sockets.size() == 13);
    auto l = snap->tcp_listeners(1031);
    REQUIRE(l.size() == 1);
    CHECK(l[0]->pid == 2964u);
    CHECK(l[0]->local_address == "0.0.0.0");
    CHECK(l[0]->state == "LISTENING");
    // 1033 is only a client connection's local port: not a listener.
    CHECK(snap->tcp_listeners(1033).empty());
    // UDP 445 does not make TCP 445 listen twice.
    CHECK(snap->tcp_listeners(445).size() == 1);
}

TEST_CASE("netstat -an from Windows gives listening ports without PIDs")
{
    auto snap = parse_netstat(test::read_text(exchange_fixture("netstat-an-windows.txt")));
    REQUIRE(snap.has_value());
    CHECK_FALSE(snap->has_pids);
    auto l = snap->tcp_listeners(3595);
    REQUIRE(l.size() == 1);
    CHECK_FALSE(l[0]->pid.has_value());
    CHECK(snap->tcp_listeners(3594).empty());
}

TEST_CASE("netstat -anob attaches the owning image to the socket before it")
{
    auto snap = parse_netstat("\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n"
                              "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       912\r\n"
                              "  RpcSs\r\n [svchost.exe]\r\n"
                              "  TCP    0.0.0.0:1033           0.0.0.0:0              LISTENING       2964\r\n"
                              " [inetinfo.exe]\r\n"
                              "  TCP    0.0.0.0:1034           0.0.0.0:0              LISTENING       4\r\n"
                              " Can not obtain ownership information\r\n");
    REQUIRE(snap.has_value());
    REQUIRE(snap->sockets.size() == 3);
    CHECK(snap->sockets[0].process == "svchost.exe");
    CHECK(snap->sockets[1].process == "inetinfo.exe");
    CHECK(snap->sockets[1].pid == 2964u);
    CHECK(snap->sockets[2].process.empty());
}

TEST_CASE("netstat from a non-English Windows still finds listeners by their all-zero peer")
{
    auto snap = parse_netstat("  Proto  Lokale Adresse         Remoteadresse          Status           PID\n"
                              "  TCP    0.0.0.0:1031           0.0.0.0:0              ABH\xC3\x96REN          2964\n"
                              "  TCP    [::]:1032              [::]:0                 ABH\xC3\x96REN          1520\n"
                              "  TCP    10.0.0.5:1035          10.0.0.9:445           HERGESTELLT      2964\n");
    REQUIRE(snap.has_value());
    CHECK(snap->tcp_listeners(1031).size() == 1);
    CHECK(snap->tcp_listeners(1032).size() == 1);
    CHECK(snap->tcp_listeners(1032)[0]->local_address == "[::]");
    CHECK(snap->tcp_listeners(1035).empty());
}

TEST_CASE("ss -ltnp from Linux gives listeners with process and PID")
{
    auto snap = parse_netstat(test::read_text(exchange_fixture("ss-ltnp-linux.txt")));
    REQUIRE(snap.has_value());
    CHECK(snap->format == netstat_format::linux_ss);
    CHECK(snap->sockets.size() == 5);
    auto l = snap->tcp_listeners(135);
    REQUIRE(l.size() == 1);
    CHECK(l[0]->process == "samba");
    CHECK(l[0]->pid == 2211u);
    CHECK(snap->tcp_listeners(53)[0]->local_address == "127.0.0.53%lo");
    CHECK(snap->tcp_listeners(22).size() == 2);
}

TEST_CASE("netstat -ltnp from Linux gives listeners, tcp6 folded into tcp")
{
    auto snap = parse_netstat(test::read_text(exchange_fixture("netstat-ltnp-linux.txt")));
    REQUIRE(snap.has_value());
    CHECK(snap->format == netstat_format::linux_netstat);
    CHECK(snap->sockets.size() == 5);
    auto l = snap->tcp_listeners(22);
    REQUIRE(l.size() == 2);
    CHECK(l[0]->pid == 612u);
    CHECK(l[0]->process == "sshd");
    CHECK(l[1]->local_address == "::");
    auto unknown = snap->tcp_listeners(49153);
    REQUIRE(unknown.size() == 1);
    CHECK_FALSE(unknown[0]->pid.has_value()); // "-": not ours to see
}

TEST_CASE("netstat reader refuses text that holds no socket table")
{
    CHECK_FALSE(parse_netstat("").has_value());
    CHECK_FALSE(parse_netstat("ncacn_ip_tcp(Connection-oriented TCP/IP)\n  10.0.100.32[1033] [a4f1db00-ca47-1067-b31f-00dd010662da] x\n").has_value());
    auto empty_table = parse_netstat("\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State\r\n");
    REQUIRE(empty_table.has_value());
    CHECK(empty_table->sockets.empty());
}
