#include <epmdump/dcerpc/names.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace epmdump::dcerpc {

namespace {
template <class T>
struct entry
{
    T value;
    std::string_view name;
};

template <class T, std::size_t N>
constexpr std::array<entry<T>, N> sorted(std::array<entry<T>, N> table)
{
    std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
    return table;
}

template <class T, std::size_t N>
constexpr bool unique(const std::array<entry<T>, N>& table)
{
    for (std::size_t i = 1; i < N; ++i)
        if (table[i - 1].value == table[i].value) return false;
    return true;
}

template <class T, std::size_t N>
std::string_view find(const std::array<entry<T>, N>& table, T value) noexcept
{
    auto it = std::lower_bound(table.begin(), table.end(), value,
                               [](const entry<T>& e, T v) { return e.value < v; });
    return it != table.end() && it->value == value ? it->name : std::string_view{};
}

#define EPMDUMP_NAME(value, name) entry<T>{value, name},

template <class T, class... E>
constexpr auto make_table(E... e)
{
    return sorted(std::array<entry<T>, sizeof...(E)>{e...});
}

constexpr auto pdu_types = [] {
    using T = std::uint8_t;
    return make_table<T>(
#include <epmdump/dcerpc/pdu_type_names.inc>
        entry<T>{255, ""});
}();

constexpr auto statuses = [] {
    using T = std::uint32_t;
    return make_table<T>(
#include <epmdump/dcerpc/status_names.inc>
        entry<T>{0xFFFFFFFFu, ""});
}();

constexpr auto reject_reasons = [] {
    using T = std::uint16_t;
    return make_table<T>(
#include <epmdump/dcerpc/bind_nak_reasons.inc>
        entry<T>{0xFFFF, ""});
}();

constexpr auto provider_reasons = [] {
    using T = std::uint16_t;
    return make_table<T>(
#include <epmdump/dcerpc/provider_reasons.inc>
        entry<T>{0xFFFF, ""});
}();

constexpr auto context_results = [] {
    using T = std::uint16_t;
    return make_table<T>(
#include <epmdump/dcerpc/context_results.inc>
        entry<T>{0xFFFF, ""});
}();

#undef EPMDUMP_NAME

static_assert(unique(pdu_types) && unique(statuses) && unique(reject_reasons) && unique(provider_reasons) &&
              unique(context_results), "a value appears twice in a name table");
} // namespace

std::string_view pdu_type_name(pdu_type t) noexcept { return find(pdu_types, static_cast<std::uint8_t>(t)); }
std::string_view status_name(std::uint32_t status) noexcept { return find(statuses, status); }
std::string_view bind_nak_reason_name(std::uint16_t reason) noexcept { return find(reject_reasons, reason); }
std::string_view provider_reason_name(std::uint16_t reason) noexcept { return find(provider_reasons, reason); }
std::string_view context_result_name(std::uint16_t result) noexcept { return find(context_results, result); }

} // namespace epmdump::dcerpc
