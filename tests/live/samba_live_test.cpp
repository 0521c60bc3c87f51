// Against real endpoint mappers nobody on this team wrote: Samba's AD DC (source4 epmapper) and
// samba-dcerpcd (source3), started by ../shared/peers/samba-epm in network namespaces (CI:
// scripts/start-peers.sh exports EPMDUMP_SAMBA_ADDRESS / EPMDUMP_SAMBA_SA_ADDRESS). Without
// them every case here reports itself skipped, with the reason.
#include "support/test_files.hpp"

#include <epmdump/client/client.hpp>
#include <epmdump/client/probe.hpp>
#include <epmdump/client/verify.hpp>
#include <epmdump/mgmt/mgmt.hpp>
#include <epmdump/names/interface_names.hpp>
#include <epmdump/session/probe_session.hpp>
#include <epmdump/epm/ept_status.hpp>
#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace epmdump;
using namespace epmdump::client;

namespace {

std::optional<std::string> env(const char* name)
{
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

client_options live_options()
{
    client_options o;
    o.timeouts.connect = std::chrono::seconds(5);
    o.timeouts.host = std::chrono::seconds(60);
    return o;
}

// "UUID vMAJ.MIN BINDING" for each entry: what impacket prints per binding line, as registered
// (0.0.0.0 stays 0.0.0.0). Sorted, duplicates kept.
std::vector<std::string> triples(const std::vector<epm::endpoint_entry>& entries)
{
    std::vector<std::string> out;
    for (const auto& e : entries)
        out.push_back(to_string(e.interface.id) + " v" + std::to_string(e.interface.major) + "." +
                      std::to_string(e.interface.minor) + " " + to_string(e.where));
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::string> run_and_capture(const std::string& command)
{
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (p == nullptr) return std::nullopt;
    std::array<char, 4096> buf;
    while (auto n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    if (pclose(p) != 0) return std::nullopt;
    return out;
}

// impacket's view of the server: run rpcdump-compat.py when impacket is installed, else the
// saved output of the same script (whose address is replaced by the live one).
struct impacket_view
{
    std::vector<epm::endpoint_entry> entries;
    std::string source;
    bool saved = false;
};

// samba-dcerpcd hands its dynamic ports out in start order, which changes between starts: a
// saved listing is compared without the TCP ports.
std::vector<epm::endpoint_entry> without_tcp_ports(std::vector<epm::endpoint_entry> entries)
{
    for (auto& e : entries)
        if (e.where.protseq == "ncacn_ip_tcp") e.where.endpoint = "*";
    return entries;
}

std::optional<impacket_view> impacket_for(const std::string& address, const std::string& saved_name)
{
    std::optional<std::string> text;
    std::string source;
    const auto script = test::shared_file("peers/samba-epm/rpcdump-compat.py");
    if (script && !env("EPMDUMP_LIVE_SAVED_IMPACKET") && std::filesystem::exists("/usr/bin/python3") &&
        run_and_capture("/usr/bin/python3 -c 'import impacket' 2>/dev/null"))
    {
        text = run_and_capture("timeout 120 /usr/bin/python3 " + script->string() + " " + address + " 2>/dev/null");
        source = "impacket run now";
    }
    if (!text)
    {
        const auto saved = test::shared_file("peers/samba-epm/" + saved_name);
        if (!saved) return std::nullopt;
        text = test::read_text(*saved);
        source = "saved " + saved_name;
    }
    auto dump = output::read_impacket_text(*text);
    if (!dump || dump->enumerations.size() != 1) return std::nullopt;
    auto entries = dump->enumerations.front().entries;
    for (auto& e : entries) // the saved file names the address it ran against
        if (e.where.host == "10.200.0.2" || e.where.host == "10.200.1.2") e.where.host = address;
    return impacket_view{std::move(entries), source, source.rfind("saved", 0) == 0};
}

void check_against_impacket(const std::string& address, const std::string& saved_name, std::size_t expected_entries,
                            bool ports_stable)
{
    auto r = enumerate(target{address, 0, {}}, live_options());
    REQUIRE_MESSAGE(!r.error, r.error->message());
    CHECK(r.enumeration.status == epm::enumeration_status::ok);
    CHECK(r.enumeration.entries.size() == expected_entries);
    auto reference = impacket_for(address, saved_name);
    if (!reference) EPMDUMP_SKIP("impacket is not installed and ../shared/peers/samba-epm/" + saved_name + " is absent");
    const bool mask = reference->saved && !ports_stable;
    MESSAGE("compared with " << reference->source << std::string(mask ? " (TCP ports masked: they change between starts)" : ""));
    const auto ours = triples(mask ? without_tcp_ports(r.enumeration.entries) : r.enumeration.entries);
    const auto theirs = triples(mask ? without_tcp_ports(reference->entries) : reference->entries);
    CHECK(ours.size() == theirs.size());
    std::vector<std::string> missing, extra;
    std::set_difference(theirs.begin(), theirs.end(), ours.begin(), ours.end(), std::back_inserter(missing));
    std::set_difference(ours.begin(), ours.end(), theirs.begin(), theirs.end(), std::back_inserter(extra));
    for (const auto& m : missing) MESSAGE("impacket only: " << m);
    for (const auto& m : extra) MESSAGE("epmdump only: " << m);
    CHECK(missing.empty());
    CHECK(extra.empty());
}

#define REQUIRE_PEER(var, name)                                                                                   \
    const auto var = env(name);                                                                                   \
    if (!var) EPMDUMP_SKIP(std::string(name) + " is not set: the Samba peer was not started (needs root and network namespaces; scripts/start-peers.sh)")

} // namespace

TEST_CASE("Samba AD DC: the (interface, version, binding) set equals impacket rpcdump's")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    check_against_impacket(*address, "impacket-rpcdump.txt", 53, true);
}

TEST_CASE("samba-dcerpcd: the (interface, version, binding) set equals impacket rpcdump's")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_SA_ADDRESS");
    check_against_impacket(*address, "impacket-rpcdump-standalone.txt", 38, false);
}

TEST_CASE("Samba AD DC: two pages, entries with a handle, then an empty page with ept_s_not_registered")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    auto r = enumerate(target{*address, 0, {}}, live_options());
    REQUIRE_MESSAGE(!r.error, r.error->message());
    CHECK(r.pages == std::vector<lookup_page>{{53, 0, false}, {0, epm::ept_s_not_registered, true}});
    // Samba answers our 5840 with 5840: the 6.7 KB first page takes 2 fragments, the end 1.
    CHECK(r.stats.max_xmit_frag == 5840);
    CHECK(r.stats.response_fragments == 3);
}

