#include <epmdump/epm/port_probe.hpp>

#include <algorithm>

namespace epmdump::epm {

std::string_view to_string(port_state s) noexcept
{
    switch (s)
    {
    case port_state::rpc: return "rpc";
    case port_state::not_rpc: return "not_rpc";
    case port_state::closed: return "closed";
    case port_state::filtered: return "filtered";
    case port_state::error: return "error";
    }
    return "error";
}

std::string_view to_string(found_by f) noexcept
{
    switch (f)
    {
    case found_by::inq_if_ids: return "inq_if_ids";
    case found_by::probed: return "probed";
    case found_by::brute_version: return "brute_version";
    }
    return "probed";
}

std::string_view to_string(service_kind k) noexcept
{
    switch (k)
    {
    case service_kind::unknown: return "unknown";
    case service_kind::http: return "http";
    case service_kind::tls: return "tls";
    case service_kind::smb: return "smb";
    case service_kind::ldap: return "ldap";
    case service_kind::kerberos: return "kerberos";
    case service_kind::ssh: return "ssh";
    case service_kind::smtp: return "smtp";
    }
    return "unknown";
}

namespace {

void add_once(std::vector<syntax_id>& list, const syntax_id& id)
{
    if (std::find(list.begin(), list.end(), id) == list.end())
        list.push_back(id);
}

bool registered_here(const endpoint_entry& e, std::uint16_t port)
{
    return e.where.protseq == "ncacn_ip_tcp" && port_of(e) == port;
}

} // namespace

bool same_interface(const syntax_id& a, const syntax_id& b) noexcept
{
    return a.id == b.id && a.major == b.major;
}

registration_gap compare_with_registered(const port_probe& probe, const std::vector<endpoint_entry>& registered)
{
    registration_gap gap;
    const auto served = [&](const syntax_id& id) {
        return std::any_of(probe.interfaces.begin(), probe.interfaces.end(),
                           [&](const served_interface& s) { return same_interface(s.interface, id); });
    };
    const auto is_registered = [&](const syntax_id& id) {
        return std::any_of(registered.begin(), registered.end(), [&](const endpoint_entry& e) {
            return registered_here(e, probe.port) && same_interface(e.interface, id);
        });
    };
    for (const auto& s : probe.interfaces)
        if (!is_registered(s.interface))
            add_once(gap.served_not_registered, s.interface);
    for (const auto& e : registered)
        if (registered_here(e, probe.port) && !served(e.interface))
            add_once(gap.registered_not_served, e.interface);
    return gap;
}

} // namespace epmdump::epm
