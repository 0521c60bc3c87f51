#include <epmdump/output/rpcdump.hpp>
#include <epmdump/output/sanitize.hpp>

#include <array>
#include <ostream>
#include <unordered_map>
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

std::string rpcdump_target_header(const epm::enumeration& e)
{
    std::string line = "# target: ";
    append_sanitized(line, e.target);
    line += " | address: ";
    append_sanitized(line, e.address);
    line += " | port: " + std::to_string(e.port);
    if (!e.transport.empty())
    {
        line += " | transport: ";
        append_sanitized(line, e.transport);
    }
    line += " | status: ";
    line += epm::to_string(e.status);
    line += " | entries: " + std::to_string(e.entries.size());
    if (e.auth)
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

void write_rpcdump(std::ostream& out, const epm::enumeration& all, const format_options& options)
{
    std::string text;
    append_rpcdump(text, all, options);
    out << text;
}

void append_rpcdump(std::string& out, const epm::enumeration& all, const format_options& options)
{
    // Filter first, so the header's entry count is the number of lines that follow.
    epm::enumeration kept;
    if (!options.filter.empty()) kept = filtered(all, options.filter);
    const epm::enumeration& e = options.filter.empty() ? all : kept;

    // An authenticated conversation always says as whom, so the header is its place too.
    if (options.target_headers || e.status != epm::enumeration_status::ok || e.auth || !e.transport.empty())
    {
        out += rpcdump_target_header(e);
        out += '\n';
    }

    // Section order: the fixed five, then other protseqs by first appearance. One pass, so a
    // dump with many distinct protseqs stays linear.
    std::vector<std::pair<std::string_view, std::vector<const epm::endpoint_entry*>>> sections;
    std::unordered_map<std::string_view, std::size_t> section_of;
    for (std::size_t i = 0; i < fixed_sections; ++i)
    {
        section_of.emplace(section_titles[i].first, sections.size());
        sections.push_back({section_titles[i].first, {}});
    }
    for (const auto& entry : e.entries)
    {
        auto [it, added] = section_of.emplace(entry.where.protseq, sections.size());
        if (added) sections.push_back({entry.where.protseq, {}});
        sections[it->second].second.push_back(&entry);
    }

    for (const auto& [protseq, entries] : sections)
    {
        if (entries.empty()) continue;
        append_sanitized(out, protseq);
        out += '(';
        out += rpcdump_section_title(protseq);
        out += ")\n";
        for (const auto* entry : entries)
        {
            // "  ADDRESS[ENDPOINT] [UUID] ANNOTATION :STATUS" (two spaces before ':' when no annotation).
            out += "  ";
            append_sanitized(out, entry->where.host);
            out += '[';
            append_sanitized(out, entry->where.endpoint);
            out += "] [";
            const std::size_t at = out.size();
            out.resize(at + 36);
            boost::uuids::to_chars(entry->interface.id, out.data() + at); // lower case, as to_string writes
            out += "] ";
            append_sanitized(out, entry->annotation);
            out += " :";
            out += rpcdump_ping_word(entry->ping);
            out += '\n';
        }
    }
}

} // namespace epmdump::output