TEST_CASE("samba-dcerpcd: one response carries all entries and the end status")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_SA_ADDRESS");
    auto r = enumerate(target{*address, 0, {}}, live_options());
    REQUIRE_MESSAGE(!r.error, r.error->message());
    CHECK(r.pages == std::vector<lookup_page>{{38, epm::ept_s_not_registered, true}});
}

TEST_CASE("Samba AD DC: paging with max_ents 10 gives the same entries as one big page")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    auto whole = enumerate(target{*address, 0, {}}, live_options());
    auto o = live_options();
    o.limits.max_ents = 10;
    auto paged = enumerate(target{*address, 0, {}}, o);
    REQUIRE_MESSAGE(!paged.error, paged.error->message());
    CHECK(paged.enumeration.entries == whole.enumeration.entries);
    std::vector<std::uint32_t> sizes;
    for (const auto& p : paged.pages) sizes.push_back(p.entries);
    CHECK(sizes == std::vector<std::uint32_t>{10, 10, 10, 10, 10, 3, 0});
}

TEST_CASE("samba-dcerpcd: paging with max_ents 10 keeps the 8 entries of the last page")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_SA_ADDRESS");
    auto o = live_options();
    o.limits.max_ents = 10;
    auto r = enumerate(target{*address, 0, {}}, o);
    REQUIRE_MESSAGE(!r.error, r.error->message());
    CHECK(r.enumeration.entries.size() == 38);
    CHECK(r.pages.back() == lookup_page{8, epm::ept_s_not_registered, true});
}

