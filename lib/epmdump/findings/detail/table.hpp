#pragma once
// rules.inc compiled into tables: the rules, and the clauses the classifier tests each entry against.
#include <epmdump/core/uuid.hpp>
#include <epmdump/findings/rule.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace epmdump::findings::detail {

enum class combine : std::uint8_t
{
    any,      // one clause met
    all,      // every clause met
    exchange, // the Exchange catalog decides
};

enum class where : std::uint8_t
{
    any,    // every protseq
    remote, // reachable from another host: ncacn_ip_tcp, ncacn_np, ncacn_http, ncadg_ip_udp
    tcp,    // ncacn_ip_tcp
};

struct rule_row
{
    rule public_part;
    combine how = combine::any;
};

struct clause
{
    std::size_t rule_index = 0;
    uuid interface{};
    where reach = where::any;
    std::string_view annotation; // "" for any
};

// The Exchange catalog's interface rows (lib/epmdump/exchange/catalog.inc), read from the same
// data file epmdump exchange uses so that the two never disagree on what Exchange registers
// (findings links no Exchange code: the output library it feeds is below Exchange).
struct exchange_row
{
    uuid id;
    std::uint16_t major = 0;
    std::string_view label;   // "EMSMDB", "RFR", ...
    std::string_view service; // "store", "sa", "mta", ...
    bool evidence = true;     // false: a plain Windows server registers it too (NSPI)
};

// A row of either table that names an interface: what the classifier looks an entry up by.
struct interface_row
{
    bool exchange = false; // exchange_rows()[row], else clauses()[row]
    std::uint8_t row = 0;
};

std::span<const rule_row> rule_rows() noexcept;
std::span<const clause> clauses() noexcept;
std::span<const exchange_row> exchange_rows() noexcept;

// The clauses, then the Exchange rows, that name `id`, each in table order; empty for an
// interface no rule names (most of a host's entries): one binary search, no table scan.
std::span<const interface_row> rows_naming(const uuid& id) noexcept;

} // namespace epmdump::findings::detail
