// "epmdump exchange HOST" naming what holds an Exchange static port (KB 926210's netstat -an
// step, done remotely): a scripted endpoint mapper on loopback registers the KB's broken
// listing, and on the configured NSPI port sits another RPC server, then a web server, then
// nothing. Also the probe confirming, or refuting, what the mapper registers.
#include "e2e/run_process.hpp"
#include "support/scripted_server.hpp"
#include "support/test_files.hpp"

#include <epmdump/exchange/catalog.hpp>
#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace epmdump;
using epmdump::test::process_result;
using epmdump::test::scripted_server;
using epmdump::test::server_script;

namespace {

constexpr const char* host = "127.0.0.7"; // the "Exchange server": mapper and static port on one address
const epm::syntax_id svcctl{*parse_uuid("367abb81-9844-35f1-ad32-98f038001003"), 2, 0};

process_result run_exchange(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{"exchange"};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_process(EPMDUMP_EXE, argv);
}

std::vector<std::string> quick(std::vector<std::string> args)
{
    for (const char* a : {"--connect-timeout", "2", "--timeout", "2", "--host-timeout", "10"}) args.emplace_back(a);
    return args;
}

// The catalog's version of an Exchange interface (rpcdump.exe text carries none).
epm::syntax_id catalog_id(const uuid& id)
{
    const auto rows = exchange::find_rows(id);
    REQUIRE_FALSE(rows.empty());
    return {id, rows.front()->major, rows.front()->minor};
}

// KB 926210's broken listing (its first address's lines), registered with the scripted mapper.
server_script kb_broken_mapper()
{
    auto dump = output::read_dump(test::read_text(test::source_dir() / "tests/fixtures/exchange/kb926210-broken.txt"));
    REQUIRE(dump.has_value());
    server_script s;
    for (const auto& e : dump->enumerations.at(0).entries)
    {
        if (e.where.host != "10.0.100.32") continue;
        const auto id = catalog_id(e.interface.id);
        s.entries.push_back(test::make_entry(to_string(id.id), id.major, id.minor, "ncacn_ip_tcp", "0.0.0.0",
                                             e.where.endpoint, e.annotation));
    }
    REQUIRE(s.entries.size() == 4);
    return s;
}

nlohmann::json conflict_of(const nlohmann::json& doc)
{
    for (const auto& f : doc["findings"])
        if (f["kind"] == "static_port_conflict") return f;
    return {};
}

} // namespace

TEST_CASE("epmdump exchange names what holds the configured NSPI port: another RPC server, a web server, nothing")
{
    const scripted_server mapper(kb_broken_mapper(), {host});
    const std::string target = std::string(host) + ":" + std::to_string(mapper.port());

    SUBCASE("an RPC server serving svcctl")
    {
        server_script other;
        other.accepted = {svcctl};
        other.mgmt = test::mgmt_style::answers;
        other.mgmt_if_ids = {svcctl};
        const scripted_server holder(other, {host});
        const auto nspi = "nspi=" + std::to_string(holder.port());
        // --no-verify: the KB's registered ports (3595, 1032, 3518) are not served on loopback.
        const auto r = run_exchange(quick({target, "--static-port", nspi, "--no-verify", "--format", "json"}));
        CHECK(r.exit_code == 1);
        const auto doc = nlohmann::json::parse(r.out);
        const auto f = conflict_of(doc);
        REQUIRE_FALSE(f.is_null());
        const std::string p = std::to_string(holder.port());
        CHECK(f["title"] == "Port conflict: Directory Service Proxy is configured for port " + p +
                                ", which is held by an RPC server that is not the NSPI Proxy");
        CHECK(f["evidence"].get<std::string>().find(
                  "probe of " + std::string(host) + ":" + p + ": port " + p +
                  " serves 367abb81-9844-35f1-ad32-98f038001003 v2.0 (MS-SCMR Service Control Manager Remote "
                  "Protocol): it is held by an RPC server that is not the NSPI Proxy") != std::string::npos);
        CHECK(f["sources"] == nlohmann::json{"command_line", "mapper", "probe"});
        REQUIRE(doc["probes"].size() == 1); // --no-verify: the static port alone
        CHECK(doc["probes"][0]["state"] == "rpc");
        CHECK(doc["probes"][0]["purpose"] == "static_port");
        CHECK(doc["probes"][0]["interfaces"][0]["found_by"] == "inq_if_ids");
        CHECK(holder.log().mgmt_calls >= 1);

        const auto text = run_exchange(quick({target, "--static-port", nspi, "--no-verify"}));
        CHECK(text.exit_code == 1);
        CHECK(text.out.find("    Sources:    command line, endpoint mapper, probe of the port\n") != std::string::npos);
        CHECK(text.out.find("Ports probed (asked directly what they serve):\n  " + std::string(host) + ": rpc: port " + p +
                            " serves 367abb81-9844-35f1-ad32-98f038001003 v2.0") != std::string::npos);

        // --no-probe: the report of before, from the mapper and the value alone; the port is not touched.
        const auto connections = holder.log().connections;
        const auto offline = run_exchange(quick({target, "--static-port", nspi, "--no-verify", "--no-probe", "--format", "json"}));
        CHECK(offline.exit_code == 1);
        const auto plain = nlohmann::json::parse(offline.out);
        CHECK_FALSE(plain.contains("probes"));
        CHECK(conflict_of(plain).is_null());
        CHECK(holder.log().connections == connections);
    }
    SUBCASE("a web server")
    {
        server_script web;
        const std::string reply = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        for (char c : reply) web.answer_to_anything.push_back(static_cast<std::byte>(c));
        const scripted_server holder(web, {host});
        const std::string p = std::to_string(holder.port());
        const auto r = run_exchange(quick({target, "--static-port", "nspi=" + p, "--no-verify", "--format", "json"}));
        CHECK(r.exit_code == 1);
        const auto doc = nlohmann::json::parse(r.out);
        const auto f = conflict_of(doc);
        REQUIRE_FALSE(f.is_null());
        CHECK(f["title"].get<std::string>().find("held by a program that is not an RPC server (HTTP/1.1 400 Bad Request)") !=
              std::string::npos);
        CHECK(doc["probes"][0]["state"] == "not_rpc");
        CHECK(doc["probes"][0]["service"] == "http");
    }
    SUBCASE("nothing")
    {
        const std::string p = std::to_string(test::closed_port());
        const auto r = run_exchange(quick({target, "--static-port", "nspi=" + p, "--no-verify", "--format", "json"}));
        CHECK(r.exit_code == 1); // the store and the System Attendant are still missing
        const auto doc = nlohmann::json::parse(r.out);
        CHECK(conflict_of(doc).is_null());
        bool said = false;
        for (const auto& f : doc["findings"])
            if (f["kind"] == "static_port_not_in_effect")
            {
                said = true;
                CHECK(f["remedy"].get<std::string>().rfind("the port is free now: restart MSExchangeSA", 0) == 0);
                CHECK(f["evidence"].get<std::string>().find("nothing listens on port " + p + " now") != std::string::npos);
            }
        CHECK(said);
        CHECK(doc["probes"][0]["state"] == "closed");
    }
}

