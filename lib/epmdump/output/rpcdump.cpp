#include <epmdump/output/rpcdump.hpp>
#include <epmdump/output/sanitize.hpp>

#include <array>
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
    }
    return "NOT_PINGED";
}

std::string rpcdump_target_header(const epm::enumeration& e)
{
    std::string line = "# target: ";
    append_sanitized(line, e.target);
    line += " | address: ";
    append_sanitized(line, e.address);
    line += " | port: " + std::to_string(e.port);
    line += " | status: ";
    line += epm::to_string(e.status);
    line += " | entries: " + std::to_string(e.entries.size());
    if (e.error)
    {
        line += " | error: ";
        if (!e.error->kind.empty())
        {
            append_sanitized(line, e.error->kind);
            line += ": ";
        }
        append_sanitized(line, e.error->message);
    }
    return line;
}

void write_rpcdump(std::ostream& out, const epm::enumeration& all, const format_options& options)
{
    // Filter first, so the header's entry count is the number of lines that follow.
    epm::enumeration kept;
    if (!options.filter.empty()) kept = filtered(all, options.filter);
    const epm::enumeration& e = options.filter.empty() ? all : kept;

    if (options.target_headers || e.status != epm::enumeration_status::ok) out << rpcdump_target_header(e) << '\n';

    // Section order: the fixed five, then other protseqs by first appearance.
    std::vector<std::string_view> order;
    for (std::size_t i = 0; i < fixed_sections; ++i) order.push_back(section_titles[i].first);
    for (const auto& entry : e.entries)
    {
        bool known = false;
        for (auto name : order) known = known || name == entry.where.protseq;
        if (!known) order.push_back(entry.where.protseq);
    }

    std::string line;
    for (auto protseq : order)
    {
        bool header_written = false;
        for (const auto& entry : e.entries)
        {
            if (entry.where.protseq != protseq) continue;
            if (!header_written)
            {
                line.clear();
                append_sanitized(line, protseq);
                line += '(';
                line += rpcdump_section_title(protseq);
                line += ')';
                out << line << '\n';
                header_written = true;
            }
            // "  ADDRESS[ENDPOINT] [UUID] ANNOTATION :STATUS" (two spaces before ':' when no annotation).
            line.assign("  ");
            append_sanitized(line, entry.where.host);
            line += '[';
            append_sanitized(line, entry.where.endpoint);
            line += "] [";
            line += epmdump::to_string(entry.interface.id);
            line += "] ";
            append_sanitized(line, entry.annotation);
            line += " :";
            line += rpcdump_ping_word(entry.ping);
            out << line << '\n';
        }
    }
}

} // namespace epmdump::output
