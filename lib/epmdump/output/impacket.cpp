#include <epmdump/output/impacket.hpp>
#include <epmdump/output/sanitize.hpp>

#include <epmdump/names/interface_names.hpp>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <ostream>
#include <tuple>
#include <string>
#include <vector>

namespace epmdump::output {

namespace {

// impacket keys its groups by str(Floors[0]): "UUID vMAJ.MIN" with the UUID upper-case.
std::string group_key(const epm::syntax_id& s)
{
    std::string text = epmdump::to_string(s.id);
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    text += " v" + std::to_string(s.major) + '.' + std::to_string(s.minor);
    return text;
}

struct group
{
    epm::syntax_id interface;
    std::string key;
    const epm::endpoint_entry* last = nullptr; // impacket overwrites the annotation per entry: the last one wins
    std::vector<const epm::endpoint_entry*> entries;
};

} // namespace

void write_impacket(std::ostream& out, const epm::enumeration& e, const format_options& options)
{
    if (!e.pages.empty())
    {
        // Groups point at entries across the whole table: this rarely used format reads owned ones.
        epm::enumeration owned = e;
        owned.pages = {};
        auto more = e.pages.to_entries();
        owned.entries.insert(owned.entries.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
        write_impacket(out, owned, options);
        return;
    }
    std::vector<group> groups;
    std::map<std::tuple<uuid, std::uint16_t, std::uint16_t>, std::size_t> group_of; // linear in entries
    std::size_t count = 0;
    for (const auto& entry : e.entries)
    {
        if (!options.filter.matches(entry)) continue;
        ++count;
        const auto key = std::tuple{entry.interface.id, entry.interface.major, entry.interface.minor};
        auto [it, added] = group_of.emplace(key, groups.size());
        if (added) groups.push_back(group{entry.interface, group_key(entry.interface), nullptr, {}});
        auto& g = groups[it->second];
        g.last = &entry;
        g.entries.push_back(&entry);
    }

    std::string line = "[*] Retrieving endpoint list from ";
    append_sanitized(line, e.target);
    out << line << '\n';
    if (!e.transport.empty())
    {
        line = "[*] Transport: ";
        append_sanitized(line, e.transport);
        out << line << ' ' << e.port << '\n';
    }
    if (e.auth)
    {
        line = "[*] Authenticated: ";
        append_sanitized(line, auth_text(*e.auth));
        out << line << '\n';
    }

    for (const auto& g : groups)
    {
        const names::interface_info* info = names::find_interface(g.interface.id, g.interface.major);
        // impacket prints "[MS-XXX]: title" from KNOWN_PROTOCOLS and the binary from KNOWN_UUIDS.
        line = "Protocol: ";
        if (info && !info->protocol.empty())
        {
            line += '[';
            line += info->protocol;
            line += "]: ";
            line += info->name;
        }
        else if (info && !info->name.empty())
            line += info->name;
        else
            line += "N/A";
        out << line << " \n";
        out << "Provider: " << (info && !info->provider.empty() ? info->provider : std::string_view("N/A")) << " \n";
        line = "UUID    : " + g.key + ' ';
        append_sanitized(line, g.last->annotation);
        out << line << '\n';
        out << "Bindings: \n";
        for (const auto* entry : g.entries)
        {
            line = "          ";
            append_sanitized(line, epm::to_string(entry->where));
            out << line << '\n';
        }
        out << '\n';
    }

    if (e.error)
    {
        line = "[-] Protocol failed: ";
        append_sanitized(line, error_text(*e.error));
        out << line << '\n';
    }
    if (count == 0)
        out << "[*] No endpoints found.\n";
    else if (count == 1)
        out << "[*] Received one endpoint.\n";
    else
        out << "[*] Received " << count << " endpoints.\n";
}

} // namespace epmdump::output
