// The rpcdump text an admin saves (or our writer prints) must read back to the endpoint set
// the live client or replay produced, so that "epmdump exchange --dump" sees what they saw.
#include "exchange_fixtures.hpp"

#include <epmdump/capture/replay.hpp>
#include <epmdump/client/client.hpp>
#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/output/rpcdump.hpp>
#include <epmdump/output/writer.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <tuple>

using namespace epmdump;
using namespace epmdump::test;

namespace {

using endpoint_key = std::tuple<std::string, std::string, std::string, std::string, std::string>;

// What rpcdump text can carry: protseq, host, endpoint, interface UUID, annotation.
std::multiset<endpoint_key> endpoint_set(const epm::enumeration& e)
{
    std::multiset<endpoint_key> out;
    for (const auto& x : e.entries)
        out.insert({x.where.protseq, x.where.host, x.where.endpoint, epmdump::to_string(x.interface.id), x.annotation});
    return out;
}

epm::enumeration round_trip(const epm::enumeration& e)
{
    std::ostringstream text;
    output::write_rpcdump(text, e);
    auto back = output::read_rpcdump_text(text.str());
    REQUIRE(back.has_value());
    REQUIRE(back->enumerations.size() == 1);
    return back->enumerations[0];
}

void check_same_diagnosis(const epm::enumeration& original, const epm::enumeration& read_back)
{
    exchange::diagnosis_input a, b;
    a.enumerations = {original};
    b.enumerations = {read_back};
    const auto ra = exchange::diagnose(a);
    const auto rb = exchange::diagnose(b);
    CHECK(ra.outcome == rb.outcome);
    CHECK(ra.entries == rb.entries);
    CHECK(ra.tcp_entries == rb.tcp_entries);
    CHECK(titles(ra) == titles(rb));
}

} // namespace

TEST_CASE("replay's rpcdump output reads back into the same endpoint set")
{
    const auto path = project_pcap("samba-ad-dc-rpcdump.pcap");
    if (!std::filesystem::exists(path)) EPMDUMP_SKIP("pcaps/samba-ad-dc-rpcdump.pcap is absent");
    const auto replay = capture::replay_file(path);
    REQUIRE_FALSE(replay.error.has_value());
    REQUIRE(replay.conversations.size() == 1);
    const auto& original = replay.conversations[0].enumeration;
    REQUIRE(original.entries.size() == 53);
    const auto back = round_trip(original);
    CHECK(endpoint_set(back) == endpoint_set(original));
    check_same_diagnosis(original, back);
}

TEST_CASE("the KB 926210 dump survives our rpcdump writer unchanged")
{
    const auto original = read_dump_fixture("kb926210-broken.txt").at(0);
    const auto back = round_trip(original);
    CHECK(endpoint_set(back) == endpoint_set(original));
    check_same_diagnosis(original, back);
}

TEST_CASE("live client's rpcdump output against the Samba endpoint mapper reads back into the same endpoint set")
{
    const char* address = std::getenv("EPMDUMP_SAMBA_ADDRESS");
    if (!address || !*address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS not set (scripts/start-peers.sh starts Samba)");
    client::client_options options;
    options.verify = true; // as epmdump exchange does: PINGED/NOT_LISTENING words must read back too
    const auto live = client::enumerate(client::target{address, 135, ""}, options);
    REQUIRE(live.enumeration.status == epm::enumeration_status::ok);
    REQUIRE_FALSE(live.enumeration.entries.empty());
    const auto back = round_trip(live.enumeration);
    CHECK(endpoint_set(back) == endpoint_set(live.enumeration));
    std::multiset<std::pair<std::string, int>> pings_live, pings_back;
    for (const auto& e : live.enumeration.entries) pings_live.insert({e.where.endpoint, static_cast<int>(e.ping)});
    for (const auto& e : back.entries) pings_back.insert({e.where.endpoint, static_cast<int>(e.ping)});
    CHECK(pings_live == pings_back);
    // Verification really ran: Samba's TCP endpoints answer.
    CHECK(std::any_of(live.enumeration.entries.begin(), live.enumeration.entries.end(),
                      [](const epm::endpoint_entry& e) { return e.ping == epm::ping_status::pinged; }));
    check_same_diagnosis(live.enumeration, back);
}

TEST_CASE("live check against the Samba endpoint mapper reports no Exchange interfaces")
{
    const char* address = std::getenv("EPMDUMP_SAMBA_ADDRESS");
    if (!address || !*address) EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS not set (scripts/start-peers.sh starts Samba)");
    client::client_options options;
    options.verify = true;
    exchange::diagnosis_input in;
    in.enumerations.push_back(client::enumerate(client::target{address, 135, ""}, options).enumeration);
    const auto r = exchange::diagnose(in);
    CHECK(r.outcome == exchange::verdict::not_exchange);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].kind == exchange::finding_kind::not_exchange);
    CHECK(r.entries > 0);
}

TEST_CASE("every saved-dump format the command auto-detects gives the same diagnosis")
{
    auto broken = read_dump_fixture("kb926210-broken.txt").at(0);
    // RFR registered as v2.0: only formats that carry the version can tell it from v1.0.
    auto versioned = enumeration_of(healthy_2010());
    std::erase_if(versioned.entries, [](const epm::endpoint_entry& e) {
        return epmdump::to_string(e.interface.id) == "1544f5e0-613c-11d1-93df-00c04fd7bd09";
    });
    versioned.entries.push_back(tcp_entry("10.0.100.40", 59533, "1544f5e0-613c-11d1-93df-00c04fd7bd09", 2));
    {
        exchange::diagnosis_input direct;
        direct.enumerations = {versioned};
        CHECK(titles(exchange::diagnose(direct)) == std::vector<std::string>{"Address Book (RFR) not registered"});
    }
    for (const epm::enumeration* p : {&broken, &versioned})
    {
        const auto& original = *p;
        exchange::diagnosis_input direct;
        direct.enumerations = {original};
        const auto expected = exchange::diagnose(direct);
        for (auto f : {output::format::rpcdump, output::format::impacket, output::format::json})
        {
            CAPTURE(static_cast<int>(f));
            std::ostringstream text;
            output::write_all(text, f, std::span<const epm::enumeration>(&original, 1));
            auto back = output::read_dump(text.str());
            REQUIRE(back.has_value());
            CHECK(back->detected == f);
            exchange::diagnosis_input in;
            in.enumerations = back->enumerations;
            const auto r = exchange::diagnose(in);
            if (f == output::format::rpcdump && &original == &versioned)
            {
                // rpcdump.exe text has no interface version: matched by UUID alone, v2.0 passes.
                CHECK(r.outcome == exchange::verdict::healthy);
                continue;
            }
            CHECK(r.outcome == expected.outcome);
            CHECK(r.profile == expected.profile);
            CHECK(titles(r) == titles(expected));
        }
    }
}

TEST_CASE("impacket rpcdump.py output of the Samba AD DC is read and is not Exchange")
{
    const auto path = shared_file("peers/samba-epm/impacket-rpcdump.txt");
    if (!path) EPMDUMP_SKIP("../shared/peers/samba-epm/impacket-rpcdump.txt is absent");
    auto d = output::read_dump(read_text(*path));
    REQUIRE(d.has_value());
    CHECK(d->detected == output::format::impacket);
    exchange::diagnosis_input in;
    in.enumerations = d->enumerations;
    const auto r = exchange::diagnose(in);
    CHECK(r.entries == 53);
    CHECK(r.outcome == exchange::verdict::not_exchange);
}