TEST_CASE("ept_map finds a TCP port ept_lookup lists for each interface registered on TCP")
{
    std::vector<std::string> peers;
    for (const char* name : {"EPMDUMP_SAMBA_ADDRESS", "EPMDUMP_SAMBA_SA_ADDRESS"})
        if (auto a = env(name)) peers.push_back(*a);
    if (peers.empty()) EPMDUMP_SKIP("neither Samba peer was started (needs root and network namespaces; scripts/start-peers.sh)");
    for (const auto& address : peers)
    {
        auto listing = enumerate(target{address, 0, {}}, live_options());
        REQUIRE_MESSAGE(!listing.error, listing.error->message());
        // Interface -> the TCP ports the lookup lists for it (mgmt sits on several).
        std::map<epm::syntax_id, std::set<std::string>> lookup_ports;
        for (const auto& e : listing.enumeration.entries)
            if (e.where.protseq == "ncacn_ip_tcp") lookup_ports[e.interface].insert(e.where.endpoint);
        CHECK(lookup_ports.size() >= 5);
        for (const auto& [interface, ports] : lookup_ports)
        {
            auto m = map(target{address, 0, {}}, interface, "ncacn_ip_tcp", live_options());
            REQUIRE_MESSAGE(!m.error, m.error->message());
            REQUIRE_MESSAGE(m.registered(), to_string(interface.id));
            for (const auto& t : m.towers)
                CHECK_MESSAGE(ports.count(t.where.endpoint) == 1, to_string(interface.id) << " mapped to " << t.where.endpoint);
        }
    }
}

TEST_CASE("ept_map of an interface nobody registered is not registered")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    const epm::syntax_id nobody{*parse_uuid("a4f1db00-ca47-1067-b31f-00dd010662da"), 0, 81}; // Exchange EMSMDB
    auto m = map(target{*address, 0, {}}, nobody, "ncacn_ip_tcp", live_options());
    REQUIRE_MESSAGE(!m.error, m.error->message());
    CHECK_FALSE(m.registered());
    CHECK(m.status == epm::ept_s_not_registered);
}

TEST_CASE("verification pings every real ncacn_ip_tcp endpoint and finds nothing listening on the advertised 593")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    auto r = enumerate(target{*address, 0, {}}, live_options());
    REQUIRE_MESSAGE(!r.error, r.error->message());
    auto entries = r.enumeration.entries;
    // The AD DC registers ncacn_http on 593 where nothing listens: probe that port as TCP too.
    std::size_t http = 0;
    for (const auto& e : r.enumeration.entries)
        if (e.where.protseq == "ncacn_http")
        {
            auto probe = e;
            probe.where.protseq = "ncacn_ip_tcp";
            entries.push_back(probe);
            ++http;
        }
    REQUIRE(http > 0);
    verify_endpoints(entries, r.enumeration.address, live_options());
    std::size_t pinged = 0;
    for (std::size_t i = 0; i < entries.size(); ++i)
    {
        const auto& e = entries[i];
        if (e.where.protseq != "ncacn_ip_tcp")
        {
            CHECK(e.ping == epm::ping_status::not_pinged);
            continue;
        }
        if (i >= r.enumeration.entries.size())
            CHECK_MESSAGE(e.ping == epm::ping_status::not_listening, to_string(e.where));
        else
        {
            CHECK_MESSAGE(e.ping == epm::ping_status::pinged, to_string(e.interface.id) << " " << to_string(e.where));
            ++pinged;
        }
    }
    CHECK(pinged >= 10);
}

TEST_CASE("samba-dcerpcd: verification pings every ncacn_ip_tcp endpoint")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_SA_ADDRESS");
    auto o = live_options();
    o.verify = true;
    auto r = enumerate(target{*address, 0, {}}, o);
    REQUIRE_MESSAGE(!r.error, r.error->message());
    std::size_t tcp = 0;
    for (const auto& e : r.enumeration.entries)
        if (e.where.protseq == "ncacn_ip_tcp")
        {
            ++tcp;
            CHECK_MESSAGE(e.ping == epm::ping_status::pinged, to_string(e.interface.id) << " " << to_string(e.where));
        }
    CHECK(tcp > 0);
}

TEST_CASE("the ncacn_http endpoint the AD DC advertises on 593 refuses connections: a typed refusal")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    auto o = live_options();
    o.transport = transport::ncacn_http;
    auto r = enumerate(target{*address, 593, {}}, o);
    REQUIRE(r.error);
    CHECK(r.error->code == client_errc::refused);
    CHECK(r.enumeration.error->kind == epmdump::epm::failure_kind::refused);
}

