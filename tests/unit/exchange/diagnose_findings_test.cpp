// Findings that do not need static ports: presence, grouping, splits, liveness, input state.
#include "exchange_fixtures.hpp"

#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/exchange/report_format.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::exchange;
using namespace epmdump::test;

namespace {

report run(std::vector<epm::endpoint_entry> entries, std::optional<exchange_version> profile = {})
{
    diagnosis_input in;
    in.enumerations.push_back(enumeration_of(std::move(entries)));
    in.profile = profile;
    return diagnose(in);
}

const std::string samr = "12345778-1234-abcd-ef00-0123456789ac";
const std::string lsarpc = "12345778-1234-abcd-ef00-0123456789ab";

} // namespace

TEST_CASE("a host without Exchange interfaces gets one not_exchange finding, not an empty report")
{
    const auto r = run({tcp_entry("10.200.0.2", 49153, lsarpc, 0), tcp_entry("10.200.0.2", 49154, samr, 1)});
    CHECK(r.outcome == verdict::not_exchange);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].kind == finding_kind::not_exchange);
    CHECK(r.findings[0].level == severity::error);
    CHECK(r.findings[0].title.find("not an Exchange server (or the endpoint mapper is filtered)") != std::string::npos);
    CHECK(run(healthy_2003()).outcome == verdict::healthy);
}

TEST_CASE("NSPI alone does not make a host an Exchange server: a global catalog registers it too")
{
    const auto r = run({tcp_entry("10.0.0.1", 49155, "f5cc5a18-4264-101a-8c59-08002b2f8426", 56)});
    CHECK(r.outcome == verdict::not_exchange);
    // RFR is Exchange's own.
    CHECK(run({tcp_entry("10.0.0.1", 1031, "1544f5e0-613c-11d1-93df-00c04fd7bd09", 1)}).outcome != verdict::not_exchange);
}

TEST_CASE("a partial listing without Exchange interfaces is incomplete, not a verdict on the host")
{
    diagnosis_input in;
    in.enumerations.push_back(enumeration_of({tcp_entry("10.200.0.2", 49153, lsarpc, 0)}));
    in.enumerations[0].status = epm::enumeration_status::incomplete;
    const auto r = diagnose(in);
    CHECK(r.outcome == verdict::incomplete);
    CHECK(r.findings.size() == 2); // and the listing's own "incomplete" warning
    const auto* f = first_of(r, finding_kind::not_exchange);
    REQUIRE(f);
    CHECK(f->level == severity::warning);
    CHECK(f->title == "No Exchange interface in the partial listing");
}

TEST_CASE("an empty endpoint-mapper listing is not_exchange (filtered), not healthy")
{
    const auto r = run({});
    CHECK(r.outcome == verdict::not_exchange);
    CHECK(r.findings.size() == 1);
}

TEST_CASE("a partly registered service names only its missing interfaces")
{
    auto entries = healthy_2003();
    std::erase_if(entries, [](const epm::endpoint_entry& e) {
        return epmdump::to_string(e.interface.id) == "83d72bf0-0d89-11ce-b13f-00aa003bac6c";
    });
    const auto r = run(entries);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].title == "System Attendant (Private) not registered");
    CHECK(r.findings[0].ports == std::vector<std::uint32_t>{1031});
    CHECK(r.findings[0].evidence.find("1 of 3 interfaces missing; present: Cluster on 1031, Public on 1031") != std::string::npos);
}

TEST_CASE("required interfaces registered only on ncalrpc are missing from TCP, and the evidence says so")
{
    auto entries = healthy_2003();
    for (auto& e : entries)
        if (e.where.endpoint == "1987") e.where = {"ncalrpc", "", "MTA-LRPC"};
    const auto r = run(entries, exchange_version::e2000);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].title == "Message Transfer Agent (Mta/QAdmin) not registered");
    CHECK(r.findings[0].evidence.find("Mta is registered on ncalrpc only") != std::string::npos);
}

