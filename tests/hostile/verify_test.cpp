// Hostile endpoints behind an honest endpoint mapper: verification ("ping") connects to every
// ncacn_ip_tcp port the mapper names, and those may stall or drip. The listing must come back
// whole, within the host deadline.
#include "hostile_util.hpp"

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::test;

TEST_CASE("verification against ports that stall or drip ends within the host deadline and keeps the listing whole")
{
    // One port accepts and never answers; another answers its bind one byte every 300 ms.
    server_script silent;
    silent.silent = true;
    scripted_server stalling(silent);
    server_script slow;
    slow.accept_any_interface = true;
    slow.tamper = [](const dcerpc::message&, std::vector<std::byte> answer, int) {
        wire_plan p;
        for (auto b : answer)
        {
            p.push_back(wire_step::pause(300ms));
            p.push_back(wire_step::write({b}));
        }
        return p;
    };
    scripted_server dripping(slow);

    server_script mapper;
    const char* lsarpc = "12345778-1234-abcd-ef00-0123456789ab";
    const char* samr = "12345778-1234-abcd-ef00-0123456789ac";
    for (const auto* port : {&stalling, &dripping})
    {
        const auto p = std::to_string(port->port());
        mapper.entries.push_back(make_entry(lsarpc, 0, 0, "ncacn_ip_tcp", "0.0.0.0", p, "lsarpc"));
        mapper.entries.push_back(make_entry(samr, 1, 0, "ncacn_ip_tcp", "0.0.0.0", p, "samr"));
    }
    mapper.entries.push_back(make_entry(lsarpc, 0, 0, "ncacn_np", "", "\\pipe\\lsass", "lsarpc"));
    scripted_server server(mapper);

    auto o = hostile_options();
    o.verify = true;
    o.timeouts.bind = 10s; // only the host deadline can end the dripping bind
    auto out = enumerate_at(server, o);
    REQUIRE_MESSAGE(!out.r.error, out.what());
    CHECK(out.r.enumeration.status == epm::enumeration_status::ok);
    CHECK(out.took < o.timeouts.host + slack);
    REQUIRE(out.r.enumeration.entries.size() == mapper.entries.size());
    for (std::size_t i = 0; i < mapper.entries.size(); ++i)
    {
        auto got = out.r.enumeration.entries[i];
        CHECK(got.ping == epm::ping_status::not_pinged); // tried, never confirmed
        got.ping = mapper.entries[i].ping;
        CHECK(got == mapper.entries[i]);
    }
    CHECK(stalling.log().connections == 1);
    CHECK(dripping.log().connections == 1);
}
