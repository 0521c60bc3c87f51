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

std::span<const rule_row> rule_rows() noexcept;
std::span<const clause> clauses() noexcept;

} // namespace epmdump::findings::detail