TEST_CASE("with interface versions in the input, a wrong major version does not count as registered")
{
    auto entries = healthy_2003();
    entries.erase(entries.begin(), entries.begin() + 2); // the MTA pair, replaced with versioned entries
    entries.push_back(tcp_entry("10.0.100.32", 1987, "38a94e72-a9bc-11d2-8faf-00c04fa378ff", 1));
    entries.push_back(tcp_entry("10.0.100.32", 1987, "9e8ee830-4459-11ce-979b-00aa005ffebe", 3));
    const auto r = run(entries, exchange_version::e2000);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].title == "Message Transfer Agent (Mta) not registered");
    CHECK(r.findings[0].evidence.find("Mta is registered as v3.0, expected v2.0") != std::string::npos);

    entries.back() = tcp_entry("10.0.100.32", 1987, "9e8ee830-4459-11ce-979b-00aa005ffebe", 2);
    CHECK(run(entries, exchange_version::e2000).findings.empty());
}

TEST_CASE("interfaces of one service on two ports are reported split")
{
    auto entries = healthy_2003();
    for (auto& e : entries)
        if (epmdump::to_string(e.interface.id) == "99e64010-b032-11d0-97a4-00c04fd6551d") e.where.endpoint = "1040";
    const auto r = run(entries);
    const auto* f = first_of(r, finding_kind::ports_split);
    REQUIRE(f);
    CHECK(f->level == severity::warning);
    CHECK(f->service == "Information Store");
    CHECK(f->ports == std::vector<std::uint32_t>{1033, 1040});
    CHECK(f->evidence == "port 1033: EMSMDB, Information Store, STORE ADMIN; port 1040: STORE ADMIN");
    CHECK(r.outcome == verdict::healthy); // a warning alone
    // NSPI (1032) and RFR (1031) have separate static port values: different ports are normal.
    CHECK_FALSE(has_kind(run(healthy_2003()), finding_kind::ports_split));
}

TEST_CASE("live verification: registered Exchange endpoints that do not answer are errors")
{
    auto entries = healthy_2003();
    for (auto& e : entries)
        e.ping = e.where.endpoint == "1987" ? epm::ping_status::not_listening : epm::ping_status::pinged;
    const auto r = run(entries);
    const auto* f = first_of(r, finding_kind::not_answering);
    REQUIRE(f);
    CHECK(f->title == "Message Transfer Agent (Mta/QAdmin) registered but not answering on port 1987");
    CHECK(r.outcome == verdict::problems);

    // A port that answers but not for the interface (another RPC server, or none) is no healthier.
    for (const auto state : {epm::ping_status::wrong_interface, epm::ping_status::not_rpc})
    {
        for (auto& e : entries) e.ping = e.where.endpoint == "1987" ? state : epm::ping_status::pinged;
        const auto other = run(entries);
        const auto* g = first_of(other, finding_kind::not_answering);
        REQUIRE(g);
        CHECK(g->ports == std::vector<std::uint32_t>{1987});
        CHECK(g->evidence == (state == epm::ping_status::wrong_interface
                                  ? "the endpoint mapper lists them, but the DCE/RPC server on port(s) 1987 refused these interfaces"
                                  : "the endpoint mapper lists them, but what answered on port(s) 1987 is no DCE/RPC server"));
        CHECK(other.outcome == verdict::problems);
    }

    for (auto& e : entries) e.ping = epm::ping_status::pinged;
    CHECK_FALSE(has_kind(run(entries), finding_kind::not_answering));
    // Non-Exchange endpoints that do not answer are not this check's business.
    entries.push_back(tcp_entry("10.0.100.32", 49154, samr));
    entries.back().ping = epm::ping_status::not_listening;
    CHECK_FALSE(has_kind(run(entries), finding_kind::not_answering));
}

