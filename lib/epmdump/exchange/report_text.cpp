#include <epmdump/exchange/report_format.hpp>
#include <epmdump/exchange/detail/context.hpp>
#include <epmdump/output/format.hpp>
#include <epmdump/output/sanitize.hpp>

#include <algorithm>

namespace epmdump::exchange {

namespace {

struct palette
{
    bool on = false;
    std::string paint(std::string_view code, std::string_view text) const
    {
        if (!on) return std::string(text);
        return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
    }
};

std::string_view tag(severity s)
{
    switch (s)
    {
    case severity::error: return "ERROR";
    case severity::warning: return "WARNING";
    case severity::info: return "INFO";
    }
    return "ERROR";
}

std::string_view colour_of(severity s)
{
    switch (s)
    {
    case severity::error: return "1;31";
    case severity::warning: return "1;33";
    case severity::info: return "36";
    }
    return "0";
}

std::string plural(std::size_t n, std::string_view word)
{
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string ports_text(const std::vector<std::uint32_t>& ports)
{
    std::string out;
    for (auto p : ports)
    {
        if (!out.empty()) out += ", ";
        out += std::to_string(p);
    }
    return out;
}

std::string label_of(const uuid& id)
{
    for (const auto& row : all_interfaces())
        if (row.id == id) return std::string(row.label);
    return {};
}

constexpr std::size_t field_width = 12; // "Interfaces: "

// Columns a terminal shows for the text: UTF-8 lead bytes, colour sequences not counted.
std::size_t columns(std::string_view text)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] == '\x1b')
        {
            while (i < text.size() && text[i] != 'm') ++i;
            continue;
        }
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
    }
    return n;
}

// Appends one logical line, broken at spaces into lines of at most width columns (0: no
// limit); continuation lines start with hang spaces. A word longer than a line (a registry
// path) is broken after a backslash; one with no backslash stays whole.
void put(std::string& out, std::string_view line, std::size_t hang, std::size_t width)
{
    std::size_t used = 0;
    bool first_word = true;
    std::string_view rest_of_word; // the tail of a word broken after a backslash: starts the next line
    bool broken = false;
    while (!line.empty() || !rest_of_word.empty())
    {
        std::string_view word;
        const bool tail = broken;
        broken = false;
        if (!rest_of_word.empty())
        {
            word = rest_of_word;
            rest_of_word = {};
        }
        else
        {
            const auto space = line.find(' ', first_word ? line.find_first_not_of(' ') : 0);
            word = line.substr(0, space);
            line = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
        }
        if (width > hang && columns(word) > width - hang)
        {
            // Keep the longest head ending in a backslash that fits on a line of its own.
            const auto cut = word.substr(0, width - hang).find_last_of('\\');
            if (cut != std::string_view::npos && cut > 0)
            {
                rest_of_word = word.substr(cut + 1);
                word = word.substr(0, cut + 1);
                broken = true;
            }
        }
        const auto w = columns(word);
        if (!first_word && (tail || (width != 0 && used + 1 + w > width && used > hang)))
        {
            out += '\n';
            out.append(hang, ' ');
            used = hang;
        }
        else if (!first_word)
        {
            out += ' ';
            ++used;
        }
        out += word;
        used += w;
        first_word = false;
    }
    out += '\n';
}

// Findings quote file names, .reg text and netstat process names: bytes we did not write.
// They are escaped here, where text is made for a terminal (JSON escapes its own way).
using output::sanitize_text;

void field(std::string& out, std::string_view name, std::string_view value, std::size_t width)
{
    if (value.empty()) return;
    std::string line = "    " + std::string(name);
    line.append(name.size() < field_width ? field_width - name.size() : 1, ' ');
    put(out, line + sanitize_text(value), 4 + field_width, width);
}

std::string_view source_words(evidence_source s)
{
    switch (s)
    {
    case evidence_source::mapper: return "endpoint mapper";
    case evidence_source::registry: return "registry export";
    case evidence_source::command_line: return "command line";
    case evidence_source::netstat: return "netstat";
    case evidence_source::ping: return "ping";
    case evidence_source::probe: return "probe of the port";
    }
    return "endpoint mapper";
}

// Every interface registered on TCP was probed and its port serves it.
bool probe_confirms(const report& r)
{
    bool any = false;
    for (const auto& st : r.interfaces)
    {
        if (st.tcp_ports.empty()) continue;
        if (st.served != served_state::served) return false;
        any = true;
    }
    return any;
}

} // namespace

