// Static port values against what the endpoint mapper and netstat show.
#include "exchange_fixtures.hpp"

#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/exchange/report_format.hpp>

#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>

using namespace epmdump;
using namespace epmdump::exchange;
using namespace epmdump::test;

namespace {

report run(std::vector<epm::endpoint_entry> entries, std::vector<configured_port> ports,
           std::optional<exchange_version> profile = {}, std::optional<std::string> netstat = {})
{
    diagnosis_input in;
    in.enumerations.push_back(enumeration_of(std::move(entries)));
    in.static_ports = std::move(ports);
    in.profile = profile;
    if (netstat)
    {
        auto snap = parse_netstat(*netstat);
        REQUIRE(snap.has_value());
        in.netstat = *snap;
    }
    return diagnose(in);
}

// The 2003 set with the store moved off 1033 (as if its static port were taken).
std::vector<epm::endpoint_entry> store_missing()
{
    auto e = healthy_2003();
    std::erase_if(e, [](const epm::endpoint_entry& x) { return x.where.endpoint == "1033"; });
    return e;
}

} // namespace

TEST_CASE("static port held by another registered interface is a conflict naming that interface")
{
    auto entries = store_missing();
    entries.push_back(tcp_entry("10.0.100.32", 1033, "12345778-1234-abcd-ef00-0123456789ac")); // SAMR
    const auto r = run(entries, {flag("store=1033")});
    const auto* f = first_of(r, finding_kind::static_port_conflict);
    REQUIRE(f);
    CHECK(f->level == severity::error);
    CHECK(f->service == "Information Store");
    CHECK(f->title.find("12345778-1234-abcd-ef00-0123456789ac") != std::string::npos);
    CHECK(f->remedy.find("remove the value \"TCP/IP Port\" under") != std::string::npos);
    CHECK(f->remedy.find("59531") != std::string::npos);

    // Same value while the store does hold its port: no conflict.
    CHECK_FALSE(has_kind(run(healthy_2003(), {flag("store=1033")}), finding_kind::static_port_conflict));
}

TEST_CASE("static port seen listening in netstat -ano is a conflict naming the PID")
{
    const std::string netstat = "  Proto  Local Address          Foreign Address        State           PID\n"
                                "  TCP    0.0.0.0:1033           0.0.0.0:0              LISTENING       2964\n";
    const auto r = run(store_missing(), {flag("store=1033")}, {}, netstat);
    const auto* f = first_of(r, finding_kind::static_port_conflict);
    REQUIRE(f);
    CHECK(f->title.find("PID 2964") != std::string::npos);
    CHECK(f->evidence.find("registered on no TCP port") != std::string::npos);

    // Without -o there is no PID: the finding says how to get it.
    const auto an = run(store_missing(), {flag("store=1033")}, {},
                        std::string("  TCP    0.0.0.0:1033           0.0.0.0:0              LISTENING\n"));
    const auto* g = first_of(an, finding_kind::static_port_conflict);
    REQUIRE(g);
    CHECK(g->evidence.find("run netstat -ano to see its PID") != std::string::npos);

    // A listener on another port is no holder.
    const auto other = run(store_missing(), {flag("store=1033")}, {},
                           std::string("  TCP    0.0.0.0:1034           0.0.0.0:0              LISTENING       2964\n"));
    CHECK_FALSE(has_kind(other, finding_kind::static_port_conflict));
    CHECK(has_kind(other, finding_kind::static_port_unbound));
}

TEST_CASE("static port with the service registered nowhere and no holder is reported unbound")
{
    const auto r = run(store_missing(), {flag("store=1033")});
    const auto* f = first_of(r, finding_kind::static_port_unbound);
    REQUIRE(f);
    CHECK(f->level == severity::error);
    CHECK(f->title == "Information Store is configured for port 1033 but registered on no TCP port");
    CHECK(f->remedy.find("netstat -ano | findstr :1033") != std::string::npos);
    CHECK_FALSE(has_kind(run(healthy_2003(), {flag("store=1033")}), finding_kind::static_port_unbound));
}

TEST_CASE("static port while the service sits on another port is a pending restart, not a conflict")
{
    const auto r = run(healthy_2003(), {flag("store=1040")});
    const auto* f = first_of(r, finding_kind::static_port_not_in_effect);
    REQUIRE(f);
    CHECK(f->level == severity::warning);
    CHECK(f->ports == std::vector<std::uint32_t>{1040, 1033});
    CHECK_FALSE(has_kind(r, finding_kind::static_port_conflict));
    CHECK(r.outcome == verdict::healthy);
    CHECK_FALSE(has_kind(run(healthy_2003(), {flag("store=1033")}), finding_kind::static_port_not_in_effect));
}

TEST_CASE("two values configured with the same port are a duplicate")
{
    const auto r = run(healthy_2003(), {flag("store=1031"), flag("rfr=1031")});
    const auto* f = first_of(r, finding_kind::duplicate_static_port);
    REQUIRE(f);
    CHECK(f->level == severity::error);
    CHECK(f->title == "Port 1031 is configured for Information Store and Directory Service Proxy");
    CHECK_FALSE(has_kind(run(healthy_2003(), {flag("store=1033"), flag("rfr=1031")}), finding_kind::duplicate_static_port));
}

