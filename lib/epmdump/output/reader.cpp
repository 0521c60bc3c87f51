#include <epmdump/core/detail/enum_category.hpp>
#include <epmdump/core/error_exception.hpp>
#include <epmdump/output/reader.hpp>

#include "read_text.hpp"

#include <optional>
#include <ostream>

namespace epmdump::output {

std::string_view to_string(read_errc code) noexcept
{
    switch (code)
    {
    case read_errc::unknown_format: return "unknown dump format";
    case read_errc::bad_line: return "bad line";
    case read_errc::bad_uuid: return "bad uuid";
    case read_errc::bad_json: return "bad json";
    case read_errc::bad_field: return "bad field";
    case read_errc::too_large: return "too large";
    }
    return "read error";
}

std::string read_error::message() const
{
    std::string text{to_string(code)};
    if (line != 0) text += " at line " + std::to_string(line);
    if (!detail.empty())
    {
        text += ": ";
        text += detail;
    }
    return text;
}

std::ostream& operator<<(std::ostream& os, const read_error& e) { return os << e.message(); }

const boost::system::error_category& read_category() noexcept
{
    static const epmdump::detail::enum_category<read_errc> instance("epmdump.output.read");
    return instance;
}

void throw_exception_from_error(const read_error& e, const boost::source_location&)
{
    throw error_exception(make_error_code(e.code), e.message(), std::nullopt, e.line);
}

std::size_t dump::entry_count() const noexcept
{
    std::size_t n = 0;
    for (const auto& e : enumerations) n += e.entries.size();
    return n;
}

namespace {

constexpr std::size_t detect_lines = 50; // non-blank lines looked at before giving up

std::optional<format> classify(std::string_view t)
{
    if (t.front() == '{') return format::json;
    if (t.starts_with("Impacket v") || t.starts_with("[*] Retrieving endpoint list from ") ||
        t.starts_with("Protocol: ") || t.starts_with("Provider: ") ||
        (t.starts_with("UUID") && detail::trim_left(t.substr(4)).starts_with(": ")))
        return format::impacket;
    if (t.starts_with("# target: ") || detail::rpcdump_section(t) ||
        detail::starts_with_ci(t, "Querying Endpoint Mapper Database") || detail::parse_rpcdump_entry(t).is_entry)
        return format::rpcdump;
    return std::nullopt;
}

} // namespace

std::optional<format> detect_format(std::string_view text) noexcept
{
    try
    {
        detail::line_splitter lines(text);
        std::string_view raw;
        std::size_t looked = 0;
        while (lines.next(raw) && looked < detect_lines)
        {
            const auto t = detail::trim(raw);
            if (t.empty()) continue;
            ++looked;
            if (auto f = classify(t)) return f;
        }
    }
    catch (...)
    {
        // only std::bad_alloc can get here
    }
    return std::nullopt;
}

read_result<dump> read_dump(std::string_view text)
{
    const auto f = detect_format(text);
    if (!f)
    {
        detail::line_splitter lines(text);
        std::string_view raw;
        std::size_t first = 0;
        while (lines.next(raw))
            if (!detail::trim(raw).empty())
            {
                first = lines.number();
                break;
            }
        return detail::make_error(read_errc::unknown_format, first,
                                  first == 0 ? "empty input" : "not rpcdump, impacket or epmdump JSON Lines text");
    }
    switch (*f)
    {
    case format::impacket: return read_impacket_text(text);
    case format::json: return read_json_lines(text);
    case format::rpcdump:
    case format::csv:
    case format::summary: break; // never detected: neither is read back
    }
    return read_rpcdump_text(text);
}

} // namespace epmdump::output
