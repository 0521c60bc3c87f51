// The Exchange check with probes of the live host's ports (epm::port_probe values, as the
// client's probe returns them): who holds a static port, and whether registered ports serve.
#include "exchange_fixtures.hpp"

#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/exchange/report_format.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace epmdump;
using namespace epmdump::exchange;
using namespace epmdump::test;

namespace {

constexpr const char* svcctl = "367abb81-9844-35f1-ad32-98f038001003";
constexpr const char* nspi = "f5cc5a18-4264-101a-8c59-08002b2f8426";

epm::port_probe probe(std::uint16_t port, epm::port_state state)
{
    epm::port_probe p;
    p.target = "exchange01";
    p.address = "10.0.100.32";
    p.port = port;
    p.state = state;
    p.connections = 1;
    return p;
}

// An RPC server whose management interface listed these interfaces ("uuid:major.minor").
epm::port_probe rpc_serving(std::uint16_t port, std::vector<std::pair<const char*, std::uint16_t>> ids)
{
    auto p = probe(port, epm::port_state::rpc);
    p.mgmt_answered = true;
    for (const auto& [id, major] : ids)
    {
        auto u = parse_uuid(id);
        REQUIRE(u);
        p.interfaces.push_back({epm::syntax_id{*u, major, 0}, epm::found_by::inq_if_ids});
    }
    return p;
}

epm::port_probe http_server(std::uint16_t port)
{
    auto p = probe(port, epm::port_state::not_rpc);
    p.service = epm::service_kind::http;
    p.looks_like = "HTTP/1.1 400 Bad Request";
    return p;
}

// KB 926210's broken listing (NSPI on 1032, the store and the System Attendant missing).
diagnosis_input kb_broken(std::vector<configured_port> ports, std::optional<std::vector<epm::port_probe>> probes)
{
    diagnosis_input in;
    in.enumerations = read_dump_fixture("kb926210-broken.txt");
    in.static_ports = std::move(ports);
    in.probes = std::move(probes);
    return in;
}

bool has_source(const finding& f, evidence_source s)
{
    return std::find(f.sources.begin(), f.sources.end(), s) != f.sources.end();
}

// The 2003 set, every port's probe listing what is registered there.
std::vector<epm::port_probe> healthy_2003_probes()
{
    return {
        rpc_serving(1987, {{"38a94e72-a9bc-11d2-8faf-00c04fa378ff", 1}, {"9e8ee830-4459-11ce-979b-00aa005ffebe", 2}}),
        rpc_serving(1033, {{"a4f1db00-ca47-1067-b31f-00dd010662da", 0}, {"0e4a0156-dd5d-11d2-8c2f-00c04fb6bcde", 1},
                           {"1453c42c-0fa6-11d2-a910-00c04f990f3b", 1}, {"10f24e8e-0fa6-11d2-a910-00c04f990f3b", 1},
                           {"99e64010-b032-11d0-97a4-00c04fd6551d", 3}, {"89742ace-a9ed-11cf-9c0c-08002be7ae86", 2},
                           {"a4f1db00-ca47-1067-b31e-00dd010662da", 1}}),
        rpc_serving(1032, {{nspi, 56}}),
        rpc_serving(1031, {{"1544f5e0-613c-11d1-93df-00c04fd7bd09", 1}, {"f930c514-1215-11d3-99a5-00a0c9b61b04", 1},
                           {"83d72bf0-0d89-11ce-b13f-00aa003bac6c", 6}, {"469d6ec0-0d87-11ce-b13f-00aa003bac6c", 16}}),
    };
}

diagnosis_input healthy_with(std::vector<epm::port_probe> probes)
{
    diagnosis_input in;
    in.enumerations.push_back(enumeration_of(healthy_2003()));
    in.probes = std::move(probes);
    return in;
}

} // namespace