TEST_CASE("ports below 1024 or above 65535 are errors; 1024 and 65535 are not")
{
    for (const char* bad : {"store=135", "store=70000", "rpc=1023"})
    {
        CAPTURE(bad);
        const auto r = run(healthy_2003(), {flag(bad)}, exchange_version::e2000);
        const auto* f = first_of(r, finding_kind::port_out_of_range);
        REQUIRE(f);
        CHECK(f->level == severity::error);
        CHECK(r.outcome == verdict::problems);
    }
    for (const char* good : {"store=1024", "store=65535"})
        CHECK_FALSE(has_kind(run(healthy_2003(), {flag(good)}), finding_kind::port_out_of_range));
}

TEST_CASE("2010 values outside 59531-60554 get a best-practice note, other versions' values do not")
{
    const auto r = run(healthy_2010(), {flag("rpc=6001")}, exchange_version::e2010);
    const auto* f = first_of(r, finding_kind::port_outside_recommended);
    REQUIRE(f);
    CHECK(f->level == severity::info);
    CHECK_FALSE(has_kind(run(healthy_2010(), {flag("rpc=59532")}, exchange_version::e2010),
                         finding_kind::port_outside_recommended));
    CHECK_FALSE(has_kind(run(healthy_2003(), {flag("store=1033")}), finding_kind::port_outside_recommended));
}

TEST_CASE("RpcTcpPort 0 means dynamic, not out of range")
{
    const auto r = run(healthy_2010(), {flag("ab=0")}, exchange_version::e2010);
    CHECK(has_kind(r, finding_kind::port_dynamic));
    CHECK_FALSE(has_kind(r, finding_kind::port_out_of_range));
    // For the store, 0 is no special value.
    CHECK(has_kind(run(healthy_2003(), {flag("store=0")}), finding_kind::port_out_of_range));
    CHECK_FALSE(has_kind(run(healthy_2003(), {flag("store=0")}), finding_kind::port_dynamic));
}

TEST_CASE("a REG_SZ port that is not a number is an error")
{
    auto reg = parse_registry_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeAB\\Parameters]\n"
                                   "\"RpcTcpPort\"=\"59533 \"\n\"Other\"=\"x\"\n");
    REQUIRE(reg.has_value());
    CHECK_FALSE(has_kind(run(healthy_2010(), find_static_ports(*reg, "a.reg")), finding_kind::value_not_a_number));
    reg = parse_registry_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeAB\\Parameters]\n"
                              "\"RpcTcpPort\"=\"fifty-nine thousand\"\n");
    REQUIRE(reg.has_value());
    const auto r = run(healthy_2010(), find_static_ports(*reg, "a.reg"));
    const auto* f = first_of(r, finding_kind::value_not_a_number);
    REQUIRE(f);
    CHECK(f->evidence == "a.reg line 3: \"fifty-nine thousand\"");
}

TEST_CASE("a REG_SZ where Exchange reads a REG_DWORD is reported as ignored, not taken as the port in effect")
{
    // The store set to "1033" as a string: Exchange reads a dword there, so it uses a dynamic port.
    auto reg = parse_registry_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem]\n"
                                   "\"TCP/IP Port\"=\"1987\"\n");
    REQUIRE(reg.has_value());
    const auto ports = find_static_ports(*reg, "is.reg");
    REQUIRE(ports.size() == 1);
    CHECK(ports[0].wrong_type);
    const auto r = run(store_missing(), ports);
    const auto* f = first_of(r, finding_kind::value_wrong_type);
    REQUIRE(f);
    CHECK(f->level == severity::warning);
    CHECK(f->title.find("is a string (REG_SZ); Exchange reads a REG_DWORD there and ignores it") != std::string::npos);
    CHECK(f->remedy.find("as a REG_DWORD (decimal 1987)") != std::string::npos);
    // Not in effect: no conflict with the MTA on 1987, and the missing store is not blamed on it.
    CHECK_FALSE(has_kind(r, finding_kind::static_port_conflict));
    const auto* missing = first_of(r, finding_kind::interfaces_missing);
    REQUIRE(missing);
    CHECK(missing->cause.find("= 1987") == std::string::npos);
    // A dword of the same value is in effect, and is checked.
    CHECK(has_kind(run(store_missing(), {flag("store=1987")}), finding_kind::static_port_conflict));
    // RpcTcpPort is read as a string: no such note.
    auto ab = parse_registry_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeAB\\Parameters]\n"
                                  "\"RpcTcpPort\"=\"59533\"\n");
    REQUIRE(ab.has_value());
    CHECK_FALSE(has_kind(run(healthy_2010(), find_static_ports(*ab, "ab.reg")), finding_kind::value_wrong_type));
}