TEST_CASE("an incomplete enumeration warns that absences may be artefacts")
{
    diagnosis_input in;
    in.enumerations.push_back(enumeration_of(healthy_2003()));
    in.enumerations[0].status = epm::enumeration_status::incomplete;
    in.enumerations[0].error = epm::enumeration_error{epm::failure_kind::timeout, "no response within 5000 ms"};
    const auto r = diagnose(in);
    const auto* f = first_of(r, finding_kind::enumeration_incomplete);
    REQUIRE(f);
    CHECK(f->evidence == "timeout: no response within 5000 ms");
    in.enumerations[0].status = epm::enumeration_status::ok;
    CHECK_FALSE(has_kind(diagnose(in), finding_kind::enumeration_incomplete));
}

TEST_CASE("an unreachable target gives verdict unknown with the reason")
{
    diagnosis_input in;
    epm::enumeration failed;
    failed.target = "exch01";
    failed.status = epm::enumeration_status::error;
    failed.error = epm::enumeration_error{epm::failure_kind::refused, "connection refused by 10.0.0.9:135"};
    in.enumerations.push_back(failed);
    const auto r = diagnose(in);
    CHECK(r.outcome == verdict::unknown);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].kind == finding_kind::could_not_check);
    CHECK(r.findings[0].evidence == "exch01: connection refused by 10.0.0.9:135");
    CHECK(r.findings[0].remedy.starts_with("check that TCP 135 is reachable"));
    // The remedy names the port that was asked (-p, exch01:PORT, SMB's 445), not always 135.
    in.enumerations[0].port = 4135;
    CHECK(diagnose(in).findings[0].remedy.starts_with("check that TCP 4135 is reachable"));
    // One good source among several is enough to check.
    in.enumerations.push_back(enumeration_of(healthy_2003()));
    CHECK(diagnose(in).outcome == verdict::healthy);
}

TEST_CASE("a forced --version-profile that the listing contradicts gets a note naming the foreign interfaces")
{
    diagnosis_input in;
    in.enumerations = read_dump_fixture("kb926210-healthy.txt");
    in.profile = exchange_version::e2007; // the KB's listing is 2000/2003: the MTA is registered
    auto r = diagnose(in);
    CHECK_FALSE(r.profile_detected);
    const auto* f = first_of(r, finding_kind::profile_contradicted);
    REQUIRE(f);
    CHECK(f->level == severity::warning);
    CHECK(f->title == "--version-profile 2007 was given, but the listing holds interfaces Exchange 2007 does not register");
    CHECK(f->evidence.rfind("Mta on 1987, QAdmin on 1987; from the listing alone the profile would be "
                            "Exchange 2000/2003 (Mta and QAdmin are registered (the MTA)",
                            0) == 0);
    // The matching version, and auto-detection, get no such note.
    in.profile = exchange_version::e2000;
    CHECK_FALSE(has_kind(diagnose(in), finding_kind::profile_contradicted));
    in.profile.reset();
    CHECK_FALSE(has_kind(diagnose(in), finding_kind::profile_contradicted));
    // A 2010 listing forced to 2000/2003: AsyncEMSMDB is not a 2000/2003 interface.
    diagnosis_input in2010;
    in2010.enumerations.push_back(enumeration_of(healthy_2010()));
    in2010.profile = exchange_version::e2000;
    const auto r2010 = diagnose(in2010);
    const auto* g = first_of(r2010, finding_kind::profile_contradicted);
    REQUIRE(g);
    CAPTURE(g->evidence);
    CHECK(g->evidence.rfind("AsyncEMSMDB on 59532;", 0) == 0);
}