TEST_CASE("the check asks for a probe of each static port its interfaces miss and of each registered Exchange port")
{
    const auto wanted = ports_to_probe(kb_broken({flag("store=59601"), flag("nspi=59600"), flag("rfr=3518")}, {}));
    // rfr=3518 is in effect (RFR is registered there): only a registered port to confirm.
    CHECK(wanted == std::vector<probe_request>{{1032, probe_purpose::registered},
                                               {3518, probe_purpose::registered},
                                               {3595, probe_purpose::registered},
                                               {59600, probe_purpose::static_port},
                                               {59601, probe_purpose::static_port}});
    // Nothing Exchange in the listing: nothing to probe.
    diagnosis_input none;
    none.enumerations.push_back(enumeration_of({tcp_entry("10.0.100.32", 49152, svcctl)}));
    none.static_ports = {flag("store=59601")};
    CHECK(ports_to_probe(none).empty());
}

TEST_CASE("a static port held by another RPC server names that server's interfaces and says it is not the Exchange one")
{
    const auto r = diagnose(kb_broken({flag("nspi=59600")}, std::vector{rpc_serving(59600, {{svcctl, 2}})}));
    const auto* f = first_of(r, finding_kind::static_port_conflict);
    REQUIRE(f);
    CHECK(f->level == severity::error);
    CHECK(f->title == "Port conflict: Directory Service Proxy is configured for port 59600, which is held by an RPC "
                      "server that is not the NSPI Proxy");
    CHECK(f->evidence.find("probe of 10.0.100.32:59600: port 59600 serves 367abb81-9844-35f1-ad32-98f038001003 v2.0 "
                           "(MS-SCMR Service Control Manager Remote Protocol): it is held by an RPC server that is not "
                           "the NSPI Proxy") != std::string::npos);
    CHECK(f->evidence.find("NSPI Proxy is registered on port(s) 1032") != std::string::npos);
    CHECK(f->sources == std::vector{evidence_source::command_line, evidence_source::mapper, evidence_source::probe});
    CHECK(f->probed == std::vector<std::uint32_t>{59600});
    CHECK(r.outcome == verdict::problems);
}

TEST_CASE("a static port held by a program that is not an RPC server says what it looks like")
{
    const auto r = diagnose(kb_broken({flag("store=59601")}, std::vector{http_server(59601)}));
    const auto* f = first_of(r, finding_kind::static_port_conflict);
    REQUIRE(f);
    CHECK(f->service == "Information Store");
    CHECK(f->title.find("held by a program that is not an RPC server (HTTP/1.1 400 Bad Request)") != std::string::npos);
    CHECK(f->evidence.find("port 59601 is held by a program that is not an RPC server; it looks like HTTP/1.1 400 Bad "
                           "Request (http)") != std::string::npos);
    CHECK_FALSE(has_kind(r, finding_kind::static_port_unbound));
}

TEST_CASE("a static port nothing listens on is free now: the remedy is to restart the service")
{
    const auto r = diagnose(kb_broken({flag("store=59601")}, std::vector{probe(59601, epm::port_state::closed)}));
    const auto* f = first_of(r, finding_kind::static_port_unbound);
    REQUIRE(f);
    CHECK(f->level == severity::error);
    CHECK(f->evidence.find("nothing listens on port 59601 now (the connection was refused): the port is free now") !=
          std::string::npos);
    CHECK(f->remedy.rfind("the port is free now: restart the service (MSExchangeIS first", 0) == 0);
    CHECK(has_source(*f, evidence_source::probe));
    CHECK_FALSE(has_kind(r, finding_kind::static_port_conflict));

    // NSPI registered elsewhere and its configured port free: the pending restart will take it.
    const auto moved = diagnose(kb_broken({flag("nspi=59600")}, std::vector{probe(59600, epm::port_state::closed)}));
    const auto* g = first_of(moved, finding_kind::static_port_not_in_effect);
    REQUIRE(g);
    CHECK(g->remedy.rfind("the port is free now: restart MSExchangeSA", 0) == 0);
}

