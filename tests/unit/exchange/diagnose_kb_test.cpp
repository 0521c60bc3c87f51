// KB 926210's two sample dumps, cut out of the article exactly as printed, read by the real
// dump reader.
#include "exchange_fixtures.hpp"

#include <epmdump/exchange/diagnose.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::exchange;
using namespace epmdump::test;

TEST_CASE("KB 926210 fixtures are verbatim cuts of the article")
{
    const auto kb = shared_file("kb/KB926210.txt");
    if (!kb) EPMDUMP_SKIP("../shared/kb/KB926210.txt is absent");
    const auto article = read_text(*kb);
    for (const char* name : {"kb926210-healthy.txt", "kb926210-broken.txt"})
    {
        CAPTURE(name);
        const auto cut = read_text(exchange_fixture(name));
        CHECK(cut.rfind("ncacn_ip_tcp(Connection-oriented TCP/IP)\n", 0) == 0);
        CHECK(article.find(cut) != std::string::npos);
    }
}

TEST_CASE("KB 926210 healthy sample gives a healthy verdict with no error finding")
{
    diagnosis_input in;
    in.enumerations = read_dump_fixture("kb926210-healthy.txt");
    const auto r = diagnose(in);
    CHECK(r.entries == 45); // duplicates and the "MS ExchangeDirectory" typo line included
    CHECK(r.tcp_entries == 45);
    CHECK(r.addresses == std::vector<std::string>{"10.0.100.32", "10.0.100.33", "10.0.100.34"});
    CHECK(r.profile == exchange_version::e2000);
    CHECK(r.profile_detected);
    CHECK(r.count(severity::error) == 0);
    CHECK(r.outcome == verdict::healthy);
    CHECK(r.findings.empty());
}

TEST_CASE("KB 926210 broken sample gives exactly the Information Store and System Attendant findings")
{
    diagnosis_input in;
    in.enumerations = read_dump_fixture("kb926210-broken.txt");
    const auto r = diagnose(in);
    CHECK(r.entries == 12);
    CHECK(r.profile == exchange_version::e2000);
    CHECK(r.outcome == verdict::problems);
    CHECK(titles(r) == std::vector<std::string>{
                           "Information Store (EMSMDB, Information Store x3, STORE ADMIN) not registered",
                           "System Attendant (Cluster/Private/Public) not registered",
                       });
    REQUIRE(r.findings.size() == 2);
    const auto& is = r.findings[0];
    CHECK(is.level == severity::error);
    CHECK(is.kind == finding_kind::interfaces_missing);
    CHECK(is.service == "Information Store");
    CHECK(is.interfaces.size() == 7);
    CHECK(is.remedy.find("\"TCP/IP Port\" under HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem") !=
          std::string::npos);
    CHECK(is.remedy.find("59531") != std::string::npos); // an unused port to choose
    const auto& sa = r.findings[1];
    CHECK(sa.service == "System Attendant");
    CHECK(sa.interfaces.size() == 3);
    // The SA's own interfaces are pinned by no value: the NSPI and RFR values (DSProxy's) are not
    // theirs to blame, and mad.exe is running since DSProxy's interfaces are listed.
    CHECK(sa.remedy.find("TCP/IP NSPI Port") == std::string::npos);
    CHECK(sa.cause.find("is running (the listing shows NSPI Proxy on 1032, RFR on 3518)") != std::string::npos);
}

TEST_CASE("KB 926210 broken sample: static NSPI and RFR ports the listing shows in use are never blamed")
{
    // The same settings given as flags and as a .reg: both say NSPI=1032, TCP/IP Port=3518.
    const char* reg_text = "Windows Registry Editor Version 5.00\r\n\r\n"
                           "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeSA\\Parameters]\r\n"
                           "\"TCP/IP NSPI Port\"=dword:00000408\r\n\"TCP/IP Port\"=dword:00000dbe\r\n";
    auto reg = parse_registry_text(reg_text);
    REQUIRE(reg.has_value());
    std::vector<configured_port> from_flags;
    for (const char* flag : {"rfr=3518", "nspi=1032"})
    {
        auto c = parse_static_port_option(flag);
        REQUIRE(c.has_value());
        from_flags.push_back(*c);
    }
    for (const auto& ports : {from_flags, find_static_ports(*reg, "sa.reg")})
    {
        REQUIRE(ports.size() == 2);
        diagnosis_input in;
        in.enumerations = read_dump_fixture("kb926210-broken.txt");
        in.static_ports = ports;
        const auto r = diagnose(in);
        CHECK(r.outcome == verdict::problems); // the store and the SA interfaces are still missing
        for (const auto& f : r.findings)
        {
            CAPTURE(f.title);
            CHECK(f.cause.find("could not bind") == std::string::npos);
            CHECK(f.remedy.find("remove the static port value(s) \"TCP/IP") == std::string::npos);
            CHECK(f.remedy.find("= 1032,") == std::string::npos);
            CHECK(f.kind != finding_kind::static_port_unbound);
            CHECK(f.kind != finding_kind::static_port_conflict);
        }
        const auto* sa = first_of(r, finding_kind::interfaces_missing);
        REQUIRE(sa);
        REQUIRE(r.findings.size() == 2);
        const auto& sa_finding = r.findings[1];
        CHECK(sa_finding.service == "System Attendant");
        CHECK(sa_finding.remedy.find("; keep \"TCP/IP") != std::string::npos);
        CHECK(sa_finding.remedy.find("= 1032 (the listing shows NSPI Proxy on 1032)") != std::string::npos);
        CHECK(sa_finding.remedy.find("= 3518 (the listing shows RFR on 3518)") != std::string::npos);
        CHECK(sa_finding.remedy.find("they work") != std::string::npos);
    }
}

