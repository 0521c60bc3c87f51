#include <epmdump/output/rpcdump.hpp>
#include <epmdump/output/sanitize.hpp>
#include <epmdump/output/text_cursor.hpp>

#include <array>
#include <functional>
#include <ostream>
#include <utility>
#include <vector>

namespace epmdump::output {

namespace {

// Section titles. Only ncacn_ip_tcp's is confirmed by a primary source (KB 926210); the other
// four follow the rpcdump.exe layout with Microsoft's protocol-sequence descriptions, the rest are ours.
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> section_titles{{
    {"ncacn_np", "Connection-oriented named pipes"},
    {"ncalrpc", "Local Rpc"},
    {"ncacn_ip_tcp", "Connection-oriented TCP/IP"},
    {"ncadg_ip_udp", "Datagram UDP/IP"},
    {"ncacn_http", "Connection-oriented TCP/IP using Microsoft Internet Information Server as HTTP proxy."},
    {"ncacn_nb_tcp", "Connection-oriented NetBIOS over TCP/IP"},
    {"ncacn_nb_nb", "Connection-oriented NetBIOS over NetBEUI"},
    {"ncacn_nb_ipx", "Connection-oriented NetBIOS over IPX"},
    {"ncacn_spx", "Connection-oriented SPX"},
    {"ncadg_ipx", "Datagram IPX"},
    {"ncacn_at_dsp", "Connection-oriented AppleTalk DSP"},
    {"ncacn_vns_spp", "Connection-oriented Vines SPP"},
}};

// The first five come in this order; anything else after them, as it appears.
constexpr std::size_t fixed_sections = 5;

} // namespace

std::string_view rpcdump_section_title(std::string_view protseq) noexcept
{
    for (const auto& [name, title] : section_titles)
        if (name == protseq) return title;
    return "Unknown protocol sequence";
}

std::string_view rpcdump_ping_word(epm::ping_status p) noexcept
{
    switch (p)
    {
    case epm::ping_status::not_pinged: return "NOT_PINGED";
    case epm::ping_status::pinged: return "PINGED";
    case epm::ping_status::not_listening: return "NOT_LISTENING";
    case epm::ping_status::wrong_interface: return "WRONG_INTERFACE";
    case epm::ping_status::not_rpc: return "NOT_RPC";
    }
    return "NOT_PINGED";
}

namespace {

// `entries`: the count of lines that follow; `filtered`: the table went through --uuid/--protseq,
// whose copy of it has always kept neither transport nor auth (kept so, for identical output).
std::string target_header(const epm::enumeration& e, std::size_t entries, bool filtered)
{
    std::string line = "# target: ";
    append_sanitized(line, e.target);
    line += " | address: ";
    append_sanitized(line, e.address);
    line += " | port: " + std::to_string(e.port);
    if (!filtered && !e.transport.empty())
    {
        line += " | transport: ";
        append_sanitized(line, e.transport);
    }
    line += " | status: ";
    line += epm::to_string(e.status);
    line += " | entries: " + std::to_string(entries);
    if (!filtered && e.auth)
    {
        line += " | auth: ";
        append_sanitized(line, auth_text(*e.auth));
    }
    if (e.error)
    {
        line += " | error: ";
        append_sanitized(line, error_text(*e.error));
    }
    return line;
}

} // namespace

std::string rpcdump_target_header(const epm::enumeration& e) { return target_header(e, e.entry_count(), false); }

void write_rpcdump(std::ostream& out, const epm::enumeration& all, const format_options& options)
{
    std::string text;
    append_rpcdump(text, all, options);
    out << text;
}

namespace {

struct section
{
    std::string_view fixed; // one of the five fixed sections' names; else `name` holds it
    std::string name;
    std::string lines;
    std::string_view protseq() const noexcept { return fixed.empty() ? std::string_view(name) : fixed; }
};

} // namespace

void append_rpcdump(std::string& out, const epm::enumeration& e, const format_options& options)
{
    // One pass: each entry's line goes to its section's text, so entries are read (decoded) once
    // and the header's count is the number of lines that follow. Section order: the fixed five,
    // then other protseqs by first appearance. A listing has a handful of sections: a linear
    // search, the last one found tried first (neighbours share one).
    std::vector<section> sections(fixed_sections);
    for (std::size_t i = 0; i < fixed_sections; ++i) sections[i].fixed = section_titles[i].first;
    std::size_t last = 0;
    std::size_t count = 0;
    epm::lookup_view_decoder decoder;
    uuid_text_memo interfaces;
    std::array<char, 512> line{};
    e.for_each_entry(decoder, [&](const epm::endpoint_entry_view& entry) {
        if (!options.filter.matches(entry)) return;
        ++count;
        const auto protseq = entry.where.protseq;
        if (sections[last].protseq() != protseq)
        {
            last = 0;
            while (last < sections.size() && sections[last].protseq() != protseq) ++last;
            if (last == sections.size()) sections.emplace_back().name = protseq;
        }
        std::string& lines = sections[last].lines;
        // "  ADDRESS[ENDPOINT] [UUID] ANNOTATION :STATUS" (two spaces before ':' when no annotation).
        const auto& w = entry.where;
        const auto ping = rpcdump_ping_word(entry.ping);
        const std::size_t size = w.host.size() + w.endpoint.size() + entry.annotation.size() + ping.size() + 47;
        if (size <= line.size() && is_printable_ascii(w.host) && is_printable_ascii(w.endpoint) &&
            is_printable_ascii(entry.annotation))
        {
            // The usual line: built in one buffer, appended once.
            char* p = line.data();
            p = put(p, "  ");
            p = put(p, w.host);
            *p++ = '[';
            p = put(p, w.endpoint);
            p = put(p, "] [");
            p = interfaces.put(p, entry.interface.id);
            p = put(p, "] ");
            p = put(p, entry.annotation);
            p = put(p, " :");
            p = put(p, ping);
            *p++ = '\n';
            lines.append(line.data(), static_cast<std::size_t>(p - line.data()));
            return;
        }
        lines += "  ";
        append_sanitized(lines, w.host);
        lines += '[';
        append_sanitized(lines, w.endpoint);
        lines += "] [";
        lines.append(interfaces.put(line.data(), entry.interface.id) - 36, 36);
        lines += "] ";
        append_sanitized(lines, entry.annotation);
        lines += " :";
        lines += ping;
        lines += '\n';
    });

    // An authenticated conversation always says as whom, so the header is its place too.
    const bool filtered = !options.filter.empty();
    if (options.target_headers || e.status != epm::enumeration_status::ok || (!filtered && (e.auth || !e.transport.empty())))
    {
        out += target_header(e, count, filtered);
        out += '\n';
    }
    for (const auto& s : sections)
    {
        if (s.lines.empty()) continue;
        append_sanitized(out, s.protseq());
        out += '(';
        out += rpcdump_section_title(s.protseq());
        out += ")\n";
        out += s.lines;
    }
}

} // namespace epmdump::output