TEST_CASE("a filtered static port says who holds it cannot be seen from here, and blames no one")
{
    const auto r = diagnose(kb_broken({flag("store=59601")}, std::vector{probe(59601, epm::port_state::filtered)}));
    const auto* f = first_of(r, finding_kind::static_port_unbound);
    REQUIRE(f);
    CHECK(f->evidence.find("port 59601 did not answer within the connect timeout (filtered") != std::string::npos);
    CHECK(f->remedy.find("the port is free now") == std::string::npos);
    CHECK_FALSE(has_kind(r, finding_kind::static_port_conflict));
}

TEST_CASE("netstat still adds the PID of the program the probe found on the static port")
{
    auto in = kb_broken({flag("store=59601")}, std::vector{http_server(59601)});
    auto snap = parse_netstat("  Proto  Local Address          Foreign Address        State           PID\n"
                              "  TCP    0.0.0.0:59601          0.0.0.0:0              LISTENING       4711\n");
    REQUIRE(snap.has_value());
    in.netstat = *snap;
    const auto r = diagnose(in);
    const auto* f = first_of(r, finding_kind::static_port_conflict);
    REQUIRE(f);
    CHECK(f->title.find("(HTTP/1.1 400 Bad Request) (netstat: PID 4711)") != std::string::npos);
    CHECK(f->evidence.find("PID 4711 listening on 0.0.0.0:59601 (netstat line 2)") != std::string::npos);
    CHECK(f->sources ==
          std::vector{evidence_source::command_line, evidence_source::mapper, evidence_source::probe, evidence_source::netstat});
}

TEST_CASE("a static port the Exchange service itself serves, unregistered, is said to listen but not be registered")
{
    const auto r = diagnose(kb_broken({flag("store=59601")},
                                      std::vector{rpc_serving(59601, {{"a4f1db00-ca47-1067-b31f-00dd010662da", 0}})}));
    const auto* f = first_of(r, finding_kind::static_port_unbound);
    REQUIRE(f);
    CHECK(f->title == "Information Store listens on its configured port 59601 but is not registered there");
    CHECK_FALSE(has_kind(r, finding_kind::static_port_conflict));
}

TEST_CASE("probes confirm a healthy verdict when every registered port serves its interfaces")
{
    const auto r = diagnose(healthy_with(healthy_2003_probes()));
    CHECK(r.outcome == verdict::healthy);
    CHECK(r.findings.empty());
    CHECK(r.probed);
    for (const auto& st : r.interfaces)
    {
        CAPTURE(st.row->label);
        CHECK(st.served == served_state::served);
    }
    const auto text = render_text(r, {.width = 0});
    CHECK(text.rfind("Verdict: HEALTHY: every required Exchange interface is registered on ncacn_ip_tcp, and the probe "
                     "finds each served on its port\n", 0) == 0);
    CHECK(text.find("port 1032, probe: served") != std::string::npos);
    CHECK(text.find("  10.0.100.32: rpc: port 1032 serves f5cc5a18-4264-101a-8c59-08002b2f8426 v56.0 (MS Exchange "
                    "Directory NSPI Proxy)\n") != std::string::npos);
}

TEST_CASE("a registered Exchange port that serves something else is a finding, naming what it serves")
{
    auto probes = healthy_2003_probes();
    probes[3] = rpc_serving(1031, {{svcctl, 2}}); // the System Attendant's port
    const auto r = diagnose(healthy_with(probes));
    CHECK(r.outcome == verdict::problems);
    const auto* f = first_of(r, finding_kind::registered_not_served);
    REQUIRE(f);
    CHECK(f->level == severity::error);
    CHECK(f->ports == std::vector<std::uint32_t>{1031});
    CHECK(f->evidence.find("port 1031 serves 367abb81-9844-35f1-ad32-98f038001003 v2.0") != std::string::npos);
    CHECK(f->sources == std::vector{evidence_source::mapper, evidence_source::probe});
    // RFR (DSProxy) and the System Attendant's three: one finding per service.
    CHECK(std::count_if(r.findings.begin(), r.findings.end(),
                        [](const finding& g) { return g.kind == finding_kind::registered_not_served; }) == 2);

    // A web server on the port: not served either.
    probes[3] = http_server(1031);
    CHECK(has_kind(diagnose(healthy_with(probes)), finding_kind::registered_not_served));
}

