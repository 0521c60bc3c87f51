#include <epmdump/exchange/finding.hpp>

#include <algorithm>

namespace epmdump::exchange {

std::string_view to_string(severity s) noexcept
{
    switch (s)
    {
    case severity::info: return "info";
    case severity::warning: return "warning";
    case severity::error: return "error";
    }
    return "error";
}

std::string_view to_string(finding_kind k) noexcept
{
    switch (k)
    {
    case finding_kind::not_exchange: return "not_exchange";
    case finding_kind::interfaces_missing: return "interfaces_missing";
    case finding_kind::role_not_detected: return "role_not_detected";
    case finding_kind::static_port_conflict: return "static_port_conflict";
    case finding_kind::static_port_not_in_effect: return "static_port_not_in_effect";
    case finding_kind::static_port_unbound: return "static_port_unbound";
    case finding_kind::ports_split: return "ports_split";
    case finding_kind::duplicate_static_port: return "duplicate_static_port";
    case finding_kind::port_out_of_range: return "port_out_of_range";
    case finding_kind::port_outside_recommended: return "port_outside_recommended";
    case finding_kind::port_dynamic: return "port_dynamic";
    case finding_kind::value_not_a_number: return "value_not_a_number";
    case finding_kind::value_wrong_type: return "value_wrong_type";
    case finding_kind::setting_not_used: return "setting_not_used";
    case finding_kind::setting_overridden: return "setting_overridden";
    case finding_kind::profile_contradicted: return "profile_contradicted";
    case finding_kind::not_answering: return "not_answering";
    case finding_kind::registered_not_served: return "registered_not_served";
    case finding_kind::enumeration_incomplete: return "enumeration_incomplete";
    case finding_kind::could_not_check: return "could_not_check";
    }
    return "unknown";
}

std::string_view to_string(evidence_source s) noexcept
{
    switch (s)
    {
    case evidence_source::mapper: return "mapper";
    case evidence_source::registry: return "registry";
    case evidence_source::command_line: return "command_line";
    case evidence_source::netstat: return "netstat";
    case evidence_source::ping: return "ping";
    case evidence_source::probe: return "probe";
    }
    return "mapper";
}

void finding::add_source(evidence_source s)
{
    if (std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(s);
}

} // namespace epmdump::exchange