std::string render_text(const report& r, const text_options& options)
{
    const palette p{options.colour};
    std::string out;

    const auto errors = r.count(severity::error);
    const auto warnings = r.count(severity::warning);
    std::string verdict_line;
    switch (r.outcome)
    {
    case verdict::healthy:
    {
        // A 2010 role that is not installed leaves its interfaces out: the verdict says so.
        const bool role_absent = std::any_of(r.findings.begin(), r.findings.end(),
                                             [](const finding& f) { return f.kind == finding_kind::role_not_detected; });
        verdict_line = p.paint("1;32", "HEALTHY") + (warnings ? " (" + plural(warnings, "warning") + ")" : "") +
                       (role_absent ? ": every required interface of the roles present is registered on ncacn_ip_tcp"
                                    : ": every required Exchange interface is registered on ncacn_ip_tcp") +
                       (r.probed && probe_confirms(r) ? ", and the probe finds each served on its port" : "");
        break;
    }
    case verdict::incomplete:
        verdict_line = p.paint("1;35", "INCOMPLETE") + (warnings ? " (" + plural(warnings, "warning") + ")" : "") +
                       (r.listing_complete ? ": no error, but a listing is partial, so not everything could be checked"
                                           : ": the listing is partial, so missing interfaces could not be checked");
        break;
    case verdict::problems:
        verdict_line = p.paint("1;31", "PROBLEMS") + " (" + plural(errors, "error") +
                       (warnings ? ", " + plural(warnings, "warning") : "") + ")";
        break;
    case verdict::not_exchange: verdict_line = p.paint("1;31", "NOT EXCHANGE") + ": no Exchange interfaces registered"; break;
    case verdict::unknown: verdict_line = p.paint("1;35", "UNKNOWN") + ": could not check"; break;
    }
    const std::size_t width = options.width;
    put(out, "Verdict: " + verdict_line, 9, width);

    std::string what;
    for (const auto& t : r.targets) what += (what.empty() ? "" : ", ") + sanitize_text(t);
    std::string checked = "Checked: " + (what.empty() ? std::string("(no endpoint data)") : what) + " - " +
                          std::to_string(r.entries) + (r.entries == 1 ? " entry" : " entries") + ", " +
                          std::to_string(r.tcp_entries) + " on ncacn_ip_tcp";
    if (!r.addresses.empty())
    {
        // A dump of a whole subnet would make this line unreadable; JSON keeps them all.
        constexpr std::size_t shown = 5;
        checked += " (";
        for (std::size_t i = 0; i < r.addresses.size() && i < shown; ++i)
            checked += (i ? ", " : "") + sanitize_text(r.addresses[i]);
        if (r.addresses.size() > shown) checked += " and " + std::to_string(r.addresses.size() - shown) + " more";
        checked += ")";
    }
    put(out, checked, 9, width);
    if (r.auth) put(out, "Authenticated: " + sanitize_text(output::auth_text(*r.auth)), 9, width);
    const bool has_table = r.outcome == verdict::healthy || r.outcome == verdict::problems || r.outcome == verdict::incomplete;
    if (has_table)
        put(out, "Profile: Exchange " + std::string(to_string(r.profile)) + (r.profile_detected ? " (detected: " : " (") +
                     sanitize_text(r.profile_reason) + ")",
            9, width);
    if (has_table && !r.partial_listings.empty())
    {
        std::string partial;
        for (const auto& t : r.partial_listings) partial += (partial.empty() ? "" : ", ") + sanitize_text(t);
        put(out, "Could check: the " + std::to_string(r.entries) + " registrations read (their ports and versions), the " +
                     "static port values given" + (r.listing_complete ? ", and absences from the complete listing(s)" : ""),
            4, width);
        put(out, r.listing_complete
                     ? "Could not check: what the partial listing(s) of " + partial + " would have added"
                     : "Could not check: whether interfaces not in the listing are registered (no listing ended normally)",
            4, width);
    }

    for (const auto& f : r.findings)
    {
        out += "\n";
        put(out, p.paint(colour_of(f.level), "[" + std::string(tag(f.level)) + "]") + " " + sanitize_text(f.title), 4, width);
        std::string ids;
        for (const auto& id : f.interfaces)
        {
            if (!ids.empty()) ids += "\n" + std::string(4 + field_width, ' ');
            ids += epmdump::to_string(id);
            if (auto label = label_of(id); !label.empty()) ids += "  " + label;
        }
        if (!ids.empty()) out += "    Interfaces: " + ids + "\n"; // one UUID a line, never wrapped
        field(out, "Ports:", ports_text(f.ports), width);
        field(out, "Evidence:", f.evidence, width);
        if (r.probed && !f.sources.empty())
        {
            std::string sources;
            for (auto s : f.sources) sources += (sources.empty() ? "" : ", ") + std::string(source_words(s));
            field(out, "Sources:", sources, width);
        }
        field(out, "Cause:", f.cause, width);
        field(out, "Remedy:", f.remedy, width);
    }
    if (r.findings.empty()) out += "\nNo findings.\n";

    if (has_table)
    {
        out += "\nExchange " + std::string(to_string(r.profile)) + " interfaces on ncacn_ip_tcp:\n";
        std::size_t name_width = 0;
        for (const auto& st : r.interfaces)
            name_width = std::max(name_width, find_service(st.row->service)->display_name.size() + 1 + st.row->label.size());
        for (const auto& st : r.interfaces)
        {
            std::string name = std::string(find_service(st.row->service)->display_name) + " " + std::string(st.row->label);
            name.append(name_width - name.size(), ' ');
            std::string where;
            if (!st.tcp_ports.empty())
                where = "port " + ports_text(st.tcp_ports);
            else if (st.registered_elsewhere)
                where = "not on TCP";
            else
                where = r.listing_complete ? "not registered" : "not listed";
            if (!st.row->required(r.profile)) where += " (optional)";
            if (st.served != served_state::not_probed)
            {
                std::string word(to_string(st.served));
                std::replace(word.begin(), word.end(), '_', ' ');
                where += ", probe: " + word;
            }
            const std::string row = "  " + name + "  " + epmdump::to_string(st.row->id);
            // Too wide: the status goes on the next line, under the UUID, so the columns stay.
            const bool fits = width == 0 || columns(row) + 2 + columns(where) <= width;
            out += row;
            if (fits)
                out += "  ";
            else
                out.append("\n").append(4 + name_width, ' ');
            out.append(where).append("\n");
        }
    }
    if (r.probed)
    {
        out += "\nPorts probed (asked directly what they serve):\n";
        if (r.probes.empty()) out += "  none\n";
        for (const auto& pr : r.probes)
            put(out, "  " + sanitize_text(pr.address) + ": " + std::string(epm::to_string(pr.state)) + ": " +
                         sanitize_text(detail::probe_shows(pr)),
                4, width);
    }
    return out;
}

} // namespace epmdump::exchange
