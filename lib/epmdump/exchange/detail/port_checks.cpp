// Static port values: on their own (number, range, version, duplicates), then against what the
// endpoint mapper and netstat show (KB 926210: a configured port the service could not bind).
#include <epmdump/exchange/detail/context.hpp>

#include <algorithm>
#include <map>

namespace epmdump::exchange::detail {

std::vector<configured_port> effective_ports(const diagnosis_input& input, report& out)
{
    std::vector<configured_port> ports;
    for (const auto& c : input.static_ports)
    {
        if (!c.setting) continue;
        auto same = std::find_if(ports.begin(), ports.end(), [&](const configured_port& p) { return p.setting == c.setting; });
        if (same == ports.end())
        {
            ports.push_back(c);
            continue;
        }
        finding f;
        f.level = severity::info;
        f.kind = finding_kind::setting_overridden;
        f.title = quoted(c.setting->value) + " under " + std::string(c.setting->key) + " given twice; using " + c.raw;
        if (const auto* owner = owner_of(*c.setting)) f.service = std::string(owner->display_name);
        f.evidence = same->source + " says " + same->raw + "; " + c.source + " says " + c.raw;
        f.cause = "the same value came from two inputs";
        f.remedy = "none needed; the later input (" + c.source + ") is the one checked";
        if (same->port) f.ports.push_back(*same->port);
        if (c.port) f.ports.push_back(*c.port);
        f.add_source(same->origin);
        f.add_source(c.origin);
        out.findings.push_back(std::move(f));
        *same = c;
    }
    return ports;
}

// Checks that need only the value: number, range, version. Returns false when the value is
// unusable for the endpoint checks.
bool check_value(context& ctx, const configured_port& c)
{
    const auto& s = *c.setting;
    const service_info* owner = owner_of(s);
    finding f;
    f.service = owner ? std::string(owner->display_name) : "";
    if (c.wrong_type)
    {
        // Exchange reads a REG_DWORD here; a string is not read, so no static port is in effect.
        f.level = severity::warning;
        f.kind = finding_kind::value_wrong_type;
        f.title = value_name(c) + " is a string (REG_SZ); Exchange reads a REG_DWORD there and ignores it";
        f.evidence = c.source + ": " + c.raw;
        f.cause = "the value was written with the wrong type (\"" + std::string(s.value) + "\"=\"...\" instead of dword:...)," +
                  " so the service uses a dynamic port, not " + (c.port ? std::to_string(*c.port) : std::string("this value"));
        f.remedy = "delete the value and create it as a REG_DWORD (decimal" +
                   (c.port ? " " + std::to_string(*c.port) : std::string{}) + "), or remove it if no static port is wanted; " +
                   (owner ? restart_advice(*owner) : "then restart the Exchange services");
        if (c.port) f.ports = {*c.port};
        f.add_source(c.origin);
        ctx.add(std::move(f));
        return false;
    }
    if (!c.port)
    {
        f.level = severity::error;
        f.kind = finding_kind::value_not_a_number;
        f.title = value_name(c) + " is not a port number";
        f.evidence = c.source + ": " + c.raw;
        f.cause = "the service cannot read a port from this value";
        f.remedy = "remove the value " + value_name(c) + ", or write a decimal port such as " +
                   std::to_string(ctx.suggest_port(s)) + "; " + (owner ? restart_advice(*owner) : "then restart the Exchange services");
        f.add_source(c.origin);
        ctx.add(std::move(f));
        return false;
    }
    const std::uint32_t p = *c.port;
    f.ports = {p};
    if (p == 0 && s.zero_means_dynamic)
    {
        f.level = severity::info;
        f.kind = finding_kind::port_dynamic;
        f.title = value_name(c) + " is 0: the service picks a dynamic port";
        f.evidence = c.source + ": " + c.raw;
        f.cause = "0 means no static port";
        f.remedy = "none needed";
        f.add_source(c.origin);
        ctx.add(std::move(f));
        return false;
    }
    if (p < 1024 || p > 65535)
    {
        f.level = severity::error;
        f.kind = finding_kind::port_out_of_range;
        f.title = value_name(c) + " = " + std::to_string(p) + " is outside 1024-65535";
        f.evidence = c.source + ": " + c.raw;
        f.cause = p > 65535 ? "no TCP port has that number" : "ports below 1024 are reserved for well-known services";
        f.remedy = "remove the value " + value_name(c) + ", or set it to an unused port such as " +
                   std::to_string(ctx.suggest_port(s)) + "; " + (owner ? restart_advice(*owner) : "then restart the Exchange services");
        f.add_source(c.origin);
        ctx.add(std::move(f));
        return false;
    }
    if (!s.in(ctx.profile))
    {
        f.level = severity::info;
        f.kind = finding_kind::setting_not_used;
        f.title = value_name(c) + " is not used by Exchange " + std::string(to_string(ctx.profile));
        f.evidence = c.source + ": " + c.raw;
        f.cause = "a value of another Exchange version, probably left over from an upgrade";
        f.remedy = "none needed; remove it to avoid confusion";
        f.add_source(c.origin);
        ctx.add(std::move(f));
        return false;
    }
    if (s.recommended_low && (p < s.recommended_low || p > s.recommended_high))
    {
        f.level = severity::info;
        f.kind = finding_kind::port_outside_recommended;
        f.title = value_name(c) + " = " + std::to_string(p) + " is outside the recommended range " +
                  std::to_string(s.recommended_low) + "-" + std::to_string(s.recommended_high);
        f.evidence = c.source + ": " + c.raw;
        f.cause = "Exchange 2010 moves the Windows dynamic RPC range to 6005-59530, so static ports below 59531 "
                  "can be taken by any RPC server";
        f.remedy = "choose a port in " + std::to_string(s.recommended_low) + "-" + std::to_string(s.recommended_high) +
                   " such as " + std::to_string(ctx.suggest_port(s)) + "; " +
                   (owner ? restart_advice(*owner) : "then restart the Exchange services");
        f.add_source(c.origin);
        ctx.add(std::move(f));
    }
    return true;
}

void check_duplicates(context& ctx, const std::vector<const configured_port*>& usable)
{
    std::map<std::uint32_t, std::vector<const configured_port*>> by_port;
    for (const auto* c : usable) by_port[*c->port].push_back(c);
    for (const auto& [port, list] : by_port)
    {
        if (list.size() < 2) continue;
        finding f;
        f.level = severity::error;
        f.kind = finding_kind::duplicate_static_port;
        std::vector<std::string> names, evidence, services;
        for (const auto* c : list)
        {
            names.push_back(value_name(*c));
            evidence.push_back(c->source + ": " + c->raw);
            f.add_source(c->origin);
            if (const auto* owner = owner_of(*c->setting))
                if (std::find(services.begin(), services.end(), owner->display_name) == services.end())
                    services.emplace_back(owner->display_name);
        }
        f.title = "Port " + std::to_string(port) + " is configured for " + join(services, " and ");
        f.service = join(services, ", ");
        f.ports = {port};
        f.evidence = join(evidence, "; ");
        f.cause = "only the service that starts first can bind the port; the others do not register their "
                  "interfaces (KB 926210)";
        std::vector<std::string> each; // one port per value moved, none shared
        for (auto it = list.begin() + 1; it != list.end(); ++it)
            each.push_back(value_name(**it) + " = " + std::to_string(ctx.suggest_port(*(*it)->setting)));
        f.remedy = "keep " + names.front() + " and remove " + join(std::vector<std::string>(names.begin() + 1, names.end()), ", ") +
                   ", or give each of them its own unused port (" + join(each, ", ") + "); then restart the Exchange services";
        ctx.add(std::move(f));
    }
}

// ---- static port values against the endpoint mapper --------------------------------------------

void check_static_port(context& ctx, const configured_port& c)
{
    const auto& s = *c.setting;
    const service_info* owner = owner_of(s);
    const std::string service = owner ? std::string(owner->display_name) : std::string(s.id);
    const std::uint32_t p = *c.port;
    const auto pinned = ctx.rows_of_group(s.endpoint_group);
    if (pinned.empty()) return;

    bool on_p = false;
    std::vector<std::uint32_t> elsewhere;
    std::vector<std::string> shared_on; // "EMSMDB on 1032": listed, but another service registers it too
    std::vector<uuid> ids;
    for (const auto* row : pinned)
    {
        if (std::find(ids.begin(), ids.end(), row->id) == ids.end()) ids.push_back(row->id);
        for (auto port : ctx.seen.tcp_ports(*row))
        {
            if (port == p)
                on_p = true;
            else if (ctx.shared_with_other_group(*row))
                shared_on.push_back(std::string(row->label) + " on " + std::to_string(port));
            else if (std::find(elsewhere.begin(), elsewhere.end(), port) == elsewhere.end())
                elsewhere.push_back(port);
        }
    }
    if (on_p) return; // in effect; a partial registration is the missing-interfaces check's business
    ctx.want_probe(p, probe_purpose::static_port); // live: who holds the port now?
    std::sort(elsewhere.begin(), elsewhere.end());
    // What the value pins, named as the table names it: the whole service, or its interfaces
    // ("NSPI Proxy" for DSProxy's NSPI value, whose RFR sibling may well be registered).
    std::string pinned_name = service;
    if (owner && pinned.size() != ctx.rows_of_service(owner->id).size())
    {
        std::vector<std::string> labels;
        for (const auto* row : pinned)
            if (std::find(labels.begin(), labels.end(), row->label) == labels.end()) labels.emplace_back(row->label);
        pinned_name = join(labels, "/");
    }
    const std::string subject = pinned_name == service ? service : service + " (" + pinned_name + ")";
    // Said when nothing of its own is registered: the table may still show a shared interface.
    const std::string nowhere =
        shared_on.empty() ? pinned_name + " is registered on no TCP port"
                          : "of " + pinned_name + " only " + join(shared_on, ", ") +
                                " is registered, which another Exchange service registers too";

    std::vector<std::string> holders;
    for (const auto* e : ctx.seen.on_port(p))
    {
        const auto text = detail::describe(*e);
        if (std::find(holders.begin(), holders.end(), text) == holders.end()) holders.push_back(text);
    }
    const auto listening = ctx.listeners(p);
    const bool has_pids = ctx.input.netstat && ctx.input.netstat->has_pids;
    std::vector<std::string> netstat_holders;
    netstat_holders.reserve(listening.size());
    for (const auto* l : listening) netstat_holders.push_back(holder_from_netstat(*l, has_pids));

    // The port asked directly (live): KB 926210's netstat -an step, done from here.
    const auto* probe = ctx.probe_of(p);
    const bool serves_itself = probe && std::any_of(pinned.begin(), pinned.end(), [&](const interface_info* row) {
        return serves(*probe, *row);
    });
    const bool held = probe && !serves_itself &&
                      (probe->state == epm::port_state::rpc || probe->state == epm::port_state::not_rpc);
    const bool free_now = probe && probe->state == epm::port_state::closed;
    std::string probe_holder; // who, in a title's words
    std::string probe_note;   // the evidence
    if (probe)
    {
        probe_note = probe_cited(*probe);
        if (held && probe->state == epm::port_state::rpc)
        {
            probe_holder = "an RPC server that is not the " + pinned_name;
            probe_note += ": it is held by " + probe_holder;
        }
        else if (held)
            probe_holder = "a program that is not an RPC server (" +
                           (probe->looks_like.empty() ? std::string(epm::to_string(probe->service)) : probe->looks_like) + ")";
        else if (free_now)
            probe_note += ": the port is free now";
        else if (serves_itself)
            probe_note += ": " + service + " listens there";
    }

    finding f;
    f.service = service;
    f.interfaces = ids;
    f.ports = {p};
    for (auto q : elsewhere) f.ports.push_back(q);
    f.add_source(c.origin);
    f.add_source(evidence_source::mapper);
    if (probe)
    {
        f.add_source(evidence_source::probe);
        f.probed = {p};
    }
    const std::string with_probe = probe_note.empty() ? std::string{} : "; " + probe_note;
    const std::string setting = value_name(c) + " = " + std::to_string(p) + " (" + c.source + ")";
    const std::string replacement = std::to_string(ctx.suggest_port(s));
    const std::string restart = owner ? restart_advice(*owner) : "then restart the Exchange services";
    const std::string windows_service = owner ? std::string(owner->windows_service) : "the service";
    if (!holders.empty() || !netstat_holders.empty() || held)
    {
        std::vector<std::string> who = holders; // the probe's holder is in probe_note
        who.insert(who.end(), netstat_holders.begin(), netstat_holders.end());
        f.level = severity::error;
        f.kind = finding_kind::static_port_conflict;
        // The endpoint mapper's word first (as before probes), then the port's own, then netstat's.
        std::string title_holder = !holders.empty() ? holders.front() : held ? probe_holder : netstat_holders.front();
        if (holders.empty() && held && !listening.empty() && listening.front()->pid)
            title_holder += " (netstat: PID " + std::to_string(*listening.front()->pid) + ")";
        f.title = "Port conflict: " + service + " is configured for port " + std::to_string(p) + ", which is held by " +
                  title_holder;
        f.evidence = setting + (who.empty() ? std::string{} : "; port " + std::to_string(p) + " is used by " + join(who, "; ")) +
                     (elsewhere.empty() ? "; " + nowhere
                                        : "; " + pinned_name + " is registered on port(s) " + join(elsewhere, ", ")) +
                     with_probe;
        f.cause = "another program bound port " + std::to_string(p) + " before " + service +
                  " started, and Exchange services do not fall back to another port (KB 926210)";
        f.remedy = "remove the value " + value_name(c) + " (the service then uses a dynamic port), or set it to an "
                   "unused port such as " + replacement + "; " + restart;
        if (free_now)
        {
            f.cause += "; nothing holds it now";
            f.remedy = "the port is free now: restart " + windows_service + " (it binds port " + std::to_string(p) +
                       " if nothing takes it first); or " + f.remedy;
        }
    }
    else if (!elsewhere.empty())
    {
        f.level = severity::warning;
        f.kind = finding_kind::static_port_not_in_effect;
        f.title = subject + " is configured for port " + std::to_string(p) + " but registered on " + join(elsewhere, ", ");
        f.evidence = setting + "; the endpoint mapper has " + pinned_name + " on port(s) " + join(elsewhere, ", ") + with_probe;
        f.cause = "the value was set or changed after the service started, so a restart is pending";
        f.remedy = free_now ? "the port is free now: restart " + windows_service +
                                  "; or remove the value if the static port is not wanted"
                            : "check that port " + std::to_string(p) + " is free (netstat -ano | findstr :" +
                                  std::to_string(p) + "), then restart " + windows_service +
                                  "; or remove the value if the static port is not wanted";
    }
    else if (serves_itself)
    {
        // It bound its port, but the endpoint mapper does not know: clients asking the mapper fail.
        f.level = severity::error;
        f.kind = finding_kind::static_port_unbound;
        f.title = subject + " listens on its configured port " + std::to_string(p) + " but is not registered there";
        f.evidence = setting + "; " + nowhere + with_probe;
        f.cause = service + " bound port " + std::to_string(p) +
                  " but its registration with the endpoint mapper failed or was removed (the RPC service restarted?)";
        f.remedy = "restart " + windows_service + " so that it registers again; " + restart;
    }
    else
    {
        f.level = ctx.complete_listing ? severity::error : severity::warning;
        f.kind = finding_kind::static_port_unbound;
        f.title = subject + " is configured for port " + std::to_string(p) +
                  (shared_on.empty() ? " but registered on no TCP port" : " but not registered on it");
        f.evidence = setting + "; " + nowhere;
        if (ctx.input.netstat) f.evidence += "; netstat shows nothing listening on " + std::to_string(p) + " now";
        f.evidence += with_probe;
        f.cause = "another program probably held port " + std::to_string(p) + " when " + service +
                  " started (KB 926210), or the service is stopped";
        f.remedy = (ctx.input.netstat || probe ? std::string{}
                                               : "find the program on the port with netstat -ano | findstr :" +
                                                     std::to_string(p) + "; ") +
                   "remove the value " + value_name(c) + ", or set it to an unused port such as " + replacement + "; " + restart;
        if (free_now)
        {
            f.cause = "port " + std::to_string(p) + " is free now, so it was held when " + service +
                      " started (KB 926210) and has been released since, or the service is stopped";
            f.remedy = "the port is free now: restart the service (" + windows_service +
                       " first, then the other Exchange services); if it fails again, " + f.remedy;
        }
    }
    // netstat told who listens, or (for an unbound value) that nothing did.
    if (!listening.empty() || (ctx.input.netstat && f.kind == finding_kind::static_port_unbound && !serves_itself))
        f.add_source(evidence_source::netstat);
    ctx.add(std::move(f));
}

} // namespace epmdump::exchange::detail
