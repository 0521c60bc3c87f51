// Interfaces of the profile: which required ones are missing from ncacn_ip_tcp (grouped by
// service), which groups are split across ports, which registered endpoints do not answer.
#include <epmdump/exchange/detail/context.hpp>

#include <algorithm>
#include <map>

namespace epmdump::exchange::detail {

namespace {

std::string summary_of(const service_info& svc, const std::vector<const interface_info*>& rows)
{
    std::vector<std::pair<std::string_view, int>> labels; // in catalog order
    for (const auto* row : rows)
    {
        auto it = std::find_if(labels.begin(), labels.end(), [&](const auto& l) { return l.first == row->label; });
        if (it == labels.end())
            labels.emplace_back(row->label, 1);
        else
            ++it->second;
    }
    std::vector<std::string> parts;
    for (const auto& [label, n] : labels)
    {
        // "Information Store x3" reads as three interfaces, not as the service itself.
        std::string part(label);
        if (label == svc.display_name && n > 1) part += " x" + std::to_string(n);
        parts.push_back(part);
    }
    return join(parts, svc.label_separator);
}

bool role_present(const context& ctx, std::string_view role)
{
    for (const auto& row : all_interfaces())
    {
        const auto* svc = find_service(row.service);
        if (svc && svc->role == role && row.in(ctx.profile) && row.evidence_of_exchange &&
            !ctx.shared_with_other_group(row) && ctx.seen.registered_anywhere(row))
            return true;
    }
    for (const auto& c : ctx.ports)
        if (const auto* owner = owner_of(*c.setting); owner && owner->role == role) return true;
    return false;
}


std::string on_ports(const context& ctx, const interface_info& row)
{
    return std::string(row.label) + " on " + join(ctx.seen.tcp_ports(row), "/");
}

void add_port(std::vector<std::uint32_t>& ports, std::uint32_t p)
{
    if (std::find(ports.begin(), ports.end(), p) == ports.end()) ports.push_back(p);
}

// Cause and remedy of a missing-interfaces finding, KB 926210's steps made concrete. A value is
// blamed only when it pins the endpoint of a missing interface (per version) and nothing of
// that endpoint is registered; a value whose port the listing shows its interface on works, and
// no remedy touches it.
void explain_missing(context& ctx, const service_info& svc, const std::vector<const interface_info*>& missing,
                     finding& f)
{
    std::vector<std::string> blamed, working;
    std::vector<std::pair<std::string, std::vector<std::string>>> by_key; // "A" and "B" under KEY
    std::vector<const port_setting*> blamed_settings, candidate_settings;
    for (const auto* s : ctx.settings_governing(missing))
    {
        // Another interface of that endpoint is registered: the endpoint was bound, so no port kept these away.
        const auto group = ctx.rows_of_group(s->endpoint_group);
        const bool bound = std::any_of(group.begin(), group.end(), [&](const interface_info* row) {
            return !ctx.shared_with_other_group(*row) && !ctx.seen.tcp_ports(*row).empty();
        });
        if (const auto* c = ctx.configured(*s); c && c->port)
        {
            if (bound || !ctx.shown_on_configured_port(*c).empty()) continue; // said below, or by the static-port check
            blamed.push_back(value_name(*c) + " = " + std::to_string(*c->port));
            f.add_source(c->origin);
            blamed_settings.push_back(s);
            add_port(f.ports, *c->port);
            continue;
        }
        if (bound) continue;
        auto it = std::find_if(by_key.begin(), by_key.end(), [&](const auto& k) { return k.first == full_key(*s); });
        if (it == by_key.end()) it = by_key.insert(by_key.end(), {full_key(*s), {}});
        it->second.push_back(quoted(s->value));
        candidate_settings.push_back(s);
    }
    // Values of the same Windows service that visibly work (the SA's NSPI and RFR ports when its own
    // interfaces are missing): the admin must keep them.
    for (const auto& c : ctx.ports)
    {
        const auto* owner = owner_of(*c.setting);
        if (!owner || owner->windows_service != svc.windows_service || !c.port) continue;
        if (auto shown = ctx.shown_on_configured_port(c); !shown.empty())
        {
            working.push_back(value_name(c) + " = " + std::to_string(*c.port) + " (the listing shows " + join(shown, ", ") +
                              " on " + std::to_string(*c.port) + ")");
            f.add_source(c.origin);
        }
    }
    // The same process registered other interfaces: it is running, whatever else is wrong.
    std::vector<std::string> running;
    for (const auto& row : all_interfaces())
    {
        const auto* owner = find_service(row.service);
        if (!row.in(ctx.profile) || !owner || owner->windows_service != svc.windows_service ||
            ctx.shared_with_other_group(row) || ctx.seen.tcp_ports(row).empty())
            continue;
        const auto text = on_ports(ctx, row);
        if (std::find(running.begin(), running.end(), text) == running.end()) running.push_back(text);
    }

    std::vector<std::string> candidates;
    candidates.reserve(by_key.size());
    for (const auto& [key, values] : by_key) candidates.push_back(join(values, " and ") + " under " + key);
    const std::string who = std::string(svc.windows_service) + " (" + std::string(svc.process) + ")";
    const std::string is_running = " is running (the listing shows " + join(running, ", ") + ")";
    const std::string keep = working.empty() ? std::string{} : "; keep " + join(working, " and ") + ": they work";
    if (!blamed.empty())
    {
        std::vector<std::string> each;
        each.reserve(blamed_settings.size());
        for (const auto* s : blamed_settings)
            each.push_back(setting_name(*s) + " = " + std::to_string(ctx.suggest_port(*s)));
        f.cause = who + " could not bind its static port(s) " + join(blamed, ", ") + (running.empty() ? ", or is stopped" : "") +
                  "; Exchange services do not fall back to another port (KB 926210)";
        f.remedy = "remove the static port value(s) " + join(blamed, ", ") + ", or give each an unused port (" +
                   join(each, ", ") + ")" + keep + "; " + restart_advice(svc);
    }
    else if (!candidates.empty())
    {
        std::vector<std::string> each;
        each.reserve(candidate_settings.size());
        for (const auto* s : candidate_settings)
            each.push_back(setting_name(*s) + " = " + std::to_string(ctx.suggest_port(*s)));
        f.cause = who + (running.empty() ? " is stopped, or it is" : is_running + ", but it may be") +
                  " configured with a static TCP port that another program took before it started, and it does not "
                  "fall back to another port (KB 926210)";
        f.remedy = "look for " + join(candidates, " and ") + " (or rerun with --registry export.reg); if set, remove it "
                   "or give it an unused port (" + join(each, ", ") + "; netstat -ano shows ports in use)" + keep + "; " +
                   restart_advice(svc) + ". If no static port is set, " +
                   (running.empty() ? "start " : "restart ") + std::string(svc.windows_service) + " and read the Application log";
    }
    else if (!running.empty())
    {
        f.cause = who + is_running + " but did not register these interfaces; " +
                  (ctx.settings_governing(missing).empty() ? "no static port value pins their endpoint"
                                                           : "the endpoint their static port value pins is bound") +
                  ", so a port conflict does not explain it";
        f.remedy = "restart " + std::string(svc.windows_service) + " and read the Application log for its errors" + keep;
    }
    else
    {
        f.cause = who + " is stopped or failed to register its RPC interfaces";
        f.remedy = "start " + std::string(svc.windows_service) + " and read the Application log" + keep + "; " +
                   restart_advice(svc);
    }
    if (!ctx.complete_listing)
    {
        f.cause = "the listing is partial, so these interfaces may be registered but unlisted; if they are not: " + f.cause;
        f.remedy = "first get a complete listing (epmdump exchange HOST, or rpcdump /S HOST > rpcdump.txt and --dump); if "
                   "they are still missing: " + f.remedy;
    }
}

// A service's required interfaces of the profile, split by whether the listing has them on TCP.
struct required_rows
{
    std::vector<const interface_info*> required, missing, present;
};

required_rows rows_required(const context& ctx, const service_info& svc)
{
    required_rows r;
    for (const auto* row : ctx.rows_of_service(svc.id))
    {
        if (!row->required(ctx.profile)) continue;
        r.required.push_back(row);
        (ctx.seen.tcp_ports(*row).empty() ? r.missing : r.present).push_back(row);
    }
    return r;
}

// What the listing shows of the service instead; the ports of the interfaces present go to f.ports.
std::string evidence_of_missing(const context& ctx, const required_rows& r, finding& f)
{
    std::vector<std::string> notes;
    if (r.present.empty())
        notes.push_back("none of the " + std::to_string(r.required.size()) + " " + f.service +
                        " interfaces is registered on ncacn_ip_tcp");
    else
    {
        std::vector<std::string> there;
        for (const auto* row : r.present)
        {
            there.push_back(std::string(row->label) + " on " + join(ctx.seen.tcp_ports(*row), "/"));
            for (auto port : ctx.seen.tcp_ports(*row))
                if (std::find(f.ports.begin(), f.ports.end(), port) == f.ports.end()) f.ports.push_back(port);
        }
        notes.push_back(std::to_string(r.missing.size()) + " of " + std::to_string(r.required.size()) +
                        " interfaces missing; present: " + join(there, ", "));
    }
    for (const auto* row : r.missing)
    {
        if (auto other = ctx.seen.other_protseqs(*row); !other.empty())
            notes.push_back(std::string(row->label) + " is registered on " + join(other, ", ") + " only");
        if (auto versions = ctx.seen.other_versions(*row); !versions.empty())
            notes.push_back(std::string(row->label) + " is registered as " + join(versions, ", ") + ", expected " +
                            version_text(*row));
    }
    notes.push_back(std::to_string(ctx.seen.tcp_entries()) + " ncacn_ip_tcp entries read");
    if (!ctx.complete_listing) notes.push_back("no listing was complete, so they may only be unlisted");
    return join(notes, "; ");
}

finding missing_interfaces(context& ctx, const service_info& svc, const required_rows& r)
{
    finding f;
    // An absence from a listing that did not end normally is only a suspicion.
    f.level = ctx.complete_listing ? severity::error : severity::warning;
    f.kind = finding_kind::interfaces_missing;
    f.service = std::string(svc.display_name);
    f.title = f.service + " (" + summary_of(svc, r.missing) + ")" +
              (ctx.complete_listing ? " not registered" : " not in the partial listing");
    for (const auto* row : r.missing)
        if (std::find(f.interfaces.begin(), f.interfaces.end(), row->id) == f.interfaces.end())
            f.interfaces.push_back(row->id);
    f.add_source(evidence_source::mapper);
    f.evidence = evidence_of_missing(ctx, r, f);
    explain_missing(ctx, svc, r.missing, f);
    std::sort(f.ports.begin(), f.ports.end());
    return f;
}

finding role_not_detected(const context& ctx, std::string_view role, const std::vector<const service_info*>& services)
{
    finding f;
    f.level = severity::info;
    f.kind = finding_kind::role_not_detected;
    std::vector<std::string> names;
    for (const auto* svc : services)
    {
        names.emplace_back(svc->display_name);
        for (const auto* row : ctx.rows_of_service(svc->id))
            if (row->required(ctx.profile) && std::find(f.interfaces.begin(), f.interfaces.end(), row->id) == f.interfaces.end())
                f.interfaces.push_back(row->id);
    }
    const std::string role_name = role == "client_access" ? "Client Access" : role == "mailbox" ? "Mailbox" : std::string(role);
    // An interface another role registers too (EMSMDB) may be listed: say so, as the table shows it.
    std::vector<std::string> shared;
    for (const auto* svc : services)
        for (const auto* row : ctx.rows_of_service(svc->id))
            if (ctx.shared_with_other_group(*row) && !ctx.seen.tcp_ports(*row).empty())
                shared.push_back(std::string(row->label) + " on " + join(ctx.seen.tcp_ports(*row), "/"));
    f.title = "No " + role_name + " role services " + (ctx.complete_listing ? "registered" : "in the partial listing") +
              " (" + join(names, ", ") + ")";
    f.service = join(names, ", ");
    f.evidence = shared.empty() ? "no interface of " + join(names, " or ") + " is in the listing"
                                : "no interface that only " + join(names, " or ") + " registers is in the listing (" +
                                      join(shared, ", ") + " is registered by the Mailbox role's store too, so it "
                                      "does not show the role)";
    f.evidence += ", and no static port is configured for them";
    f.cause = ctx.complete_listing ? "this Exchange 2010 server probably does not hold the " + role_name + " role"
                                   : "the listing is partial: this server may not hold the " + role_name +
                                         " role, or its interfaces are unlisted";
    f.remedy = "none if the role is not installed here; otherwise start " + join(names, " and ") +
               " and check their static ports";
    f.add_source(evidence_source::mapper);
    return f;
}

} // namespace

void check_required(context& ctx)
{
    std::map<std::string_view, std::vector<const service_info*>> absent_roles;
    for (const auto& svc : all_services())
    {
        const auto rows = rows_required(ctx, svc);
        if (rows.missing.empty()) continue;
        // 2010 splits services across server roles; a role with nothing at all is not installed.
        // An interface another role registers too (EMSMDB) proves nothing about this service.
        const bool own_present = std::any_of(rows.present.begin(), rows.present.end(),
                                             [&](const interface_info* row) { return !ctx.shared_with_other_group(*row); });
        if (ctx.profile == exchange_version::e2010 && !own_present && !role_present(ctx, svc.role))
            absent_roles[svc.role].push_back(&svc);
        else
            ctx.add(missing_interfaces(ctx, svc, rows));
    }
    for (const auto& [role, services] : absent_roles) ctx.add(role_not_detected(ctx, role, services));
}

// ---- ports a group shares --------------------------------------------------------------------

void check_split(context& ctx)
{
    std::vector<std::string_view> groups;
    for (const auto& row : all_interfaces())
        if (row.in(ctx.profile) && std::find(groups.begin(), groups.end(), row.endpoint_group) == groups.end())
            groups.push_back(row.endpoint_group);
    for (auto group : groups)
    {
        std::map<std::uint32_t, std::vector<std::string>> by_port;
        std::vector<uuid> ids;
        const service_info* svc = nullptr;
        for (const auto* row : ctx.rows_of_group(group))
        {
            if (ctx.shared_with_other_group(*row)) continue;
            svc = find_service(row->service);
            for (auto port : ctx.seen.tcp_ports(*row))
            {
                auto& labels = by_port[port];
                if (std::find(labels.begin(), labels.end(), row->label) == labels.end()) labels.emplace_back(row->label);
                if (std::find(ids.begin(), ids.end(), row->id) == ids.end()) ids.push_back(row->id);
            }
        }
        if (by_port.size() < 2 || !svc) continue;
        finding f;
        f.level = severity::warning;
        f.kind = finding_kind::ports_split;
        f.service = std::string(svc->display_name);
        f.interfaces = ids;
        std::vector<std::string> parts;
        for (const auto& [port, labels] : by_port)
        {
            f.ports.push_back(port);
            parts.push_back("port " + std::to_string(port) + ": " + join(labels, ", "));
        }
        f.title = f.service + " interfaces are split across ports " + join(f.ports, ", ");
        f.evidence = join(parts, "; ");
        f.cause = "one process registers these interfaces on one endpoint; several ports mean stale registrations "
                  "from an earlier start, or a second instance";
        f.remedy = "restart " + std::string(svc->windows_service) + " so that it registers afresh; if the old port stays "
                   "registered, find its owner with netstat -ano";
        f.add_source(evidence_source::mapper);
        ctx.add(std::move(f));
    }
}

// ---- live verification -----------------------------------------------------------------------

void check_answering(context& ctx)
{
    for (const auto& svc : all_services())
    {
        finding f;
        std::vector<std::string> labels;
        // Per state, the ports: nothing listening, another RPC server, no RPC server.
        std::vector<std::uint32_t> silent, other_rpc, not_rpc;
        std::vector<std::string> probe_notes; // what the probe of each silent port showed
        for (const auto* row : ctx.rows_of_service(svc.id))
        {
            for (const auto& r : ctx.seen.matching(*row))
            {
                if (!r.port) continue;
                // The ping (a bind on the endpoint) or the probe (a connection to the port) got no answer.
                const auto ping = r.entry->ping;
                const bool pinged_silent = ping == epm::ping_status::not_listening;
                const auto* probe = ctx.probe_of(*r.port);
                const bool probed_silent =
                    probe && (probe->state == epm::port_state::closed || probe->state == epm::port_state::filtered);
                // Another program answered the ping; where the probe finds it too, check_served says it
                // (registered_not_served), so it is not said twice.
                const bool pinged_other =
                    (ping == epm::ping_status::wrong_interface || ping == epm::ping_status::not_rpc) &&
                    !(probe && judge(*probe, *row) == served_state::not_served);
                if (!pinged_silent && !probed_silent && !pinged_other) continue;
                if (pinged_silent || pinged_other) f.add_source(evidence_source::ping);
                auto& by_state = pinged_silent || probed_silent                ? silent
                                 : ping == epm::ping_status::wrong_interface ? other_rpc
                                                                              : not_rpc;
                if (std::find(by_state.begin(), by_state.end(), *r.port) == by_state.end()) by_state.push_back(*r.port);
                if (std::find(f.interfaces.begin(), f.interfaces.end(), row->id) == f.interfaces.end())
                {
                    f.interfaces.push_back(row->id);
                    labels.emplace_back(row->label);
                }
                if (std::find(f.ports.begin(), f.ports.end(), *r.port) == f.ports.end())
                {
                    f.ports.push_back(*r.port);
                    if (probed_silent)
                    {
                        f.add_source(evidence_source::probe);
                        f.probed.push_back(*r.port);
                        probe_notes.push_back(probe_cited(*probe));
                    }
                }
            }
        }
        if (f.interfaces.empty()) continue;
        std::sort(f.ports.begin(), f.ports.end());
        std::sort(f.probed.begin(), f.probed.end());
        f.sources.insert(f.sources.begin(), evidence_source::mapper);
        f.level = severity::error;
        f.kind = finding_kind::not_answering;
        f.service = std::string(svc.display_name);
        f.title = f.service + " (" + join(labels, std::string(svc.label_separator)) + ") registered but not answering on port " +
                  join(f.ports, ", ");
        for (auto* ports : {&silent, &other_rpc, &not_rpc}) std::sort(ports->begin(), ports->end());
        std::vector<std::string> seen;
        if (!silent.empty()) seen.push_back("a connection to port(s) " + join(silent, ", ") + " was not answered");
        if (!other_rpc.empty())
            seen.push_back("the DCE/RPC server on port(s) " + join(other_rpc, ", ") + " refused these interfaces");
        if (!not_rpc.empty()) seen.push_back("what answered on port(s) " + join(not_rpc, ", ") + " is no DCE/RPC server");
        f.evidence = "the endpoint mapper lists them, but " + join(seen, "; ");
        if (!probe_notes.empty()) f.evidence += "; " + join(probe_notes, "; ");
        f.cause = std::string(svc.windows_service) + " stopped or crashed without removing its registrations, or a firewall "
                  "blocks the port";
        if (!other_rpc.empty() || !not_rpc.empty()) f.cause += ", or another program now holds the port";
        f.remedy = "restart " + std::string(svc.windows_service) + "; if it is running, allow TCP " + join(f.ports, ", ") +
                   " through the firewall between clients and the server";
        ctx.add(std::move(f));
    }
}

bool exchange_present(const observed& seen)
{
    for (const auto& row : all_interfaces())
        if (row.evidence_of_exchange && seen.registered_anywhere(row)) return true;
    return false;
}

} // namespace epmdump::exchange::detail
