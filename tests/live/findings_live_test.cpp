// The rules table against the real Samba peers (../shared/peers/samba-epm): the AD DC is a
// domain controller and a DNS server, the standalone samba-dcerpcd is neither; and the
// executable's summary of both, totals included. Skipped, saying why, without the peers.
#include "e2e/run_process.hpp"
#include "support/test_files.hpp"

#include <epmdump/client/client.hpp>
#include <epmdump/findings/classifier.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

using namespace epmdump;

namespace {

std::optional<std::string> peer(const char* name)
{
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

#define REQUIRE_PEER(var, name)                                                                                   \
    const auto var = peer(name);                                                                                  \
    if (!var) EPMDUMP_SKIP(std::string(name) + " is not set: the Samba peer was not started (scripts/start-peers.sh)")

std::vector<std::string> ids(std::span<const findings::match> matches)
{
    std::vector<std::string> out;
    for (const auto& m : matches) out.emplace_back(m.what->id);
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& id) { return std::find(v.begin(), v.end(), id) != v.end(); }

findings::result classify_live(const std::string& address)
{
    client::client_options o;
    o.timeouts.connect = std::chrono::seconds(5);
    o.timeouts.host = std::chrono::seconds(30);
    auto r = client::enumerate(client::target{address, 0, {}}, o);
    REQUIRE_MESSAGE(!r.error, r.error->message());
    REQUIRE(r.enumeration.status == epm::enumeration_status::ok);
    return findings::classify(r.enumeration.entries);
}

} // namespace

// What each peer's configuration makes it: both are Samba; the AD DC alone is a domain
// controller and a DNS server, with Netlogon on TCP.
namespace {
struct peer_roles
{
    const char* variable;
    bool domain_controller;
};
} // namespace

TEST_CASE("each Samba peer is Samba, and a domain controller and DNS server exactly when it is the AD DC")
{
    for (const auto& p : {peer_roles{"EPMDUMP_SAMBA_ADDRESS", true}, peer_roles{"EPMDUMP_SAMBA_SA_ADDRESS", false}})
    {
        CAPTURE(p.variable);
        REQUIRE_PEER(address, p.variable);
        const auto r = classify_live(*address);
        const auto roles = ids(r.roles());
        CHECK(has(roles, "samba"));
        CHECK(has(roles, "domain_controller") == p.domain_controller);
        CHECK(has(roles, "dns_server") == p.domain_controller);
        CHECK(has(ids(r.findings()), "netlogon_tcp") == p.domain_controller);
    }
}

#ifndef _WIN32
TEST_CASE("epmdump -f summary over both peers prints a line each and totals that count one domain controller")
{
    REQUIRE_PEER(dc, "EPMDUMP_SAMBA_ADDRESS");
    REQUIRE_PEER(sa, "EPMDUMP_SAMBA_SA_ADDRESS");
    const auto r = test::run_process(EPMDUMP_EXE, {"-q", "-f", "summary", "--connect-timeout", "5", *dc, *sa}, {},
                                     std::nullopt, std::chrono::seconds(60));
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 0);
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    REQUIRE(lines.size() >= 4);
    // Hosts come in the order they finish: find each by its address.
    const auto line_of = [&](const std::string& address) {
        const auto it = std::find_if(lines.begin(), lines.end(),
                                     [&](const std::string& l) { return l.rfind(address + " ", 0) == 0; });
        REQUIRE(it != lines.end());
        return *it;
    };
    CHECK(line_of(*dc).find(" ok endpoints=") != std::string::npos);
    CHECK(line_of(*dc).find("roles=domain_controller,dns_server,samba ") != std::string::npos);
    CHECK(line_of(*sa).find("domain_controller") == std::string::npos);
    CHECK(line_of(*sa).find("samba") != std::string::npos);
    CHECK(lines[2] == "# totals: hosts=2 answered=2 incomplete=0 failed=0 enumerations=2");
    CHECK(std::find(lines.begin(), lines.end(), "# role domain_controller (domain controller): 1") != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), "# role samba (Samba): 2") != lines.end());
}
#endif
