#pragma once
// What the checks of diagnose() share: the inputs, the index of registrations, the effective
// static ports, and the report findings go into. Internal to the library.
#include <epmdump/exchange/detail/observed.hpp>
#include <epmdump/exchange/diagnose.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace epmdump::exchange::detail {

inline constexpr std::uint32_t suggestion_low = 59531; // ExBPA gg191713's recommended static range
inline constexpr std::uint32_t suggestion_high = 60554;

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

inline std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

inline std::string version_text(const interface_info& row)
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
    bool complete_listing = true;       // some enumeration ended normally: an absence is evidence

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

    // The values of this version that pin the endpoint of one of these interfaces: only they can
    // keep them off the listing (MSExchangeSA's NSPI and RFR values pin DSProxy, not the SA's own).
    std::vector<const port_setting*> settings_governing(const std::vector<const interface_info*>& rows) const
    {
        std::vector<const port_setting*> out;
        for (const auto& s : all_port_settings())
            if (s.in(profile) && std::any_of(rows.begin(), rows.end(), [&](const interface_info* r) {
                    return r->endpoint_group == s.endpoint_group;
                }))
                out.push_back(&s);
        return out;
    }

    // Labels of the setting's endpoint group that the listing shows on its configured port: then
    // the service did bind it, and the value works.
    std::vector<std::string> shown_on_configured_port(const configured_port& c) const
    {
        std::vector<std::string> labels;
        if (!c.port || c.wrong_type) return labels;
        for (const auto* row : rows_of_group(c.setting->endpoint_group))
        {
            const auto ports = seen.tcp_ports(*row);
            if (std::find(ports.begin(), ports.end(), *c.port) != ports.end() &&
                std::find(labels.begin(), labels.end(), row->label) == labels.end())
                labels.emplace_back(row->label);
        }
        return labels;
    }

    // The value in effect for the setting; nullptr when none (or one Exchange does not read).
    const configured_port* configured(const port_setting& s) const
    {
        for (const auto& c : ports)
            if (c.setting == &s) return c.wrong_type ? nullptr : &c;
        return nullptr;
    }

    std::vector<const socket_entry*> listeners(std::uint32_t port) const
    {
        if (!input.netstat) return {};
        return input.netstat->tcp_listeners(port);
    }

    // The port a remedy suggests for this value: in the recommended range, used by nothing the
    // inputs show (registered, any netstat socket, configured), and distinct per value, so that
    // two remedies followed together do not collide. The same value gets the same port throughout.
    std::uint32_t suggest_port(const port_setting& s)
    {
        for (const auto& [setting, port] : suggested)
            if (setting == &s) return port;
        for (std::uint32_t p = suggestion_low; p <= suggestion_high; ++p)
        {
            if (seen.port_registered(p) || in_netstat(p)) continue;
            if (std::any_of(ports.begin(), ports.end(), [p](const configured_port& c) { return c.port == p; })) continue;
            if (std::any_of(suggested.begin(), suggested.end(), [p](const auto& g) { return g.second == p; })) continue;
            suggested.emplace_back(&s, p);
            return p;
        }
        return suggestion_low; // 1,024 ports all in use: cannot happen with real inputs
    }

    bool in_netstat(std::uint32_t port) const
    {
        if (!input.netstat) return false;
        return std::any_of(input.netstat->sockets.begin(), input.netstat->sockets.end(),
                           [port](const socket_entry& e) { return e.protocol == "tcp" && e.local_port == port; });
    }

    std::vector<std::pair<const port_setting*, std::uint32_t>> suggested{}; // by suggest_port, in order

    // The probe of this port of the live host, when the caller gave one.
    const epm::port_probe* probe_of(std::uint32_t port) const
    {
        if (!input.probes) return nullptr;
        for (const auto& p : *input.probes)
            if (p.port == port) return &p;
        return nullptr;
    }

    // Asks the caller to probe a port (report::probe_requests); a static port's reason wins.
    void want_probe(std::uint32_t port, probe_purpose why)
    {
        auto& wanted = out.probe_requests;
        auto it = std::find_if(wanted.begin(), wanted.end(), [port](const probe_request& r) { return r.port == port; });
        if (it == wanted.end())
            wanted.push_back({port, why});
        else if (why == probe_purpose::static_port)
            it->purpose = why;
    }

    void add(finding f) { out.findings.push_back(std::move(f)); }
};

inline std::string restart_advice(const service_info& svc)
{
    return "then restart the Exchange services (" + std::string(svc.windows_service) +
           " first; KB 926210: restart all Exchange-related services)";
}

inline std::string holder_from_netstat(const socket_entry& s, bool has_pids)
{
    std::string who = "a process";
    if (s.pid) who = "PID " + std::to_string(*s.pid);
    if (!s.process.empty()) who += " (" + s.process + ")";
    std::string text = who + " listening on " + s.local_address + ":" + std::to_string(s.local_port) +
                       " (netstat line " + std::to_string(s.line) + ")";
    if (!has_pids) text += "; run netstat -ano to see its PID";
    return text;
}

// A catalog value by its full name, for remedies that name values not (or not yet) configured.
inline std::string setting_name(const port_setting& s) { return quoted(s.value) + " under " + full_key(s); }

inline std::string value_name(const configured_port& c)
{
    return quoted(c.setting->value) + " under " + c.key_path;
}

// probe_checks.cpp: what a probe of a port shows, for the findings that cite it.
std::string interface_text(const epm::syntax_id& id);     // "367abb81-... v2.0 (MS-SCMR Service Control ...)"
std::string probe_shows(const epm::port_probe& p);        // "port 59600 serves ...", "nothing listens on port 59600 now"
std::string probe_cited(const epm::port_probe& p);        // "probe of 10.0.0.5:59600: " + probe_shows (IPv6 in brackets)
bool serves(const epm::port_probe& p, const interface_info& row);
served_state judge(const epm::port_probe& p, const interface_info& row);
void check_served(context& ctx);                          // registered Exchange ports that do not serve them

// profile.cpp
void choose_profile(const diagnosis_input& input, const observed& seen, report& out);

// port_checks.cpp: the values alone, then against the endpoint mapper and netstat.
std::vector<configured_port> effective_ports(const diagnosis_input& input, report& out);
bool check_value(context& ctx, const configured_port& c); // false: unusable for the checks below
void check_duplicates(context& ctx, const std::vector<const configured_port*>& usable);
void check_static_port(context& ctx, const configured_port& c);

// interface_checks.cpp
bool exchange_present(const observed& seen);
void check_required(context& ctx);
void check_split(context& ctx);
void check_answering(context& ctx);

} // namespace epmdump::exchange::detail
