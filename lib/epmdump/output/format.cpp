#include <epmdump/output/format.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace epmdump::output {

std::optional<format> parse_format(std::string_view name) noexcept
{
    std::string lower(name.size(), '\0');
    std::transform(name.begin(), name.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "rpcdump") return format::rpcdump;
    if (lower == "impacket") return format::impacket;
    if (lower == "json" || lower == "jsonl") return format::json;
    if (lower == "csv") return format::csv;
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
    return std::string(epm::to_string(e.kind)) + ": " + e.message;
}

} // namespace epmdump::output