// --- epmdump probe: asking each port what it serves (issue #14) -------------------------------

namespace {

probe_options live_probe_options()
{
    probe_options o;
    o.base = live_options();
    o.base.timeouts.host = std::chrono::seconds(20);
    return o;
}

std::set<std::string> served_set(const epm::port_probe& p)
{
    std::set<std::string> out;
    for (const auto& i : p.interfaces)
        out.insert(to_string(i.interface.id) + " v" + std::to_string(i.interface.major) + "." +
                   std::to_string(i.interface.minor));
    return out;
}

// What impacket's rpcmap.py printed for ncacn_ip_tcp:10.200.0.2[PORT] (python3-impacket 0.10.0,
// run by hand on 2026-12-05; the AD DC registers its ports in a fixed order).
const std::map<std::uint16_t, std::set<std::string>> rpcmap_ad_dc{
    {135, {"afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0", "e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0"}},
    {49152, {"12345678-1234-abcd-ef00-01234567cffb v1.0", "afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0"}},
    {49153,
     {"12345778-1234-abcd-ef00-0123456789ab v0.0", "3919286a-b10c-11d0-9ba8-00c04fd92ef5 v0.0",
      "3dde7c30-165d-11d1-ab8f-00805f14db40 v1.0", "50abc2a4-574d-40b3-9d66-ee4fd5fba076 v5.0",
      "6bffd098-a112-3610-9833-012892020162 v0.0", "9c54e310-a955-4885-bd31-78787147dfa6 v0.0",
      "afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0", "e3514235-4b06-11d1-ab04-00c04fc2dcd2 v4.0",
      "f6beaff7-1e19-4fbb-9f8f-b89e2018337c v1.0"}},
    {49154,
     {"12345778-1234-abcd-ef00-0123456789ac v1.0", "6bffd098-a112-3610-9833-46c3f87e345a v1.0",
      "afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0"}},
};

} // namespace

TEST_CASE("probe: each AD DC port answers inq_if_ids on one connection with the set impacket's rpcmap prints")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    for (const auto& [port, expected] : rpcmap_ad_dc)
    {
        CAPTURE(port);
        const auto p = probe_port(*address, *address, port, live_probe_options());
        REQUIRE_MESSAGE(p.state == epm::port_state::rpc, (p.error ? p.error->message : std::string("no error")));
        CHECK(p.mgmt_answered);
        CHECK(p.mgmt_refusal.empty());
        CHECK_FALSE(p.accepts_any_interface);
        CHECK_FALSE(p.principal); // Samba faults inq_princ_name (nca_s_op_rng_error)
        CHECK(p.connections == 1);
        CHECK(p.round_trips == 3); // bind, inq_if_ids, inq_princ_name
        CHECK_FALSE(p.error);
        for (const auto& i : p.interfaces) CHECK(i.how == epm::found_by::inq_if_ids);
        CHECK(served_set(p) == expected);
    }
}

namespace {

// Every TCP port the mapper at `address` registers, probed: all it registers there is served,
// and the only interface served there but not registered is mgmt (the AD DC registers it on 135 only).
void check_registered_ports(const std::string& address)
{
    auto listing = enumerate(target{address, 0, {}}, live_options());
    REQUIRE_MESSAGE(!listing.error, listing.error->message());
    std::set<std::uint16_t> ports;
    for (const auto& e : listing.enumeration.entries)
        if (e.where.protseq == "ncacn_ip_tcp")
            if (auto port = epm::port_of(e); port && *port != 0) ports.insert(*port);
    REQUIRE(ports.size() >= 3);
    for (const auto port : ports)
    {
        CAPTURE(port);
        const auto p = probe_port(address, address, port, live_probe_options());
        REQUIRE(p.state == epm::port_state::rpc);
        CHECK(p.mgmt_answered);
        CHECK(p.connections == 1);
        const auto gap = epm::compare_with_registered(p, listing.enumeration.entries);
        CHECK(gap.registered_not_served.empty());
        for (const auto& g : gap.registered_not_served) MESSAGE("registered, not served: " << to_string(g.id));
        CHECK(gap.served_not_registered.size() <= 1);
        for (const auto& g : gap.served_not_registered) CHECK(g == mgmt::mgmt_interface());
    }
}

} // namespace