TEST_CASE("a missing interface is blamed on the value that pins its own endpoint, per Exchange version")
{
    // 2003: RFR missing, NSPI on its configured port. Only "TCP/IP Port" (RFR's) may be blamed.
    auto entries = read_dump_fixture("kb926210-healthy.txt");
    std::erase_if(entries[0].entries, [](const epm::endpoint_entry& e) {
        return epmdump::to_string(e.interface.id) == "1544f5e0-613c-11d1-93df-00c04fd7bd09";
    });
    diagnosis_input in;
    in.enumerations = entries;
    for (const char* flag : {"nspi=1032", "rfr=4000"})
        in.static_ports.push_back(*parse_static_port_option(flag));
    const auto r = diagnose(in);
    const auto* f = first_of(r, finding_kind::interfaces_missing);
    REQUIRE(f);
    CHECK(f->title == "Directory Service Proxy (RFR) not registered");
    CHECK(f->cause.find("could not bind its static port(s) \"TCP/IP Port\" under HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeSA\\Parameters = 4000") !=
          std::string::npos);
    CHECK(f->cause.find("NSPI Port\" under HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeSA\\Parameters = 1032") == std::string::npos);
    CHECK(f->remedy.find("keep \"TCP/IP NSPI Port\"") != std::string::npos);

    // 2010: the same UUID (RFR) belongs to the Address Book, pinned by RpcTcpPort; the 2003 SA
    // values are not read by 2010 and are never blamed.
    diagnosis_input in2010;
    auto e2010 = test::healthy_2010();
    std::erase_if(e2010, [](const epm::endpoint_entry& e) {
        return epmdump::to_string(e.interface.id) == "1544f5e0-613c-11d1-93df-00c04fd7bd09" ||
               epmdump::to_string(e.interface.id) == "f5cc5a18-4264-101a-8c59-08002b2f8426";
    });
    in2010.enumerations.push_back(enumeration_of(e2010));
    in2010.profile = exchange_version::e2010;
    in2010.static_ports.push_back(*parse_static_port_option("rfr=59533"));
    const auto r2010 = diagnose(in2010);
    const auto* ab = first_of(r2010, finding_kind::interfaces_missing);
    REQUIRE(ab);
    CHECK(ab->service == "Address Book");
    CHECK(ab->remedy.find("\"RpcTcpPort\" under HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeAB\\Parameters") != std::string::npos);
    CHECK(ab->remedy.find("TCP/IP Port") == std::string::npos);
}

TEST_CASE("KB 926210 broken sample with the static-port export and netstat -ano names the port holders")
{
    diagnosis_input in;
    in.enumerations = read_dump_fixture("kb926210-broken.txt");
    auto reg = parse_registry(read_file(exchange_fixture("exchange2003-static-ports.reg")));
    REQUIRE(reg.has_value());
    in.static_ports = find_static_ports(*reg, "exchange2003-static-ports.reg");
    auto net = parse_netstat(read_text(exchange_fixture("netstat-ano-windows.txt")));
    REQUIRE(net.has_value());
    in.netstat = *net;
    const auto r = diagnose(in);

    CHECK(r.outcome == verdict::problems);
    // IS pinned to 3595, where the MTA registered: the holder is an interface of the dump.
    const auto* store = first_of(r, finding_kind::static_port_conflict);
    REQUIRE(store);
    CHECK(store->service == "Information Store");
    CHECK(store->ports == std::vector<std::uint32_t>{3595});
    CHECK(store->title.find("MS Exchange MTA") != std::string::npos);
    // RFR pinned to 1031: nothing registered there, but PID 2964 listens on it.
    int conflicts = 0;
    for (const auto& f : r.findings)
    {
        if (f.kind != finding_kind::static_port_conflict) continue;
        ++conflicts;
        if (f.service == "Directory Service Proxy")
        {
            CHECK(f.ports.front() == 1031);
            CHECK(f.title.find("PID 2964") != std::string::npos);
            CHECK(f.evidence.find("registered on port(s) 3518") != std::string::npos);
        }
    }
    CHECK(conflicts == 2);
    // NSPI is on its configured 1032: nothing to say about it.
    for (const auto& f : r.findings) CHECK(f.service != "Directory Service Proxy (NSPI)");
    // The missing-interface findings now quote the configured value.
    const auto* missing = first_of(r, finding_kind::interfaces_missing);
    REQUIRE(missing);
    CHECK(missing->cause.find("= 3595") != std::string::npos);
    CHECK(r.count(severity::error) == 4);
}

TEST_CASE("KB 926210 healthy sample with the static ports it actually uses gives no port finding")
{
    diagnosis_input in;
    in.enumerations = read_dump_fixture("kb926210-healthy.txt");
    for (const char* flag : {"store=1033", "nspi=1032", "rfr=1031"})
    {
        auto c = parse_static_port_option(flag);
        REQUIRE(c.has_value());
        in.static_ports.push_back(*c);
    }
    auto net = parse_netstat(read_text(exchange_fixture("netstat-ano-windows.txt")));
    REQUIRE(net.has_value());
    in.netstat = *net; // PID 2964 on 1031 is then the service itself
    const auto r = diagnose(in);
    CHECK(r.outcome == verdict::healthy);
    CHECK(r.findings.empty());
}
