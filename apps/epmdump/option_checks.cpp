#include "option_checks.hpp"

#include <epmdump/epm/tower.hpp>
#include <epmdump/output/sanitize.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace epmdump::app {

namespace {

std::string got(const std::string& word)
{
    return ", got '" + output::sanitize_text(word) + "'";
}

// The whole word must be a finite number: from_chars takes no sign '+', no spaces, no "inf".
std::optional<double> parse_number(const std::string& word)
{
    double v = 0;
    const char* end = word.data() + word.size();
    auto [stop, ec] = std::from_chars(word.data(), end, v);
    if (word.empty() || ec != std::errc{} || stop != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<std::uint64_t> parse_whole(std::string_view word)
{
    std::uint64_t v = 0;
    const char* end = word.data() + word.size();
    auto [stop, ec] = std::from_chars(word.data(), end, v);
    if (word.empty() || ec != std::errc{} || stop != end) return std::nullopt;
    return v;
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

CLI::Validator positive_number(std::string what)
{
    return CLI::Validator(
        [what](std::string& word) -> std::string {
            const auto v = parse_number(word);
            return v && *v > 0 ? std::string() : "expected " + what + " > 0" + got(word);
        },
        what + " > 0");
}

CLI::Validator non_negative_number(std::string what)
{
    return CLI::Validator(
        [what](std::string& word) -> std::string {
            const auto v = parse_number(word);
            return v && *v >= 0 ? std::string() : "expected " + what + " >= 0" + got(word);
        },
        what + " >= 0");
}

CLI::Validator whole_number_in(std::uint64_t low, std::uint64_t high)
{
    const std::string range = std::to_string(low) + " to " + std::to_string(high);
    return CLI::Validator(
        [low, high, range](std::string& word) -> std::string {
            const auto v = parse_whole(word);
            return v && *v >= low && *v <= high ? std::string() : "expected a whole number from " + range + got(word);
        },
        range);
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text)
{
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    const auto count = parse_whole(text.substr(0, digits));
    if (!count) return std::nullopt;
    std::string unit;
    for (char c : text.substr(digits))
        if (c != ' ') unit += lower(c);
    // CLI11's AsSizeValue(false) spellings, all powers of 1024: k, kb, kib, m, mb, mib, ...
    static constexpr std::array<char, 6> prefixes{'k', 'm', 'g', 't', 'p', 'e'};
    std::uint64_t factor = 1;
    if (!unit.empty() && unit != "b")
    {
        bool known = false;
        std::uint64_t f = 1;
        for (char p : prefixes)
        {
            f *= 1024;
            if (unit[0] != p) continue;
            const std::string_view rest = std::string_view(unit).substr(1);
            known = rest.empty() || rest == "b" || rest == "ib";
            factor = f;
            break;
        }
        if (!known) return std::nullopt;
    }
    if (*count > std::numeric_limits<std::uint64_t>::max() / factor) return std::nullopt;
    return *count * factor;
}

std::string protseq_choices()
{
    std::string text;
    for (const auto name : epm::protseq_names())
    {
        if (!text.empty()) text += ", ";
        text += name;
    }
    return text + " (or tcp, udp, np, lrpc, http)";
}

CLI::Validator byte_size()
{
    return CLI::Validator(
        [](std::string& word) -> std::string {
            const auto bytes = parse_byte_size(word);
            if (!bytes)
                return "expected a size in bytes >= 0, optionally with a unit (64KiB, 8MiB, 1G), at most "
                       "18446744073709551615 bytes" + got(word);
            word = std::to_string(*bytes);
            return {};
        },
        "SIZE");
}

} // namespace epmdump::app
