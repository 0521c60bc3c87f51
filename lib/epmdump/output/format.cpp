#include <epmdump/output/format.hpp>

#include <algorithm>
#include <cstdint>
#include <cctype>
#include <string>

namespace epmdump::output {

namespace {

// A wire byte written as its number (to_string's form for a value without a word).
std::optional<std::uint8_t> parse_byte_number(std::string_view s) noexcept
{
    unsigned v = 0;
    if (s.empty() || s.size() > 3) return std::nullopt;
    for (const char c : s)
    {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 255) return std::nullopt;
    return static_cast<std::uint8_t>(v);
}

} // namespace

std::optional<format> parse_format(std::string_view name) noexcept
{
    std::string lower(name.size(), '\0');
    std::transform(name.begin(), name.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "rpcdump") return format::rpcdump;
    if (lower == "impacket") return format::impacket;
    if (lower == "json" || lower == "jsonl") return format::json;
    if (lower == "csv") return format::csv;
    if (lower == "summary") return format::summary;
    return std::nullopt;
}

std::string_view to_string(format f) noexcept
{
    switch (f)
    {
    case format::rpcdump: return "rpcdump";
    case format::impacket: return "impacket";
    case format::json: return "json";
    case format::csv: return "csv";
    case format::summary: return "summary";
    }
    return "rpcdump";
}

std::string with_line_ending(std::string_view text, line_ending ending)
{
    if (ending == line_ending::lf) return std::string(text);
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (const char c : text)
    {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

std::string error_text(const epm::enumeration_error& e)
{
    if (e.kind == epm::failure_kind::unspecified) return e.message;
    std::string text(epm::to_string(e.kind));
    text += ": ";
    if (e.reason)
    {
        text += epm::to_string(*e.reason);
        text += ": ";
    }
    return text + e.message;
}

std::string auth_text(const epm::auth_info& a)
{
    std::string text = epm::to_string(a.type) + ' ' + epm::to_string(a.level);
    if (!a.principal.empty()) text += ' ' + a.principal;
    return text;
}

std::optional<epm::auth_info> parse_auth_text(std::string_view text)
{
    auto word = [&text]() {
        const auto space = text.find(' ');
        const auto w = text.substr(0, space);
        text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
        return w;
    };
    const auto type_word = word();
    const auto level_word = word();
    epm::auth_info a;
    // Every word to_string writes reads back, "none" (a capture's auth_type 0) too.
    if (const auto t = epm::parse_auth_type(type_word)) a.type = *t;
    else if (type_word == "none") a.type = epm::auth_type::none;
    else if (const auto n = parse_byte_number(type_word)) a.type = static_cast<epm::auth_type>(*n);
    else return std::nullopt;
    if (const auto l = epm::parse_auth_level(level_word)) a.level = *l;
    else if (const auto n = parse_byte_number(level_word)) a.level = static_cast<epm::auth_level>(*n);
    else return std::nullopt;
    a.principal = std::string(text);
    return a;
}

std::optional<epm::auth_errc> parse_auth_reason(std::string_view word) noexcept
{
    for (unsigned v = 1; v <= static_cast<unsigned>(epm::auth_errc::spn_lookup_failed); ++v)
        if (epm::to_string(static_cast<epm::auth_errc>(v)) == word) return static_cast<epm::auth_errc>(v);
    return std::nullopt;
}

} // namespace epmdump::output