TEST_CASE("probe: what the AD DC's mapper registers on each TCP port is served there, and only mgmt is unregistered")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    check_registered_ports(*address);
}

TEST_CASE("probe: samba-dcerpcd answers mgmt on each registered TCP port, serving what it registers there")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_SA_ADDRESS");
    check_registered_ports(*address);
}

TEST_CASE("probe: the fallback alone finds the AD DC's port 49153 interfaces on one connection, one per alter_context")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    // The session as the driver runs it after a bind_nak: the candidates go out in the bind and
    // alter_contexts, mgmt never. Samba accepts the first served context of each PDU and refuses
    // the other served ones with proposed_transfer_syntaxes_not_supported: they are offered again.
    probe_settings settings;
    settings.skip_mgmt = true;
    for (const auto& i : names::all_interfaces())
        settings.candidates.push_back(epm::syntax_id{i.id, static_cast<std::uint16_t>(i.major < 0 ? 1 : i.major), 0});
    const auto o = live_probe_options();
    probe_session s(o.base, false, settings);
    boost::asio::io_context io;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            connection c(io.get_executor(), o.base.timeouts, std::chrono::steady_clock::now() + o.base.timeouts.host);
            if (co_await c.connect(*address, 49153)) co_return;
            co_await run_session(c, s);
        },
        boost::asio::detached);
    io.run();
    REQUIRE(s.bound());
    CHECK_MESSAGE(!s.error(), (s.error() ? s.error()->message() : std::string()));
    CHECK_FALSE(s.accepts_any_interface());
    auto expected = rpcmap_ad_dc.at(49153);
    expected.erase("afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0"); // mgmt is never offered
    // rpcmap found these with inq_if_ids; the name table lacks 9c54e310 (no version-agnostic
    // entry would offer v0.0 for it) only if it is absent: what the table holds must be found.
    std::set<std::string> offerable;
    for (const auto& c : settings.candidates)
        offerable.insert(to_string(c.id) + " v" + std::to_string(c.major) + "." + std::to_string(c.minor));
    std::set<std::string> reachable;
    std::set_intersection(expected.begin(), expected.end(), offerable.begin(), offerable.end(),
                          std::inserter(reachable, reachable.end()));
    std::set<std::string> found;
    for (const auto& i : s.interfaces())
    {
        CHECK(i.how == epm::found_by::probed);
        found.insert(to_string(i.interface.id) + " v" + std::to_string(i.interface.major) + "." +
                     std::to_string(i.interface.minor));
    }
    MESSAGE(reachable.size() << " of the " << expected.size() << " are in the candidate list; " << s.round_trips()
                             << " round trips");
    CHECK(reachable.size() >= 6);
    CHECK(found == reachable);
}

TEST_CASE("probe: a closed AD DC port is closed")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    const auto closed = probe_port(*address, *address, 9, live_probe_options());
    CHECK(closed.state == epm::port_state::closed);
    REQUIRE(closed.error);
    CHECK(closed.error->kind == epm::failure_kind::refused);
    CHECK(closed.connections == 1);
}

TEST_CASE("probe: the AD DC's LDAP, Kerberos and SMB ports are not_rpc, each named by a protocol probe")
{
    REQUIRE_PEER(address, "EPMDUMP_SAMBA_ADDRESS");
    const std::map<std::uint16_t, epm::service_kind> expected{
        {389, epm::service_kind::ldap}, {88, epm::service_kind::kerberos}, {445, epm::service_kind::smb}};
    for (const auto& [port, kind] : expected)
    {
        CAPTURE(port);
        auto o = live_probe_options();
        o.base.timeouts.bind = std::chrono::seconds(1); // Kerberos and SMB stay silent to a bind
        const auto p = probe_port(*address, *address, port, o);
        CHECK(p.state == epm::port_state::not_rpc);
        CHECK(p.service == kind);
        CHECK_FALSE(p.looks_like.empty());
        CHECK(p.connections >= 1);
        MESSAGE(port << ": " << p.looks_like << " (" << p.connections << " connections, " << p.elapsed_ms << " ms)");
    }
}
