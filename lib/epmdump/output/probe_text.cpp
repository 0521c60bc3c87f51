// `epmdump probe` as text: one block per port, in the spirit of rpcdump.exe's lines.
#include <epmdump/output/probe_writer.hpp>

#include <epmdump/names/interface_names.hpp>
#include <epmdump/output/sanitize.hpp>

#include <ostream>
#include <string>

namespace epmdump::output {

namespace {

// "[uuid] vMAJ.MIN NAME" (no name when our table does not know the interface).
std::string interface_text(const epm::syntax_id& s)
{
    std::string t = "[" + to_string(s.id) + "] v" + std::to_string(s.major) + "." + std::to_string(s.minor);
    if (const auto* info = names::find_interface(s.id, s.major)) (t += ' ') += info->name;
    return t;
}

std::string upper(std::string_view word)
{
    std::string out(word);
    for (auto& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

void header(std::ostream& out, const epm::probe_report& r)
{
    const auto& p = r.probe;
    std::string line = "# target: ";
    append_sanitized(line, p.target);
    line += " | address: ";
    append_sanitized(line, p.address);
    line += " | port: " + std::to_string(p.port);
    if (r.scope == epm::probe_scope::host)
        line += p.port != 0 ? " | host: not probed (endpoint mapper not enumerated)"
                                            : " | host: not probed";
    else
    {
        line += " | state: ";
        line += epm::to_string(p.state);
        if (p.state == epm::port_state::rpc) line += " | interfaces: " + std::to_string(p.interfaces.size());
        if (p.state == epm::port_state::not_rpc) (line += " | service: ") += epm::to_string(p.service);
    }
    if (p.auth) append_sanitized(line += " | auth: ", auth_text(*p.auth));
    if (p.error) append_sanitized(line += " | error: ", error_text(*p.error));
    out << line << '\n';
}

void rpc_details(std::ostream& out, const epm::probe_report& r)
{
    const auto& p = r.probe;
    if (p.ncacn_http) out << "  greeting: ncacn_http/1.0\n";
    if (p.mgmt_answered)
        out << "  mgmt: inq_if_ids answered\n";
    else
        out << "  mgmt: " << (p.mgmt_refusal.empty() ? std::string("no answer") : "refused (" + sanitize_text(p.mgmt_refusal) + ")")
            << (p.interfaces.empty() ? ", no interface found\n" : ", interfaces found by offering known ones\n");
    if (p.principal) out << "  principal: " << sanitize_text(*p.principal) << '\n';
    if (p.accepts_any_interface)
        out << "  accepts any interface: it accepted an interface nobody serves, so what it accepted is not listed\n";
    for (const auto& s : p.interfaces)
    {
        out << "  " << sanitize_text(p.address) << '[' << p.port << "] " << interface_text(s.interface) << " :"
            << upper(epm::to_string(s.how));
        if (const auto word = registration_word(r, s.interface); !word.empty()) out << " :" << upper(word);
        out << '\n';
    }
}

void registration(std::ostream& out, const epm::probe_report& r)
{
    if (!r.registered) return;
    if (!epm::gap_known(r))
    {
        if (!r.registered->empty())
            out << "  registration: " << r.registered->size()
                << " entries registered here; whether they are served is not known\n";
        return;
    }
    const auto gap = probe_gap(r);
    for (const auto& s : gap.served_not_registered) out << "  served, not registered: " << interface_text(s) << '\n';
    for (const auto& s : gap.registered_not_served) out << "  registered, not served: " << interface_text(s) << '\n';
    if (gap.served_not_registered.empty() && gap.registered_not_served.empty())
        out << (r.registered->empty() ? "  registration: none on this port\n" : "  registration: as the endpoint mapper lists it\n");
}

} // namespace

void write_probe_text(std::ostream& out, const epm::probe_report& r)
{
    header(out, r);
    if (r.scope == epm::probe_scope::host) return;
    const auto& p = r.probe;
    if (p.state == epm::port_state::rpc) rpc_details(out, r);
    if (p.state == epm::port_state::not_rpc)
    {
        if (!p.looks_like.empty()) out << "  looks like: " << sanitize_text(p.looks_like) << '\n';
        if (!p.first_bytes.empty()) out << "  first bytes: " << first_bytes_text(p) << '\n';
    }
    registration(out, r);
}

} // namespace epmdump::output