TEST_CASE("remedies suggest a distinct unused port per value, none in use by anything the inputs show")
{
    // KB 926210's broken sample: the store, NSPI and RFR values all need a new port. 59531 is
    // listening and 59532 is a connection's local port in netstat; 59533 is registered.
    auto entries = read_dump_fixture("kb926210-broken.txt").at(0).entries;
    entries.push_back(tcp_entry("10.0.100.32", 59533, "12345778-1234-abcd-ef00-0123456789ac"));
    const std::string netstat = "  Proto  Local Address          Foreign Address        State           PID\n"
                                "  TCP    0.0.0.0:59531          0.0.0.0:0              LISTENING       77\n"
                                "  TCP    10.0.100.32:59532      10.0.0.9:445           ESTABLISHED     78\n"
                                "  TCP    0.0.0.0:1031           0.0.0.0:0              LISTENING       2964\n";
    const auto r = run(entries, {flag("store=3595"), flag("nspi=1033"), flag("rfr=1031"), flag("mta=1033")}, {}, netstat);
    // Every "such as N" / "= N)" suggestion, by the value it is for.
    std::map<std::string, std::set<std::uint32_t>> by_value;
    const std::regex such_as(R"re(the value ("[^"]+" under [^ ,]+)[^,]*, or set it to an unused port such as (\d+))re");
    const std::regex each(R"re(("[^"]+" under [^ ,]+) = (\d+)[,)])re");
    for (const auto& f : r.findings)
    {
        for (std::sregex_iterator it(f.remedy.begin(), f.remedy.end(), such_as), end; it != end; ++it)
            by_value[(*it)[1]].insert(std::stoul((*it)[2]));
        const auto open = f.remedy.find("unused port (");
        if (open == std::string::npos) continue;
        const auto list = f.remedy.substr(open);
        for (std::sregex_iterator it(list.begin(), list.end(), each), end; it != end; ++it)
            by_value[(*it)[1]].insert(std::stoul((*it)[2]));
    }
    CAPTURE(render_text(r));
    REQUIRE(by_value.size() >= 3);
    std::set<std::uint32_t> all;
    for (const auto& [value, ports] : by_value)
    {
        CAPTURE(value);
        CHECK(ports.size() == 1); // the same value gets the same port in every remedy
        for (auto p : ports)
        {
            CHECK(p >= 59531);
            CHECK(p <= 60554);
            CHECK(p != 59531); // listening
            CHECK(p != 59532); // a connection's local port
            CHECK(p != 59533); // registered
            CHECK(all.insert(p).second); // no two values share a suggestion
        }
    }
}

TEST_CASE("a value of another Exchange version is noted as unused and not checked against the dump")
{
    const auto r = run(healthy_2003(), {flag("rpc=59532")}, exchange_version::e2000);
    const auto* f = first_of(r, finding_kind::setting_not_used);
    REQUIRE(f);
    CHECK(f->level == severity::info);
    CHECK_FALSE(has_kind(r, finding_kind::static_port_unbound));
    CHECK_FALSE(has_kind(run(healthy_2003(), {flag("store=1033")}), finding_kind::setting_not_used));
}

TEST_CASE("a value given in the export and again with --static-port: the flag wins")
{
    auto reg = parse_registry_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem]\n"
                                   "\"TCP/IP Port\"=dword:00000e0b\n");
    REQUIRE(reg.has_value());
    auto ports = find_static_ports(*reg, "is.reg");
    ports.push_back(flag("store=1033"));
    const auto r = run(healthy_2003(), ports);
    CHECK(has_kind(r, finding_kind::setting_overridden));
    CHECK_FALSE(has_kind(r, finding_kind::static_port_not_in_effect)); // 3595 no longer counts
    CHECK(r.outcome == verdict::healthy);
    CHECK_FALSE(has_kind(run(healthy_2003(), find_static_ports(*reg, "is.reg")), finding_kind::setting_overridden));
}

TEST_CASE("2010 export: RPC Client Access and Address Book on their configured ports are healthy")
{
    auto reg = parse_registry(read_file(exchange_fixture("exchange2010-cas-regedit4.reg")));
    REQUIRE(reg.has_value());
    const auto r = run(healthy_2010(), find_static_ports(*reg, "cas.reg"));
    CHECK(r.profile == exchange_version::e2010);
    CHECK(r.outcome == verdict::healthy);
    CHECK(r.findings.empty());

    // Address Book failed to bind 59533, which the RPC Client Access service took instead.
    auto entries = healthy_2010();
    std::erase_if(entries, [](const epm::endpoint_entry& e) { return e.where.endpoint == "59533"; });
    entries.push_back(tcp_entry("10.0.100.40", 59533, "5261574a-4572-206e-b268-6b199213b4e4", 0, 1));
    const auto broken = run(entries, find_static_ports(*reg, "cas.reg"));
    CHECK(titles(broken, severity::error) ==
          std::vector<std::string>{"Port conflict: Address Book is configured for port 59533, which is held by AsyncEMSMDB "
                                   "[5261574a-4572-206e-b268-6b199213b4e4]",
                                   "Address Book (NSPI/RFR) not registered"});
}
