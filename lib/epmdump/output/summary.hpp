#pragma once
// --format summary: one line per host (address, status, endpoint count, roles, findings) and a
// totals block at the end: the view an auditor pastes into a report. Roles and findings come
// from epmdump::findings (lib/epmdump/findings/README.md).
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/findings/classifier.hpp>
#include <epmdump/output/format.hpp>

#include <bitset>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace epmdump::output {

// "10.200.0.2 ok endpoints=53 roles=domain_controller,dns_server findings=netlogon_tcp(medium)\n"
// (" port=N" after the address when it is not 135; "-" for no roles or findings; an Exchange
// server's profile in parentheses: "exchange_server(2010)"). Endpoints are those the filter
// keeps; roles and findings read every entry. Address or target escaped by sanitize_text.
void append_summary_line(std::string& out, const epm::enumeration& e, const findings::result& r,
                         const format_options& options = {});

// The counts behind the totals block, per distinct host (address, else target): a replay's
// several conversations with one server are one host. One small record per host.
class summary_totals
{
public:
    void add(const epm::enumeration& e, const findings::result& r);
    // "# totals: hosts=3 answered=2 incomplete=0 failed=1 enumerations=4" (a host is answered when
    // one of its enumerations was, else incomplete when one was; enumerations: the lines above),
    // then one "# role ID (NAME): N" or "# finding ID (SEVERITY, NAME): N" line per rule some
    // host matched in any of its enumerations, N counting hosts, in table order.
    void append_block(std::string& out) const;

private:
    struct host
    {
        epm::enumeration_status best = epm::enumeration_status::error;
        std::bitset<findings::max_rules> rules;
    };
    std::unordered_map<std::string, host> hosts_;
    std::size_t enumerations_ = 0;
};

} // namespace epmdump::output
