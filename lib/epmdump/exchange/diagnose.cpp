#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/exchange/detail/observed.hpp>
#include <epmdump/exchange/detail/text.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>

namespace epmdump::exchange {

namespace {

using detail::observed;

constexpr std::uint32_t suggestion_low = 59531; // ExBPA gg191713's recommended static range
constexpr std::uint32_t suggestion_high = 60554;

template <class T>
std::string join(const std::vector<T>& items, std::string_view sep)
{
    std::string out;
    for (const auto& item : items)
    {
        if (!out.empty()) out += sep;
        if constexpr (std::is_arithmetic_v<T>)
            out += std::to_string(item);
        else
            out += item;
    }
    return out;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string version_text(const interface_info& row)
{
    return "v" + std::to_string(row.major) + "." + std::to_string(row.minor);
}

// Everything the checks share.
struct context
{
    const diagnosis_input& input;
    const observed& seen;
    exchange_version profile;
    std::vector<configured_port> ports; // one per setting, the effective one
    report& out;

    std::vector<const interface_info*> rows_of_service(std::string_view service) const
    {
        std::vector<const interface_info*> rows;
        for (const auto& row : all_interfaces())
            if (row.service == service && row.in(profile)) rows.push_back(&row);
        return rows;
    }

    std::vector<const interface_info*> rows_of_group(std::string_view group) const
    {
        std::vector<const interface_info*> rows;
        for (const auto& row : all_interfaces())
            if (row.endpoint_group == group && row.in(profile)) rows.push_back(&row);
        return rows;
    }

    // A UUID that two groups of the profile register (EMSMDB on 2010: store and RPC Client
    // Access) cannot say which process holds which port.
    bool shared_with_other_group(const interface_info& row) const
    {
        for (const auto& other : all_interfaces())
            if (other.id == row.id && other.in(profile) && other.endpoint_group != row.endpoint_group) return true;
        return false;
    }

    // Values under the service's own key (MSExchangeSA\... for the SA and DSProxy alike).
    std::vector<const port_setting*> settings_of(const service_info& svc) const
    {
        std::vector<const port_setting*> out;
        for (const auto& s : all_port_settings())
        {
            const std::string prefix = std::string(svc.windows_service) + "\\";
            if (s.in(profile) && s.key.substr(0, prefix.size()) == prefix) out.push_back(&s);
        }
        return out;
    }

    const configured_port* configured(const port_setting& s) const
    {
        for (const auto& c : ports)
            if (c.setting == &s) return &c;
        return nullptr;
    }

    std::vector<const socket_entry*> listeners(std::uint32_t port) const
    {
        if (!input.netstat) return {};
        return input.netstat->tcp_listeners(port);
    }

    // A port nothing uses: not registered, not listening, not configured for anything else.
    std::uint32_t unused_port() const
    {
        for (std::uint32_t p = suggestion_low; p <= suggestion_high; ++p)
        {
            if (seen.port_registered(p) || !listeners(p).empty()) continue;
            if (std::any_of(ports.begin(), ports.end(), [p](const configured_port& c) { return c.port == p; }))
                continue;
            return p;
        }
        return suggestion_low;
    }

    void add(finding f) { out.findings.push_back(std::move(f)); }
};

std::string restart_advice(const service_info& svc)
{
    return "then restart the Exchange services (" + std::string(svc.windows_service) +
           " first; KB 926210: restart all Exchange-related services)";
}

std::string holder_from_netstat(const socket_entry& s, bool has_pids)
{
    std::string who = "a process";
    if (s.pid) who = "PID " + std::to_string(*s.pid);
    if (!s.process.empty()) who += " (" + s.process + ")";
    std::string text = who + " listening on " + s.local_address + ":" + std::to_string(s.local_port) +
                       " (netstat line " + std::to_string(s.line) + ")";
    if (!has_pids) text += "; run netstat -ano to see its PID";
    return text;
}

// ---- profile -----------------------------------------------------------------------------------

bool service_seen(const observed& seen, std::string_view service)
{
    for (const auto& row : all_interfaces())
        if (row.service == service && seen.registered_anywhere(row)) return true;
    return false;
}

bool uuid_seen(const observed& seen, std::string_view service, std::string_view label)
{
    for (const auto& row : all_interfaces())
        if (row.service == service && row.label == label && seen.registered_anywhere(row)) return true;
    return false;
}

std::size_t emsmdb_ports(const observed& seen)
{
    for (const auto& row : all_interfaces())
        if (row.label == "EMSMDB") return seen.tcp_ports(row).size();
    return 0;
}

void choose_profile(const diagnosis_input& input, const observed& seen, report& out)
{
    if (input.profile)
    {
        out.profile = *input.profile;
        out.profile_reason = "given with --version-profile";
        return;
    }
    out.profile_detected = true;
    const bool mta = service_seen(seen, "mta");
    const bool sa = service_seen(seen, "sa");
    const bool rfr = uuid_seen(seen, "dsproxy", "RFR");
    const bool client_access =
        uuid_seen(seen, "rpc", "EMSMDB") || uuid_seen(seen, "rpc", "AsyncEMSMDB") || rfr;
    const auto configured = [&](std::string_view id) {
        return std::any_of(input.static_ports.begin(), input.static_ports.end(),
                           [id](const configured_port& c) { return c.setting && c.setting->id == id; });
    };
    if (mta)
    {
        out.profile = exchange_version::e2000;
        out.profile_reason = "the MTA interfaces are registered; Exchange 2007 dropped the MTA";
    }
    else if (configured("rpc") || configured("ab"))
    {
        out.profile = exchange_version::e2010;
        out.profile_reason = "static ports are configured for MSExchangeRPC / MSExchangeAB, 2010 services";
    }
    else if (configured("mta"))
    {
        out.profile = exchange_version::e2000;
        out.profile_reason = "a static port is configured for the MTA, which only 2000/2003 have";
    }
    else if (uuid_seen(seen, "rpc", "AsyncEMSMDB"))
    {
        out.profile = exchange_version::e2010;
        out.profile_reason = "AsyncEMSMDB is registered without an MTA; for a 2007 server that has it, give "
                             "--version-profile 2007";
    }
    else if (emsmdb_ports(seen) > 1)
    {
        out.profile = exchange_version::e2010;
        out.profile_reason = "EMSMDB is registered on two ports; on 2010 RPC Client Access and the store both register it";
    }
    else if (sa && rfr)
    {
        out.profile = exchange_version::e2007;
        out.profile_reason = "System Attendant and DSProxy are registered without an MTA";
    }
    else if (sa)
    {
        out.profile = exchange_version::e2010;
        out.profile_reason = "System Attendant is registered without DSProxy or an MTA, as on a 2010 Mailbox server";
    }
    else if (client_access)
    {
        out.profile = exchange_version::e2010;
        out.profile_reason = "EMSMDB/RFR are registered without a System Attendant, as by 2010 Client Access services";
    }
    else
    {
        out.profile = exchange_version::e2000;
        out.profile_reason = "nothing registered tells the versions apart; assuming 2000/2003 as KB 926210 does";
    }
}

// ---- static port values, on their own ------------------------------------------------------------

// One effective value per setting; a later duplicate (flag after file) replaces an earlier one.
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
        out.findings.push_back(std::move(f));
        *same = c;
    }
    return ports;
}

std::string value_name(const configured_port& c)
{
    return quoted(c.setting->value) + " under " + c.key_path;
}

// Checks that need only the value: number, range, version. Returns false when the value is
// unusable for the endpoint checks.
bool check_value(context& ctx, const configured_port& c)
{
    const auto& s = *c.setting;
    const service_info* owner = owner_of(s);
    finding f;
    f.service = owner ? std::string(owner->display_name) : "";
    if (!c.port)
    {
        f.level = severity::error;
        f.kind = finding_kind::value_not_a_number;
        f.title = value_name(c) + " is not a port number";
        f.evidence = c.source + ": " + c.raw;
        f.cause = "the service cannot read a port from this value";
        f.remedy = "remove the value " + value_name(c) + ", or write a decimal port such as " +
                   std::to_string(ctx.unused_port()) + "; " + (owner ? restart_advice(*owner) : "then restart the Exchange services");
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
                   std::to_string(ctx.unused_port()) + "; " + (owner ? restart_advice(*owner) : "then restart the Exchange services");
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
                   " such as " + std::to_string(ctx.unused_port()) + "; " +
                   (owner ? restart_advice(*owner) : "then restart the Exchange services");
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
        f.remedy = "keep " + names.front() + " and remove " + join(std::vector<std::string>(names.begin() + 1, names.end()), ", ") +
                   ", or give each value its own unused port (e.g. " + std::to_string(ctx.unused_port()) +
                   "); then restart the Exchange services";
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
    std::vector<uuid> ids;
    for (const auto* row : pinned)
    {
        if (std::find(ids.begin(), ids.end(), row->id) == ids.end()) ids.push_back(row->id);
        for (auto port : ctx.seen.tcp_ports(*row))
        {
            if (port == p)
                on_p = true;
            else if (!ctx.shared_with_other_group(*row) &&
                     std::find(elsewhere.begin(), elsewhere.end(), port) == elsewhere.end())
                elsewhere.push_back(port);
        }
    }
    if (on_p) return; // in effect; a partial registration is the missing-interfaces check's business
    std::sort(elsewhere.begin(), elsewhere.end());

    std::vector<std::string> holders;
    for (const auto* e : ctx.seen.on_port(p))
    {
        const auto text = detail::describe(*e);
        if (std::find(holders.begin(), holders.end(), text) == holders.end()) holders.push_back(text);
    }
    const auto listening = ctx.listeners(p);
    const bool has_pids = ctx.input.netstat && ctx.input.netstat->has_pids;
    std::vector<std::string> netstat_holders;
    for (const auto* l : listening) netstat_holders.push_back(holder_from_netstat(*l, has_pids));

    finding f;
    f.service = service;
    f.interfaces = ids;
    f.ports = {p};
    for (auto q : elsewhere) f.ports.push_back(q);
    const std::string setting = value_name(c) + " = " + std::to_string(p) + " (" + c.source + ")";
    const std::string replacement = std::to_string(ctx.unused_port());
    const std::string restart = owner ? restart_advice(*owner) : "then restart the Exchange services";
    if (!holders.empty() || !netstat_holders.empty())
    {
        std::vector<std::string> who = holders;
        who.insert(who.end(), netstat_holders.begin(), netstat_holders.end());
        f.level = severity::error;
        f.kind = finding_kind::static_port_conflict;
        f.title = "Port conflict: " + service + " is configured for port " + std::to_string(p) + ", which is held by " +
                  (holders.empty() ? netstat_holders.front() : holders.front());
        f.evidence = setting + "; port " + std::to_string(p) + " is used by " + join(who, "; ") +
                     (elsewhere.empty() ? "; " + service + " is registered on no TCP port"
                                        : "; " + service + " is registered on port(s) " + join(elsewhere, ", "));
        f.cause = "another program bound port " + std::to_string(p) + " before " + service +
                  " started, and Exchange services do not fall back to another port (KB 926210)";
        f.remedy = "remove the value " + value_name(c) + " (the service then uses a dynamic port), or set it to an "
                   "unused port such as " + replacement + "; " + restart;
    }
    else if (!elsewhere.empty())
    {
        f.level = severity::warning;
        f.kind = finding_kind::static_port_not_in_effect;
        f.title = service + " is configured for port " + std::to_string(p) + " but registered on " + join(elsewhere, ", ");
        f.evidence = setting + "; the endpoint mapper has " + service + " on port(s) " + join(elsewhere, ", ");
        f.cause = "the value was set or changed after the service started, so a restart is pending";
        f.remedy = "check that port " + std::to_string(p) + " is free (netstat -ano | findstr :" + std::to_string(p) +
                   "), then restart " + std::string(owner ? owner->windows_service : "the service") +
                   "; or remove the value if the static port is not wanted";
    }
    else
    {
        f.level = severity::error;
        f.kind = finding_kind::static_port_unbound;
        f.title = service + " is configured for port " + std::to_string(p) + " but registered on no TCP port";
        f.evidence = setting + "; no interface of " + service + " is registered on ncacn_ip_tcp";
        if (ctx.input.netstat) f.evidence += "; netstat shows nothing listening on " + std::to_string(p) + " now";
        f.cause = "another program probably held port " + std::to_string(p) + " when " + service +
                  " started (KB 926210), or the service is stopped";
        f.remedy = (ctx.input.netstat ? std::string{}
                                      : "find the program on the port with netstat -ano | findstr :" + std::to_string(p) + "; ") +
                   "remove the value " + value_name(c) + ", or set it to an unused port such as " + replacement + "; " + restart;
    }
    ctx.add(std::move(f));
}

// ---- interfaces the profile requires ---------------------------------------------------------

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

void check_required(context& ctx)
{
    std::map<std::string_view, std::vector<const service_info*>> absent_roles;
    for (const auto& svc : all_services())
    {
        std::vector<const interface_info*> required, missing, present;
        for (const auto* row : ctx.rows_of_service(svc.id))
        {
            if (!row->required(ctx.profile)) continue;
            required.push_back(row);
            (ctx.seen.tcp_ports(*row).empty() ? missing : present).push_back(row);
        }
        if (missing.empty()) continue;
        // 2010 splits services across server roles; a role with nothing at all is not installed.
        // An interface another role registers too (EMSMDB) proves nothing about this service.
        const bool own_present = std::any_of(present.begin(), present.end(),
                                             [&](const interface_info* row) { return !ctx.shared_with_other_group(*row); });
        if (ctx.profile == exchange_version::e2010 && !own_present && !role_present(ctx, svc.role))
        {
            absent_roles[svc.role].push_back(&svc);
            continue;
        }

        finding f;
        f.level = severity::error;
        f.kind = finding_kind::interfaces_missing;
        f.service = std::string(svc.display_name);
        f.title = f.service + " (" + summary_of(svc, missing) + ") not registered";
        for (const auto* row : missing)
            if (std::find(f.interfaces.begin(), f.interfaces.end(), row->id) == f.interfaces.end())
                f.interfaces.push_back(row->id);

        std::vector<std::string> notes;
        if (present.empty())
            notes.push_back("none of the " + std::to_string(required.size()) + " " + f.service +
                            " interfaces is registered on ncacn_ip_tcp");
        else
        {
            std::vector<std::string> there;
            for (const auto* row : present)
            {
                there.push_back(std::string(row->label) + " on " + join(ctx.seen.tcp_ports(*row), "/"));
                for (auto port : ctx.seen.tcp_ports(*row))
                    if (std::find(f.ports.begin(), f.ports.end(), port) == f.ports.end()) f.ports.push_back(port);
            }
            notes.push_back(std::to_string(missing.size()) + " of " + std::to_string(required.size()) +
                            " interfaces missing; present: " + join(there, ", "));
        }
        for (const auto* row : missing)
        {
            if (auto other = ctx.seen.other_protseqs(*row); !other.empty())
                notes.push_back(std::string(row->label) + " is registered on " + join(other, ", ") + " only");
            if (auto versions = ctx.seen.other_versions(*row); !versions.empty())
                notes.push_back(std::string(row->label) + " is registered as " + join(versions, ", ") + ", expected " +
                                version_text(*row));
        }
        notes.push_back(std::to_string(ctx.seen.tcp_entries()) + " ncacn_ip_tcp entries read");
        f.evidence = join(notes, "; ");

        // Concrete KB 926210 steps: name the values this service reads.
        std::vector<std::string> configured, candidates;
        std::vector<std::pair<std::string, std::vector<std::string>>> by_key; // "A" and "B" under KEY
        for (const auto* s : ctx.settings_of(svc))
        {
            auto it = std::find_if(by_key.begin(), by_key.end(), [&](const auto& k) { return k.first == full_key(*s); });
            if (it == by_key.end()) it = by_key.insert(by_key.end(), {full_key(*s), {}});
            it->second.push_back(quoted(s->value));
            if (const auto* c = ctx.configured(*s); c && c->port)
            {
                configured.push_back(value_name(*c) + " = " + std::to_string(*c->port));
                if (std::find(f.ports.begin(), f.ports.end(), *c->port) == f.ports.end()) f.ports.push_back(*c->port);
            }
        }
        for (const auto& [key, values] : by_key) candidates.push_back(join(values, " and ") + " under " + key);
        const std::string replacement = std::to_string(ctx.unused_port());
        const std::string who = std::string(svc.windows_service) + " (" + std::string(svc.process) + ")";
        if (!configured.empty())
        {
            f.cause = who + " is configured with static port(s) " + join(configured, ", ") +
                      " and could not bind them, or is stopped; Exchange services do not fall back to another port "
                      "(KB 926210)";
            f.remedy = "remove the static port value(s) " + join(configured, ", ") +
                       ", or choose an unused port such as " + replacement + "; " + restart_advice(svc);
        }
        else if (!candidates.empty())
        {
            f.cause = who + " is stopped, or it is configured with a static TCP port that another program took "
                      "before it started, and it does not fall back to another port (KB 926210)";
            f.remedy = "look for " + join(candidates, " and ") + " (or rerun with --registry export.reg); if set, remove it "
                       "or choose an unused port such as " + replacement + " (netstat -ano shows ports in use); " +
                       restart_advice(svc) + ". If no static port is set, start " + std::string(svc.windows_service) +
                       " and read the Application log";
        }
        else
        {
            f.cause = who + " is stopped or failed to register its RPC interfaces";
            f.remedy = "start " + std::string(svc.windows_service) + " and read the Application log; " + restart_advice(svc);
        }
        std::sort(f.ports.begin(), f.ports.end());
        ctx.add(std::move(f));
    }

    for (const auto& [role, services] : absent_roles)
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
        f.title = "No " + role_name + " role services registered (" + join(names, ", ") + ")";
        f.service = join(names, ", ");
        f.evidence = "no interface of " + join(names, " or ") + " is registered, and no static port is configured for them";
        f.cause = "this Exchange 2010 server probably does not hold the " + role_name + " role";
        f.remedy = "none if the role is not installed here; otherwise start " + join(names, " and ") +
                   " and check their static ports";
        ctx.add(std::move(f));
    }
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
        for (const auto* row : ctx.rows_of_service(svc.id))
        {
            for (const auto& r : ctx.seen.matching(*row))
            {
                if (!r.port || r.entry->ping != epm::ping_status::not_listening) continue;
                if (std::find(f.interfaces.begin(), f.interfaces.end(), row->id) == f.interfaces.end())
                {
                    f.interfaces.push_back(row->id);
                    labels.emplace_back(row->label);
                }
                if (std::find(f.ports.begin(), f.ports.end(), *r.port) == f.ports.end()) f.ports.push_back(*r.port);
            }
        }
        if (f.interfaces.empty()) continue;
        std::sort(f.ports.begin(), f.ports.end());
        f.level = severity::error;
        f.kind = finding_kind::not_answering;
        f.service = std::string(svc.display_name);
        f.title = f.service + " (" + join(labels, std::string(svc.label_separator)) + ") registered but not answering on port " +
                  join(f.ports, ", ");
        f.evidence = "the endpoint mapper lists them, but a connection to port(s) " + join(f.ports, ", ") + " was not answered";
        f.cause = std::string(svc.windows_service) + " stopped or crashed without removing its registrations, or a firewall "
                  "blocks the port";
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

} // namespace

std::string_view to_string(verdict v) noexcept
{
    switch (v)
    {
    case verdict::healthy: return "healthy";
    case verdict::problems: return "problems";
    case verdict::not_exchange: return "not_exchange";
    case verdict::unknown: return "unknown";
    }
    return "unknown";
}

std::size_t report::count(severity s) const noexcept
{
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [s](const finding& f) { return f.level == s; }));
}