TEST_CASE("epmdump exchange HOST confirms that each registered Exchange port serves its interfaces, or says it does not")
{
    // The whole 2000/2003 set on one port whose server lists it through mgmt inq_if_ids.
    std::vector<epm::syntax_id> ids;
    for (const auto& row : exchange::all_interfaces())
        if (row.required(exchange::exchange_version::e2000) &&
            std::find_if(ids.begin(), ids.end(), [&](const epm::syntax_id& s) { return s.id == row.id; }) == ids.end())
            ids.push_back({row.id, row.major, row.minor});
    server_script service;
    service.accepted = ids;
    service.mgmt = test::mgmt_style::answers;
    service.mgmt_if_ids = ids;
    const scripted_server served(service, {host});
    server_script mapper;
    for (const auto& id : ids)
        mapper.entries.push_back(test::make_entry(to_string(id.id), id.major, id.minor, "ncacn_ip_tcp", "0.0.0.0",
                                                  std::to_string(served.port())));
    const scripted_server mapper_server(mapper, {host});
    const std::string target = std::string(host) + ":" + std::to_string(mapper_server.port());

    const auto healthy = run_exchange(quick({target, "--format", "json"}));
    CHECK(healthy.exit_code == 0);
    const auto doc = nlohmann::json::parse(healthy.out);
    CHECK(doc["verdict"] == "healthy");
    for (const auto& st : doc["interfaces"])
        if (st["required"] == true) CHECK(st["served"] == "served");
    const auto text = run_exchange(quick({target}));
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("and the probe finds each served on its port") != std::string::npos);
    // The mapper asked over ncacn_http (593's banner): its registered TCP ports are still probed over plain TCP.
    auto http = mapper;
    http.http_banner = true;
    const scripted_server http_mapper(http, {host});
    const auto over_http = run_exchange(
        quick({std::string(host) + ":" + std::to_string(http_mapper.port()), "--transport", "http", "--format", "json"}));
    CAPTURE(over_http.out);
    CHECK(over_http.exit_code == 0);
    const auto over_http_report = nlohmann::json::parse(over_http.out); // named: a range-for over a temporary's member would dangle
    for (const auto& st : over_http_report["interfaces"])
        if (st["required"] == true) CHECK(st["served"] == "served");

    // The same registrations, the port now serving svcctl only: a stale registration.
    server_script impostor;
    impostor.accepted = {svcctl};
    impostor.mgmt = test::mgmt_style::answers;
    impostor.mgmt_if_ids = {svcctl};
    const scripted_server other(impostor, {host});
    for (auto& e : mapper.entries) e = test::make_entry(to_string(e.interface.id), e.interface.major, e.interface.minor,
                                                        "ncacn_ip_tcp", "0.0.0.0", std::to_string(other.port()));
    const scripted_server stale_mapper(mapper, {host});
    const auto stale = run_exchange(quick({std::string(host) + ":" + std::to_string(stale_mapper.port()), "--format", "json"}));
    CHECK(stale.exit_code == 1);
    const auto bad = nlohmann::json::parse(stale.out);
    int not_served = 0;
    for (const auto& f : bad["findings"])
        if (f["kind"] == "registered_not_served") ++not_served;
    CHECK(not_served >= 4); // one per service
    // --no-verify: no probe of registered ports, so nothing to refute the mapper.
    const auto trusting = run_exchange(quick({std::string(host) + ":" + std::to_string(stale_mapper.port()), "--no-verify"}));
    CHECK(trusting.exit_code == 0);
}
