#include <epmdump/exchange/report_format.hpp>
#include <epmdump/exchange/detail/context.hpp>
#include <epmdump/names/interface_names.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace epmdump::exchange {

namespace {

using json = nlohmann::ordered_json;

// One probe of the live host: what epmdump probe would say of the port, and why it was asked.
json probe_json(const report& r, const epm::port_probe& p)
{
    const auto request = std::find_if(r.probe_requests.begin(), r.probe_requests.end(),
                                      [&](const probe_request& q) { return q.port == p.port; });
    json interfaces = json::array();
    for (const auto& s : p.interfaces)
    {
        const auto* info = names::find_interface(s.interface.id, s.interface.major);
        interfaces.push_back({{"uuid", epmdump::to_string(s.interface.id)},
                              {"version", std::to_string(s.interface.major) + "." + std::to_string(s.interface.minor)},
                              {"name", info ? std::string(info->name) : std::string{}},
                              {"found_by", std::string(epm::to_string(s.how))}});
    }
    json doc = {{"address", p.address},
                {"port", p.port},
                {"purpose", request == r.probe_requests.end() ? std::string{} : std::string(to_string(request->purpose))},
                {"state", std::string(epm::to_string(p.state))},
                {"shows", detail::probe_shows(p)},
                {"interfaces", interfaces},
                {"mgmt_answered", p.mgmt_answered},
                {"accepts_any_interface", p.accepts_any_interface}};
    if (p.state == epm::port_state::not_rpc)
    {
        doc["service"] = std::string(epm::to_string(p.service));
        doc["looks_like"] = p.looks_like;
    }
    if (p.error) doc["error"] = p.error->message;
    return doc;
}

} // namespace

std::string render_json(const report& r)
{
    json doc;
    doc["verdict"] = std::string(to_string(r.outcome));
    doc["profile"] = std::string(to_string(r.profile));
    doc["profile_detected"] = r.profile_detected;
    doc["profile_reason"] = r.profile_reason;
    doc["targets"] = r.targets;
    doc["addresses"] = r.addresses;
    doc["listing_complete"] = r.listing_complete;
    doc["partial_listings"] = r.partial_listings;
    if (r.auth)
        doc["auth"] = {{"type", epm::to_string(r.auth->type)},
                       {"level", epm::to_string(r.auth->level)},
                       {"principal", r.auth->principal.empty() ? json(nullptr) : json(r.auth->principal)}};
    if (r.auth && r.auth->mechanism != epm::auth_type::none) doc["auth"]["mechanism"] = epm::to_string(r.auth->mechanism);
    doc["entries"] = r.entries;
    doc["tcp_entries"] = r.tcp_entries;
    doc["counts"] = {{"error", r.count(severity::error)},
                     {"warning", r.count(severity::warning)},
                     {"info", r.count(severity::info)}};
    json findings = json::array();
    for (const auto& f : r.findings)
    {
        json ids = json::array();
        for (const auto& id : f.interfaces) ids.push_back(epmdump::to_string(id));
        json one = {{"severity", std::string(to_string(f.level))},
                    {"kind", std::string(to_string(f.kind))},
                    {"title", f.title},
                    {"service", f.service},
                    {"interfaces", ids},
                    {"ports", f.ports},
                    {"evidence", f.evidence},
                    {"cause", f.cause},
                    {"remedy", f.remedy}};
        // Live runs that probed: where the evidence came from (offline reports keep their shape).
        if (r.probed)
        {
            json sources = json::array();
            for (auto s : f.sources) sources.push_back(std::string(to_string(s)));
            one["sources"] = sources;
            one["probed_ports"] = f.probed;
        }
        findings.push_back(std::move(one));
    }
    doc["findings"] = findings;
    json interfaces = json::array();
    for (const auto& st : r.interfaces)
    {
        interfaces.push_back({{"uuid", epmdump::to_string(st.row->id)},
                              {"version", std::to_string(st.row->major) + "." + std::to_string(st.row->minor)},
                              {"label", std::string(st.row->label)},
                              {"service", std::string(find_service(st.row->service)->display_name)},
                              {"required", st.row->required(r.profile)},
                              {"tcp_ports", st.tcp_ports},
                              {"registered_elsewhere", st.registered_elsewhere}});
        if (r.probed) interfaces.back()["served"] = std::string(to_string(st.served));
    }
    doc["interfaces"] = interfaces;
    if (r.probed)
    {
        json probes = json::array();
        for (const auto& p : r.probes) probes.push_back(probe_json(r, p));
        doc["probes"] = probes;
    }
    // Untrusted annotations never reach this document, but keep invalid UTF-8 from throwing.
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace epmdump::exchange
