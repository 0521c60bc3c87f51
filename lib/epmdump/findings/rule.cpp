#include <epmdump/findings/detail/table.hpp>
#include <epmdump/findings/rule.hpp>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

namespace epmdump::findings {

namespace detail {

namespace {

constexpr combine combine_of(std::string_view word)
{
    if (word == "all") return combine::all;
    if (word == "exchange") return combine::exchange;
    return combine::any;
}

constexpr where where_of(std::string_view word)
{
    if (word == "remote") return where::remote;
    if (word == "tcp") return where::tcp;
    return where::any;
}

constexpr rule_kind role = rule_kind::role;
constexpr rule_kind exposure = rule_kind::exposure;
constexpr severity info = severity::info;
constexpr severity low = severity::low;
constexpr severity medium = severity::medium;
constexpr severity high = severity::high;

#define EPMDUMP_CLAUSE(...)
#define EPMDUMP_RULE(ID, KIND, NAME, SEVERITY, COMBINE, REFERENCE, MEANING) \
    rule_row{rule{ID, KIND, NAME, SEVERITY, REFERENCE, MEANING}, combine_of(COMBINE)},
constexpr rule_row rules[] = {
#include "rules.inc"
};
#undef EPMDUMP_RULE
#undef EPMDUMP_CLAUSE

// A clause names its rule by id; an unknown id stops the build (the throw is not constant).
constexpr std::size_t index_of(std::string_view id)
{
    for (std::size_t i = 0; i < std::size(rules); ++i)
        if (rules[i].public_part.id == id) return i;
    throw "rules.inc: a clause names an unknown rule";
}

#define EPMDUMP_RULE(...)
#define EPMDUMP_CLAUSE(RULE, UUID, WHERE, ANNOTATION) \
    clause{index_of(RULE), uuid_literal(UUID), where_of(WHERE), ANNOTATION},
constexpr clause clause_rows[] = {
#include "rules.inc"
};
#undef EPMDUMP_RULE
#undef EPMDUMP_CLAUSE

// The classifier's bit sets are sized by these bounds; roles must come before exposures.
constexpr bool roles_first()
{
    bool exposure_seen = false;
    for (const auto& r : rules)
    {
        if (r.public_part.kind == rule_kind::exposure) exposure_seen = true;
        else if (exposure_seen) return false;
    }
    return true;
}
static_assert(std::size(rules) <= max_rules, "rules.inc holds more rules than max_rules");
static_assert(std::size(clause_rows) <= max_rules * 2, "rules.inc holds more clauses than a classifier has bits");
static_assert(roles_first(), "rules.inc: every role line must come before the exposures");

#define EPMDUMP_EXCHANGE_SERVICE(...)
#define EPMDUMP_EXCHANGE_PORT(...)
// The version masks (VERSIONS, REQUIRED) are dropped unexpanded: the profile needs none.
#define EPMDUMP_EXCHANGE_IF(UUID, MAJOR, MINOR, ANNOTATION, LABEL, SERVICE, GROUP, VERSIONS, REQUIRED, EVIDENCE) \
    exchange_row{uuid_literal(UUID), MAJOR, LABEL, SERVICE, EVIDENCE},
constexpr exchange_row exchange_table[] = {
#include <epmdump/exchange/catalog.inc>
};
#undef EPMDUMP_EXCHANGE_IF
#undef EPMDUMP_EXCHANGE_PORT
#undef EPMDUMP_EXCHANGE_SERVICE

// A UUID as two big-endian integers: ordered as its bytes are, compared in two steps.
using uuid_key = std::pair<std::uint64_t, std::uint64_t>;

constexpr uuid_key key_of(const uuid& id) noexcept
{
    std::uint64_t hi = 0, lo = 0;
    for (std::size_t i = 0; i < 8; ++i)
    {
        hi = hi << 8 | id.data[i];
        lo = lo << 8 | id.data[i + 8];
    }
    return {hi, lo};
}

constexpr std::size_t indexed_rows = std::size(clause_rows) + std::size(exchange_table);
static_assert(std::size(clause_rows) <= 256 && std::size(exchange_table) <= 256, "interface_row::row is 8-bit");

// Every clause and Exchange row by interface UUID (then clauses first, then table order).
struct index_entry
{
    uuid_key key;
    interface_row what;
};

constexpr auto by_interface = [] {
    std::array<index_entry, indexed_rows> out{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < std::size(clause_rows); ++i)
        out[n++] = {key_of(clause_rows[i].interface), {false, static_cast<std::uint8_t>(i)}};
    for (std::size_t i = 0; i < std::size(exchange_table); ++i)
        out[n++] = {key_of(exchange_table[i].id), {true, static_cast<std::uint8_t>(i)}};
    std::sort(out.begin(), out.end(), [](const index_entry& a, const index_entry& b) {
        return std::tuple(a.key, a.what.exchange, a.what.row) < std::tuple(b.key, b.what.exchange, b.what.row);
    });
    return out;
}();

// The rows alone, in by_interface's order, for the spans rows_naming hands out.
constexpr auto index_rows = [] {
    std::array<interface_row, indexed_rows> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = by_interface[i].what;
    return out;
}();

constexpr auto index_keys = [] {
    std::array<uuid_key, indexed_rows> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = by_interface[i].key;
    return out;
}();

} // namespace

std::span<const rule_row> rule_rows() noexcept { return rules; }
std::span<const clause> clauses() noexcept { return clause_rows; }
std::span<const exchange_row> exchange_rows() noexcept { return exchange_table; }

std::span<const interface_row> rows_naming(const uuid& id) noexcept
{
    const auto [first, last] = std::equal_range(index_keys.begin(), index_keys.end(), key_of(id));
    return {index_rows.data() + (first - index_keys.begin()), static_cast<std::size_t>(last - first)};
}

} // namespace detail

namespace {

// all_rules() hands out the public part only, in the same order.
constexpr auto public_rules = [] {
    std::array<rule, std::size(detail::rules)> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = detail::rules[i].public_part;
    return out;
}();

} // namespace

std::string_view to_string(rule_kind k) noexcept
{
    return k == rule_kind::role ? "role" : "exposure";
}

std::string_view to_string(severity s) noexcept
{
    switch (s)
    {
    case severity::info: return "info";
    case severity::low: return "low";
    case severity::medium: return "medium";
    case severity::high: return "high";
    }
    return "?";
}

std::optional<severity> severity_from_string(std::string_view word) noexcept
{
    for (auto s : {severity::info, severity::low, severity::medium, severity::high})
        if (to_string(s) == word) return s;
    return std::nullopt;
}

std::span<const rule> all_rules() noexcept { return public_rules; }

const rule* find_rule(std::string_view id) noexcept
{
    for (const auto& r : public_rules)
        if (r.id == id) return &r;
    return nullptr;
}

} // namespace epmdump::findings
