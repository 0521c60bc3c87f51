// Reader of rpcdump text: Windows rpcdump.exe (KB 926210 samples) and write_rpcdump's output.
#include <epmdump/output/reader.hpp>

#include "read_text.hpp"

#include <algorithm>
#include <array>

namespace epmdump::output {

namespace {

using detail::make_error;

// rpcdump.exe's own progress lines around the dump (Resource Kit wording).
bool is_rpcdump_chatter(std::string_view t) noexcept
{
    static constexpr std::array<std::string_view, 4> prefixes{
        "Querying Endpoint Mapper Database", "rpcdump completed", "RpcMgmtEpEltInq", "ProtSeq based"};
    for (auto p : prefixes)
        if (detail::starts_with_ci(t, p)) return true;
    // "45 registered endpoints found."
    const auto space = t.find(' ');
    return space != std::string_view::npos && detail::parse_decimal(t.substr(0, space)) &&
           detail::starts_with_ci(t.substr(space + 1), "registered endpoints found");
}

std::optional<epm::enumeration_status> status_from_word(std::string_view w) noexcept
{
    if (w == "ok") return epm::enumeration_status::ok;
    if (w == "incomplete") return epm::enumeration_status::incomplete;
    if (w == "error") return epm::enumeration_status::error;
    return std::nullopt;
}

struct header
{
    epm::enumeration e;
    std::size_t entries = 0;
};

// "# target: T | address: A | port: P[ | transport: W] | status: S | entries: N[ | auth: TYPE LEVEL[ PRINCIPAL]][ | error: KIND: MESSAGE]"
read_result<header> parse_target_header(std::string_view rest, std::size_t line)
{
    header h;
    auto take = [&](std::string_view separator) -> std::optional<std::string_view> {
        const auto at = rest.find(separator);
        if (at == std::string_view::npos) return std::nullopt;
        auto value = rest.substr(0, at);
        rest.remove_prefix(at + separator.size());
        return value;
    };
    const auto target = take(" | address: ");
    const auto address = take(" | port: ");
    auto port = take(" | status: ");
    const auto status = take(" | entries: ");
    std::string_view transport;
    if (const auto at = port ? port->find(" | transport: ") : std::string_view::npos; at != std::string_view::npos)
    {
        transport = port->substr(at + 14);
        port = port->substr(0, at);
    }
    if (!target || !address || !port || !status)
        return make_error(read_errc::bad_line, line, "target header without its address, port, status and entries");
    const auto error_at = rest.find(" | error: ");
    const auto auth_at = rest.substr(0, error_at).find(" | auth: ");
    const auto count = detail::parse_decimal(rest.substr(0, std::min(auth_at, error_at)));
    const auto port_number = detail::parse_decimal(*port);
    const auto st = status_from_word(*status);
    if (!count || !port_number || *port_number > 65535 || !st)
        return make_error(read_errc::bad_line, line, "target header with a bad port, status or entry count");
    h.e.target = std::string(*target);
    h.e.address = std::string(*address);
    h.e.port = static_cast<std::uint16_t>(*port_number);
    h.e.transport = std::string(transport);
    h.e.status = *st;
    h.entries = static_cast<std::size_t>(*count);
    if (auth_at != std::string_view::npos)
    {
        const auto text = rest.substr(auth_at + 9, error_at == std::string_view::npos ? std::string_view::npos : error_at - auth_at - 9);
        h.e.auth = parse_auth_text(text);
        if (!h.e.auth) return make_error(read_errc::bad_line, line, "target header with a bad auth");
    }
    if (error_at != std::string_view::npos) h.e.error = detail::split_error(rest.substr(error_at + 10));
    return h;
}

} // namespace

read_result<dump> read_rpcdump_text(std::string_view text)
{
    if (text.size() > max_dump_bytes) return make_error(read_errc::too_large, 0, "input over max_dump_bytes");
    dump d;
    d.detected = format::rpcdump;
    std::string_view protseq;   // current section; points into text
    bool in_section = false;
    bool structure_seen = false;
    std::size_t total = 0;
    std::vector<std::pair<std::size_t, std::size_t>> announced; // (line, entry count) per header

    auto current = [&]() -> epm::enumeration& {
        if (d.enumerations.empty()) d.enumerations.emplace_back(); // rpcdump.exe text: one unnamed target
        return d.enumerations.back();
    };

    detail::line_splitter lines(text);
    std::string_view raw;
    while (lines.next(raw))
    {
        const std::size_t n = lines.number();
        const auto right = detail::trim_right(raw);
        const auto t = detail::trim_left(right);
        if (t.empty()) continue;
        const bool indented = t.size() != right.size();

        if (t.starts_with("# target: "))
        {
            auto h = parse_target_header(t.substr(10), n);
            if (!h) return h.error();
            d.enumerations.push_back(std::move(h->e));
            announced.emplace_back(n, h->entries);
            in_section = false;
            structure_seen = true;
            continue;
        }
        if (t.front() == '#')
        {
            ++d.skipped_lines; // a comment
            continue;
        }
        if (!indented)
        {
            if (auto section = detail::rpcdump_section(t))
            {
                protseq = *section;
                in_section = true;
                structure_seen = true;
                current();
                continue;
            }
        }
        auto parsed = detail::parse_rpcdump_entry(t);
        if (parsed.is_entry)
        {
            if (parsed.error)
            {
                parsed.error->line = n;
                return *parsed.error;
            }
            if (!in_section)
                return make_error(read_errc::bad_line, n, "entry before any protocol sequence header");
            if (++total > max_dump_entries) return make_error(read_errc::too_large, n, "over max_dump_entries");
            parsed.entry.where.protseq = std::string(protseq);
            current().entries.push_back(std::move(parsed.entry));
            structure_seen = true;
            continue;
        }
        if (is_rpcdump_chatter(t))
        {
            ++d.skipped_lines;
            continue;
        }
        // An indented line inside a section can only be an entry.
        if (indented && in_section) return make_error(read_errc::bad_line, n, "indented line is not an rpcdump entry");
        detail::add_warning(d, n, t);
    }
    if (!structure_seen)
        return make_error(read_errc::unknown_format, 0, "no rpcdump section header or entry found");

    // A header announces its entry count: fewer lines after it means the file was cut.
    std::size_t index = d.enumerations.size() - announced.size();
    for (const auto& [line, count] : announced)
    {
        const auto& e = d.enumerations[index++];
        if (e.entries.size() != count)
            detail::add_warning(d, line, "header announces " + std::to_string(count) + " entries, " +
                                             std::to_string(e.entries.size()) + " follow");
    }
    return d;
}

} // namespace epmdump::output