TEST_CASE("a registered Exchange port the probe finds closed is not answering, and says the probe showed it")
{
    auto probes = healthy_2003_probes();
    probes[2] = probe(1032, epm::port_state::closed);
    const auto r = diagnose(healthy_with(probes));
    const auto* f = first_of(r, finding_kind::not_answering);
    REQUIRE(f);
    CHECK(f->ports == std::vector<std::uint32_t>{1032});
    CHECK(f->evidence.find("probe of 10.0.100.32:1032: nothing listens on port 1032 now") != std::string::npos);
    CHECK(f->sources == std::vector{evidence_source::mapper, evidence_source::probe});
    CHECK_FALSE(has_kind(r, finding_kind::registered_not_served));
}

TEST_CASE("a registered port whose server accepts any interface cannot confirm: no finding, and no confirmation")
{
    auto probes = healthy_2003_probes();
    probes[2] = probe(1032, epm::port_state::rpc);
    probes[2].accepts_any_interface = true;
    const auto r = diagnose(healthy_with(probes));
    CHECK(r.outcome == verdict::healthy);
    CHECK(r.findings.empty());
    const auto nspi_row = std::find_if(r.interfaces.begin(), r.interfaces.end(),
                                       [](const interface_status& st) { return st.row->label == "NSPI Proxy"; });
    REQUIRE(nspi_row != r.interfaces.end());
    CHECK(nspi_row->served == served_state::unconfirmed);
    CHECK(render_text(r, {.width = 0}).find("and the probe finds") == std::string::npos);
}

TEST_CASE("without probes (offline inputs) the report has no probe fields, as before")
{
    const auto r = diagnose(kb_broken({flag("store=59601")}, std::nullopt));
    CHECK_FALSE(r.probed);
    const auto doc = nlohmann::json::parse(render_json(r));
    CHECK_FALSE(doc.contains("probes"));
    CHECK_FALSE(doc["findings"][0].contains("sources"));
    CHECK_FALSE(doc["interfaces"][0].contains("served"));
    CHECK(render_text(r).find("Sources:") == std::string::npos);

    // With probes: every finding says where its evidence came from.
    const auto live = diagnose(kb_broken({flag("store=59601")}, std::vector{http_server(59601)}));
    const auto j = nlohmann::json::parse(render_json(live));
    REQUIRE(j["probes"].size() == 1);
    CHECK(j["probes"][0]["state"] == "not_rpc");
    CHECK(j["probes"][0]["purpose"] == "static_port");
    CHECK(j["probes"][0]["looks_like"] == "HTTP/1.1 400 Bad Request");
    for (const auto& f : j["findings"])
        CHECK_FALSE(f["sources"].empty());
    CHECK(render_text(live).find("    Sources:    command line, endpoint mapper, probe of the port\n") != std::string::npos);
}

TEST_CASE("a registered port whose server refuses mgmt and serves nothing we offer, or whose probe failed, is unconfirmed")
{
    auto probes = healthy_2003_probes();
    probes[2] = probe(1032, epm::port_state::rpc);
    probes[2].mgmt_refusal = "bind_nak: reason_not_specified";
    auto r = diagnose(healthy_with(probes));
    CHECK(r.outcome == verdict::healthy);
    CHECK_FALSE(has_kind(r, finding_kind::registered_not_served));

    probes[2] = probe(1032, epm::port_state::error);
    probes[2].error = epm::enumeration_error{epm::failure_kind::unspecified, "the host deadline passed"};
    r = diagnose(healthy_with(probes));
    CHECK(r.outcome == verdict::healthy);
    CHECK(r.findings.empty());
    const auto text = render_text(r, {.width = 0});
    CHECK(text.find("port 1032, probe: unconfirmed") != std::string::npos);
    CHECK(text.find("  10.0.100.32: error: the probe of port 1032 failed: the host deadline passed\n") != std::string::npos);
}
