#pragma once
// The rules table (rules.inc): what a host's registrations say it is (roles) and what an auditor
// should look at (exposures). One rule a line, each with its public reference; see README.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace epmdump::findings {

enum class rule_kind : std::uint8_t
{
    role,     // what the host is: "domain_controller", "dns_server", ...
    exposure, // what an auditor checks: "print_spooler_remote", ...
};

enum class severity : std::uint8_t
{
    info, // roles
    low,
    medium,
    high,
};

// "role" / "exposure"; "info", "low", "medium", "high" (the JSON and summary words).
std::string_view to_string(rule_kind k) noexcept;
std::string_view to_string(severity s) noexcept;
std::optional<severity> severity_from_string(std::string_view word) noexcept;

struct rule
{
    std::string_view id;        // stable word, "domain_controller": JSON, summary, diff
    rule_kind kind = rule_kind::role;
    std::string_view name;      // "domain controller"
    severity level = severity::info;
    std::string_view reference; // "[MS-DRSR] 2.1; [MS-NRPC] 2.1", "CVE-2021-34527"
    std::string_view meaning;   // one line: what a match says, and what it does not
};

// The most rules the table may hold: a classifier keeps one bit per rule.
inline constexpr std::size_t max_rules = 64;

// Every rule, roles first, in the table's order (which is the order results come in).
std::span<const rule> all_rules() noexcept;

// nullptr for an unknown id.
const rule* find_rule(std::string_view id) noexcept;

} // namespace epmdump::findings
