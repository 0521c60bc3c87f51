// `epmdump probe` as JSON Lines (SCHEMA.md, "Probe object"). Built with nlohmann and dumped as
// the enumeration lines are: ASCII only, invalid UTF-8 replaced by U+FFFD.
#include <epmdump/output/probe_writer.hpp>

#include <epmdump/core/hex.hpp>
#include <epmdump/names/interface_names.hpp>
#include <epmdump/output/json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace epmdump::output {

namespace {

using ordered = nlohmann::ordered_json;

ordered syntax(const epm::syntax_id& s)
{
    ordered o;
    o["uuid"] = to_string(s.id);
    o["version"] = std::to_string(s.major) + "." + std::to_string(s.minor);
    const auto* info = names::find_interface(s.id, s.major);
    o["name"] = info ? ordered(std::string(info->name)) : ordered(nullptr);
    return o;
}

ordered syntax_list(const std::vector<epm::syntax_id>& list)
{
    ordered a = ordered::array();
    for (const auto& s : list) a.push_back(syntax(s));
    return a;
}

ordered optional_string(const std::optional<std::string>& s) { return s ? ordered(*s) : ordered(nullptr); }

ordered registered_object(const epm::probe_report& r)
{
    if (!r.registered) return nullptr;
    std::vector<epm::syntax_id> ids;
    for (const auto& e : *r.registered)
        if (std::find(ids.begin(), ids.end(), e.interface) == ids.end()) ids.push_back(e.interface);
    ordered o;
    o["interfaces"] = syntax_list(ids);
    if (epm::gap_known(r))
    {
        const auto gap = probe_gap(r);
        o["served_not_registered"] = syntax_list(gap.served_not_registered);
        o["registered_not_served"] = syntax_list(gap.registered_not_served);
    }
    else
    {
        o["served_not_registered"] = nullptr;
        o["registered_not_served"] = nullptr;
    }
    return o;
}

} // namespace

std::string to_probe_json_line(const epm::probe_report& r)
{
    const auto& p = r.probe;
    ordered o;
    o["schema"] = json_schema_version;
    o["record"] = "probe";
    o["scope"] = r.scope == epm::probe_scope::host ? "host" : "port";
    o["target"] = p.target;
    o["address"] = p.address;
    o["port"] = p.port;
    o["state"] = std::string(epm::to_string(p.state));
    if (p.error) o["error"] = {{"kind", std::string(epm::to_string(p.error->kind))}, {"message", p.error->message}};
    o["elapsed_ms"] = std::isfinite(p.elapsed_ms) ? std::round(p.elapsed_ms * 1000.0) / 1000.0 : 0.0;
    o["connections"] = p.connections;
    o["round_trips"] = p.round_trips;
    o["ncacn_http"] = p.ncacn_http;
    o["mgmt_answered"] = p.mgmt_answered;
    o["mgmt_refusal"] = p.mgmt_refusal.empty() ? ordered(nullptr) : ordered(p.mgmt_refusal);
    o["principal"] = optional_string(p.principal);
    o["accepts_any_interface"] = p.accepts_any_interface;
    ordered interfaces = ordered::array();
    for (const auto& s : p.interfaces)
    {
        auto i = syntax(s.interface);
        i["found_by"] = std::string(epm::to_string(s.how));
        const auto word = registration_word(r, s.interface);
        i["registered"] = word.empty() ? ordered(nullptr) : ordered(word == "registered");
        interfaces.push_back(std::move(i));
    }
    o["interfaces"] = std::move(interfaces);
    const bool not_rpc = p.state == epm::port_state::not_rpc;
    o["service"] = not_rpc ? ordered(std::string(epm::to_string(p.service))) : ordered(nullptr);
    o["looks_like"] = not_rpc && !p.looks_like.empty() ? ordered(p.looks_like) : ordered(nullptr);
    std::string hex;
    append_hex(hex, p.first_bytes);
    o["first_bytes"] = hex;
    o["registered"] = registered_object(r);
    if (p.auth)
        o["auth"] = {{"type", epm::to_string(p.auth->type)},
                     {"level", epm::to_string(p.auth->level)},
                     {"principal", p.auth->principal.empty() ? ordered(nullptr) : ordered(p.auth->principal)}};
    if (p.auth && p.auth->mechanism != epm::auth_type::none) o["auth"]["mechanism"] = epm::to_string(p.auth->mechanism);
    return o.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

} // namespace epmdump::output
