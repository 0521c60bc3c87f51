#include <epmdump/exchange/catalog.hpp>
#include <epmdump/exchange/static_ports.hpp>

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace epmdump;
using namespace epmdump::exchange;

TEST_CASE("catalog requires on 2000/2003 exactly the 14 distinct interfaces of KB 926210's healthy sample")
{
    // The KB lists 15 lines per address; STORE ADMIN 99e64010 appears twice.
    const std::set<std::string> kb{
        "38a94e72-a9bc-11d2-8faf-00c04fa378ff", "9e8ee830-4459-11ce-979b-00aa005ffebe", "a4f1db00-ca47-1067-b31f-00dd010662da",
        "0e4a0156-dd5d-11d2-8c2f-00c04fb6bcde", "1453c42c-0fa6-11d2-a910-00c04f990f3b", "10f24e8e-0fa6-11d2-a910-00c04f990f3b",
        "99e64010-b032-11d0-97a4-00c04fd6551d", "89742ace-a9ed-11cf-9c0c-08002be7ae86", "a4f1db00-ca47-1067-b31e-00dd010662da",
        "f5cc5a18-4264-101a-8c59-08002b2f8426", "1544f5e0-613c-11d1-93df-00c04fd7bd09", "f930c514-1215-11d3-99a5-00a0c9b61b04",
        "83d72bf0-0d89-11ce-b13f-00aa003bac6c", "469d6ec0-0d87-11ce-b13f-00aa003bac6c"};
    std::set<std::string> required;
    for (const auto& row : all_interfaces())
        if (row.required(exchange_version::e2000)) required.insert(epmdump::to_string(row.id));
    CHECK(required == kb);
}

TEST_CASE("catalog rows carry the versions the issue names and point at known services")
{
    const auto emsmdb = *parse_uuid("a4f1db00-ca47-1067-b31f-00dd010662da");
    const auto nspi = *parse_uuid("f5cc5a18-4264-101a-8c59-08002b2f8426");
    const auto rfr = *parse_uuid("1544f5e0-613c-11d1-93df-00c04fd7bd09");
    const auto async = *parse_uuid("5261574a-4572-206e-b268-6b199213b4e4");
    for (const auto* row : find_rows(emsmdb))
    {
        CHECK(row->major == 0);
        CHECK(row->minor == 81);
    }
    for (const auto* row : find_rows(nspi)) CHECK(row->major == 56);
    for (const auto* row : find_rows(rfr)) CHECK(row->major == 1);
    bool async_2007 = false, async_2010 = false;
    for (const auto* row : find_rows(async))
    {
        async_2007 |= row->in(exchange_version::e2007);
        async_2010 |= row->in(exchange_version::e2010);
    }
    CHECK(async_2007);
    CHECK(async_2010);
    for (const auto& row : all_interfaces())
    {
        CAPTURE(row.label);
        CHECK(find_service(row.service) != nullptr);
        CHECK((row.required_in & ~row.versions) == 0); // required only where registered
    }
}

TEST_CASE("catalog groups RFR and NSPI apart from the System Attendant on 2000/2003")
{
    // KB 926210's broken sample keeps RFR and NSPI while the SA interfaces are gone: they
    // must not be one service, or the SA finding would not be "Cluster/Private/Public".
    for (const auto& row : all_interfaces())
    {
        if (!row.in(exchange_version::e2000)) continue;
        if (row.label == "RFR" || row.label == "NSPI Proxy") CHECK(row.service == "dsproxy");
        if (row.label == "Cluster" || row.label == "Private" || row.label == "Public") CHECK(row.service == "sa");
    }
}

TEST_CASE("static port settings name the registry values of KB 148732, ExBPA and TechNet wiki 864")
{
    struct expected
    {
        const char* id;
        const char* key;
        const char* value;
    };
    for (auto e : {expected{"store", "MSExchangeIS\\ParametersSystem", "TCP/IP Port"},
                   expected{"nspi", "MSExchangeSA\\Parameters", "TCP/IP NSPI Port"},
                   expected{"rfr", "MSExchangeSA\\Parameters", "TCP/IP Port"},
                   expected{"ds", "MSExchangeDS\\Parameters", "TCP/IP port"},
                   expected{"rpc", "MSExchangeRPC\\ParametersSystem", "TCP/IP Port"},
                   expected{"ab", "MSExchangeAB\\Parameters", "RpcTcpPort"}})
    {
        const auto* s = find_port_setting(e.id);
        REQUIRE(s);
        CHECK(s->key == e.key);
        CHECK(s->value == e.value);
    }
    CHECK(find_port_setting("ab")->type == value_type::string);
    CHECK(find_port_setting("rpc")->recommended_low == 59531);
    CHECK(find_port_setting("rpc")->recommended_high == 60554);
    CHECK(find_port_setting("MSExchangeRPC") == find_port_setting("rpc"));
    CHECK(find_port_setting("Address-Book") == find_port_setting("ab"));
    CHECK(find_port_setting("smtp") == nullptr);
}

TEST_CASE("--static-port parses SERVICE=PORT and rejects unknown services and non-numbers")
{
    auto ok = parse_static_port_option("MSExchangeIS=1033");
    REQUIRE(ok.has_value());
    CHECK(ok->setting == find_port_setting("store"));
    CHECK(ok->port == 1033u);
    CHECK(ok->key_path == "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem");
    auto big = parse_static_port_option("rpc=70000"); // out of range is a finding, not a usage error
    REQUIRE(big.has_value());
    CHECK(big->port == 70000u);
    CHECK_FALSE(parse_static_port_option("store").has_value());
    CHECK_FALSE(parse_static_port_option("smtp=25").has_value());
    CHECK_FALSE(parse_static_port_option("store=10x").has_value());
    CHECK_FALSE(parse_static_port_option("store=-1").has_value());
}

TEST_CASE("version profiles accept 2000, 2003, 2007 and 2010, not auto")
{
    CHECK(parse_version("2000") == exchange_version::e2000);
    CHECK(parse_version("2003") == exchange_version::e2000);
    CHECK(parse_version("2007") == exchange_version::e2007);
    CHECK(parse_version("2010") == exchange_version::e2010);
    CHECK_FALSE(parse_version("auto").has_value());
    CHECK_FALSE(parse_version("2013").has_value());
}
