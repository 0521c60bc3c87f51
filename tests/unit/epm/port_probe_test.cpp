#include <epmdump/epm/port_probe.hpp>

#include <doctest/doctest.h>

#include <string_view>

using namespace epmdump;

namespace {

epm::syntax_id interface(std::string_view text, std::uint16_t major, std::uint16_t minor)
{
    return {*parse_uuid(text), major, minor};
}

epm::endpoint_entry registered_on(const epm::syntax_id& id, const char* port)
{
    epm::endpoint_entry e;
    e.interface = id;
    e.where = {"ncacn_ip_tcp", "10.0.0.1", port};
    return e;
}

} // namespace

TEST_CASE("the registration gap matches a probed minor 0 with the mapper's 0.81 (same UUID and major), not another major")
{
    // EMSMDB as Exchange registers it, and as the fallback offers it (minor 0).
    const auto emsmdb_registered = interface("a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81);
    const auto emsmdb_probed = interface("a4f1db00-ca47-1067-b31f-00dd010662da", 0, 0);
    const auto svcctl = interface("367abb81-9844-35f1-ad32-98f038001003", 2, 0);
    epm::port_probe p;
    p.port = 6001;
    p.state = epm::port_state::rpc;
    p.interfaces = {{emsmdb_probed, epm::found_by::probed}, {svcctl, epm::found_by::probed}};
    const std::vector<epm::endpoint_entry> registered{
        registered_on(emsmdb_registered, "6001"),
        registered_on(interface("367abb81-9844-35f1-ad32-98f038001003", 1, 0), "6001"), // another major
        registered_on(interface("12345778-1234-abcd-ef00-0123456789ab", 0, 0), "6002"), // another port
    };
    const auto gap = epm::compare_with_registered(p, registered);
    CHECK(gap.served_not_registered == std::vector<epm::syntax_id>{svcctl});
    CHECK(gap.registered_not_served == std::vector<epm::syntax_id>{interface("367abb81-9844-35f1-ad32-98f038001003", 1, 0)});
}
