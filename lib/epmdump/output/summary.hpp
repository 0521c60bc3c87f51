#pragma once
// --format summary: one line per host (address, status, endpoint count, roles, findings) and a
// totals block at the end: the view an auditor pastes into a report. Roles and findings come
// from epmdump::findings (lib/epmdump/findings/README.md).
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/findings/classifier.hpp>
#include <epmdump/output/format.hpp>

#include <array>
#include <cstddef>
#include <string>

namespace epmdump::output {

// "10.200.0.2 ok endpoints=53 roles=domain_controller,dns_server findings=netlogon_tcp(medium)\n"
// (" port=N" after the address when it is not 135; "-" for no roles or findings; an Exchange
// server's profile in parentheses: "exchange_server(2010)"). Endpoints are those the filter
// keeps; roles and findings read every entry. Address or target escaped by sanitize_text.
void append_summary_line(std::string& out, const epm::enumeration& e, const findings::result& r,
                         const format_options& options = {});

// The counts behind the totals block; fixed size whatever the number of hosts.
class summary_totals
{
public:
    void add(const epm::enumeration& e, const findings::result& r) noexcept;
    // "# totals: hosts=3 answered=2 incomplete=0 failed=1", then one "# role ID (NAME): N" or
    // "# finding ID (SEVERITY, NAME): N" line per rule some host matched, in table order.
    void append_block(std::string& out) const;

private:
    std::size_t hosts_ = 0, ok_ = 0, incomplete_ = 0, failed_ = 0;
    std::array<std::size_t, findings::max_rules> per_rule_{};
};

} // namespace epmdump::output
