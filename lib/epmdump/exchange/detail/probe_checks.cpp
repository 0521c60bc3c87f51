// What a probe of a port of the live host shows (epmdump probe's answer), in the words of the
// findings that cite it, and the check that each registered Exchange port serves its interfaces.
#include <epmdump/exchange/detail/context.hpp>
#include <epmdump/names/interface_names.hpp>

#include <algorithm>
#include <map>

namespace epmdump::exchange::detail {

namespace {

constexpr std::size_t interfaces_named = 8; // a server listing hundreds would drown the finding

std::string looks_like_text(const epm::port_probe& p)
{
    const std::string kind(epm::to_string(p.service));
    if (p.looks_like.empty()) return p.service == epm::service_kind::unknown ? "nothing we recognise" : kind;
    return p.service == epm::service_kind::unknown ? p.looks_like : p.looks_like + " (" + kind + ")";
}

} // namespace

std::string interface_text(const epm::syntax_id& id)
{
    std::string text = epmdump::to_string(id.id) + " v" + std::to_string(id.major) + "." + std::to_string(id.minor);
    std::string name;
    if (auto rows = find_rows(id.id); !rows.empty())
        name = std::string(rows.front()->annotation);
    else if (const auto* info = names::find_interface(id.id, id.major))
        name = info->protocol.empty() ? std::string(info->name) : std::string(info->protocol) + " " + std::string(info->name);
    return name.empty() ? text : text + " (" + name + ")";
}

std::string probe_shows(const epm::port_probe& p)
{
    const std::string port = "port " + std::to_string(p.port);
    switch (p.state)
    {
    case epm::port_state::rpc:
    {
        if (p.accepts_any_interface)
            return port + " answers as an RPC server that accepts any interface offered, so what it serves cannot be told";
        if (p.interfaces.empty())
            return port + " answers as an RPC server that does not say what it serves" +
                   (p.mgmt_refusal.empty() ? std::string{} : " (management interface refused: " + p.mgmt_refusal + ")");
        std::vector<std::string> served;
        for (std::size_t i = 0; i < p.interfaces.size() && i < interfaces_named; ++i)
            served.push_back(interface_text(p.interfaces[i].interface));
        if (p.interfaces.size() > interfaces_named)
            served.push_back("and " + std::to_string(p.interfaces.size() - interfaces_named) + " more");
        return port + " serves " + join(served, ", ");
    }
    case epm::port_state::not_rpc:
        return port + " is held by a program that is not an RPC server; it looks like " + looks_like_text(p);
    case epm::port_state::closed: return "nothing listens on " + port + " now (the connection was refused)";
    case epm::port_state::filtered:
        return port + " did not answer within the connect timeout (filtered: a firewall drops it, so what holds it "
                      "cannot be seen from here)";
    case epm::port_state::error: break;
    }
    return "the probe of " + port + " failed" + (p.error ? ": " + p.error->message : std::string{});
}

std::string probe_cited(const epm::port_probe& p)
{
    const bool v6 = p.address.find(':') != std::string::npos;
    return "probe of " + (v6 ? "[" + p.address + "]" : p.address) + ":" + std::to_string(p.port) + ": " + probe_shows(p);
}

bool serves(const epm::port_probe& p, const interface_info& row)
{
    if (p.state != epm::port_state::rpc || p.accepts_any_interface) return false;
    return std::any_of(p.interfaces.begin(), p.interfaces.end(), [&](const epm::served_interface& s) {
        return s.interface.id == row.id && s.interface.major == row.major;
    });
}

served_state judge(const epm::port_probe& p, const interface_info& row)
{
    switch (p.state)
    {
    case epm::port_state::rpc:
        if (p.accepts_any_interface) return served_state::unconfirmed;
        if (serves(p, row)) return served_state::served;
        // Nothing listed and nothing found by the fallback: the server would not say.
        return p.mgmt_answered || !p.interfaces.empty() ? served_state::not_served : served_state::unconfirmed;
    case epm::port_state::not_rpc:
    case epm::port_state::closed:
    case epm::port_state::filtered: return served_state::not_served;
    case epm::port_state::error: break;
    }
    return served_state::unconfirmed;
}

void check_served(context& ctx)
{
    for (const auto& svc : all_services())
    {
        // Ports that answered but do not serve what is registered there; closed and filtered
        // ones are check_answering's.
        std::map<std::uint32_t, std::vector<const interface_info*>> by_port;
        for (const auto* row : ctx.rows_of_service(svc.id))
            for (auto port : ctx.seen.tcp_ports(*row))
            {
                ctx.want_probe(port, probe_purpose::registered);
                const auto* p = ctx.probe_of(port);
                if (!p || (p->state != epm::port_state::rpc && p->state != epm::port_state::not_rpc)) continue;
                if (judge(*p, *row) == served_state::not_served) by_port[port].push_back(row);
            }
        for (const auto& [port, rows] : by_port)
        {
            const auto& p = *ctx.probe_of(port);
            finding f;
            f.level = severity::error;
            f.kind = finding_kind::registered_not_served;
            f.service = std::string(svc.display_name);
            std::vector<std::string> labels;
            for (const auto* row : rows)
            {
                if (std::find(labels.begin(), labels.end(), row->label) == labels.end()) labels.emplace_back(row->label);
                if (std::find(f.interfaces.begin(), f.interfaces.end(), row->id) == f.interfaces.end())
                    f.interfaces.push_back(row->id);
            }
            const std::string p_text = std::to_string(port);
            f.ports = {port};
            f.probed = {port};
            f.title = f.service + " (" + join(labels, std::string(svc.label_separator)) + ") is registered on port " + p_text +
                      ", which does not serve " + (labels.size() == 1 ? "it" : "them");
            f.evidence = "the endpoint mapper lists " + join(labels, ", ") + " on port " + p_text + "; " + probe_cited(p);
            f.cause = "the registration is stale: " + std::string(svc.windows_service) +
                      " stopped or moved without removing it, and " +
                      (p.state == epm::port_state::not_rpc ? "a program that is not an RPC server"
                                                           : "another RPC server") +
                      " holds port " + p_text + " now";
            f.remedy = "restart " + std::string(svc.windows_service) + " so that it registers afresh; netstat -ano | findstr :" +
                       p_text + " on the server names the program on the port";
            f.add_source(evidence_source::mapper);
            f.add_source(evidence_source::probe);
            ctx.add(std::move(f));
        }
    }
}

} // namespace epmdump::exchange::detail