TEST_CASE("profile auto-detection follows the registered services and says why")
{
    CHECK(run(healthy_2003()).profile == exchange_version::e2000);
    const auto r2010 = run(healthy_2010());
    CHECK(r2010.profile == exchange_version::e2010);
    CHECK(r2010.profile_reason.find("AsyncEMSMDB") != std::string::npos);
    // 2007: System Attendant and DSProxy, no MTA, no AsyncEMSMDB.
    auto e2007 = healthy_2003();
    e2007.erase(e2007.begin(), e2007.begin() + 2);
    const auto r2007 = run(e2007);
    CHECK(r2007.profile == exchange_version::e2007);
    CHECK(r2007.outcome == verdict::healthy);
    // EMSMDB on two ports: the 2010 store and RPC Client Access, even without AsyncEMSMDB.
    auto two = healthy_2010();
    std::erase_if(two, [](const epm::endpoint_entry& e) { return e.interface.id == *parse_uuid("5261574a-4572-206e-b268-6b199213b4e4"); });
    CHECK(run(two).profile == exchange_version::e2010);
    // A given profile is used as given.
    const auto forced = run(e2007, exchange_version::e2000);
    CHECK_FALSE(forced.profile_detected);
    CHECK(titles(forced) == std::vector<std::string>{"Message Transfer Agent (Mta/QAdmin) not registered"});
}

TEST_CASE("2010: a role with nothing registered is noted, a role that is partly there is an error")
{
    // Mailbox-only 2010 server: store and SA, nothing of Client Access.
    const auto mailbox = run({tcp_entry("10.0.0.5", 6001, "a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81),
                              tcp_entry("10.0.0.5", 6001, "99e64010-b032-11d0-97a4-00c04fd6551d", 3)},
                             exchange_version::e2010);
    const auto* f = first_of(mailbox, finding_kind::role_not_detected);
    REQUIRE(f);
    CHECK(f->level == severity::info);
    CHECK(f->title == "No Client Access role services registered (RPC Client Access, Address Book)");
    CHECK(mailbox.outcome == verdict::healthy);

    // Address Book up, RPC Client Access down: the role is there, so the absence is an error.
    auto cas = healthy_2010();
    std::erase_if(cas, [](const epm::endpoint_entry& e) { return e.where.endpoint == "59532"; });
    const auto broken = run(cas, exchange_version::e2010);
    CHECK_FALSE(has_kind(broken, finding_kind::role_not_detected));
    CAPTURE(render_text(broken));
    CHECK(titles(broken, severity::error) == std::vector<std::string>{"RPC Client Access (AsyncEMSMDB) not registered"});
}

TEST_CASE("absences in listings that never completed are warnings, not errors")
{
    diagnosis_input in;
    in.enumerations.push_back(enumeration_of(read_dump_fixture("kb926210-broken.txt").at(0).entries));
    in.enumerations[0].status = epm::enumeration_status::incomplete;
    in.enumerations[0].error = epm::enumeration_error{epm::failure_kind::no_full_listing, "ept_map answers only"};
    auto r = diagnose(in);
    CHECK(r.count(severity::error) == 0);
    CHECK_FALSE(r.listing_complete);
    // No error, but a partial listing cannot show that nothing is missing: never "healthy".
    CHECK(r.outcome == verdict::incomplete);
    const auto* f = first_of(r, finding_kind::interfaces_missing);
    REQUIRE(f);
    CHECK(f->level == severity::warning);
    CHECK(f->title == "Information Store (EMSMDB, Information Store x3, STORE ADMIN) not in the partial listing");
    CHECK(f->evidence.find("may only be unlisted") != std::string::npos);
    const auto text = render_text(r);
    CHECK(text.rfind("Verdict: INCOMPLETE (3 warnings): the listing is partial", 0) == 0);
    CHECK(text.find("\nCould not check: whether interfaces not in the listing are registered") != std::string::npos);
    CHECK(text.find("not listed") != std::string::npos);
    CHECK(text.find("not registered\n") == std::string::npos);
    // One complete listing among them makes the absence evidence again.
    in.enumerations.push_back(enumeration_of(read_dump_fixture("kb926210-broken.txt").at(0).entries, "second"));
    r = diagnose(in);
    CHECK(r.count(severity::error) == 2);
    CHECK(r.outcome == verdict::problems);
    CHECK(r.targets == std::vector<std::string>{"test", "second"});
}