report diagnose(const diagnosis_input& input)
{
    report out;
    const observed seen(input.enumerations);
    out.entries = seen.entries();
    out.tcp_entries = seen.tcp_entries();
    out.addresses = seen.addresses();
    for (const auto& en : input.enumerations) out.targets.push_back(en.target);
    choose_profile(input, seen, out);

    context ctx{input, seen, out.profile, effective_ports(input, out), out};
    std::vector<const configured_port*> usable;
    for (const auto& c : ctx.ports)
        if (check_value(ctx, c)) usable.push_back(&c);
    check_duplicates(ctx, usable);

    const bool any_data = std::any_of(input.enumerations.begin(), input.enumerations.end(), [](const epm::enumeration& e) {
        return e.status != epm::enumeration_status::error;
    });
    if (!any_data)
    {
        finding f;
        f.level = severity::error;
        f.kind = finding_kind::could_not_check;
        f.title = "Could not read the endpoint mapper";
        std::vector<std::string> why;
        for (const auto& en : input.enumerations)
            why.push_back(en.target + ": " + (en.error ? en.error->message : std::string("no result")));
        f.evidence = why.empty() ? "no target, capture or dump was given" : join(why, "; ");
        f.cause = "the target is unreachable, the endpoint mapper refused us, or the input is unreadable";
        f.remedy = "check that TCP 135 is reachable from here (firewall, RestrictRemoteClients), or run rpcdump /S server "
                   "on the server and pass the output with --dump";
        ctx.add(std::move(f));
        out.outcome = verdict::unknown;
    }
    else
    {
        out.outcome = verdict::healthy; // until an error finding says otherwise
        for (const auto& en : input.enumerations)
        {
            if (en.status != epm::enumeration_status::incomplete) continue;
            finding f;
            f.level = severity::warning;
            f.kind = finding_kind::enumeration_incomplete;
            f.title = "The endpoint mapper listing of " + en.target + " is incomplete";
            f.evidence = en.error ? en.error->kind + ": " + en.error->message : "enumeration stopped early";
            f.cause = "the enumeration stopped before the server said it was done";
            f.remedy = "interfaces reported missing may only be unlisted; run the check again";
            ctx.add(std::move(f));
        }
        if (!exchange_present(seen))
        {
            finding f;
            f.level = severity::error;
            f.kind = finding_kind::not_exchange;
            f.title = "No Exchange interfaces registered: this host is not an Exchange server (or the endpoint mapper is filtered)";
            f.evidence = std::to_string(seen.entries()) + " endpoint mapper entries read (" +
                         std::to_string(seen.tcp_entries()) + " on ncacn_ip_tcp); none is an Exchange interface of the catalog";
            f.cause = "no Exchange service registered with this endpoint mapper, or a firewall or RPC filter hides them";
            f.remedy = "check the target name; on the server run rpcdump /S localhost (or epmdump there) and compare";
            ctx.add(std::move(f));
            out.outcome = verdict::not_exchange;
        }
        else
        {
            for (const auto* c : usable) check_static_port(ctx, *c);
            check_required(ctx);
            check_split(ctx);
            check_answering(ctx);
        }
    }

    for (const auto& row : all_interfaces())
    {
        if (!row.in(out.profile)) continue;
        interface_status st;
        st.row = &row;
        st.tcp_ports = seen.tcp_ports(row);
        st.registered_elsewhere = st.tcp_ports.empty() && seen.registered_anywhere(row);
        out.interfaces.push_back(std::move(st));
    }

    std::stable_sort(out.findings.begin(), out.findings.end(),
                     [](const finding& a, const finding& b) { return a.level > b.level; });
    if (out.outcome != verdict::unknown && out.outcome != verdict::not_exchange)
        out.outcome = out.count(severity::error) ? verdict::problems : verdict::healthy;
    return out;
}

} // namespace epmdump::exchange
