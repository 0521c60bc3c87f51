#include <epmdump/output/diff.hpp>

#include <epmdump/core/uuid.hpp>

#include "read_text.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace epmdump::output {

std::string_view to_string(host_change c) noexcept
{
    switch (c)
    {
    case host_change::same: return "same";
    case host_change::changed: return "changed";
    case host_change::appeared: return "appeared";
    case host_change::stopped_answering: return "stopped_answering";
    }
    return "same";
}

std::string_view to_string(endpoint_change c) noexcept
{
    switch (c)
    {
    case endpoint_change::added: return "added";
    case endpoint_change::removed: return "removed";
    case endpoint_change::moved: return "moved";
    case endpoint_change::annotation_changed: return "annotation_changed";
    }
    return "added";
}

namespace {

std::optional<diff_field> diff_field_named(std::string_view word)
{
    if (word == "port") return diff_field::port;
    if (word == "endpoint") return diff_field::endpoint;
    if (word == "annotation") return diff_field::annotation;
    return std::nullopt;
}

} // namespace

diff_ignore_parse parse_diff_ignore(std::string_view spec)
{
    diff_ignore_parse r;
    while (true)
    {
        const auto comma = spec.find(',');
        const auto rule = spec.substr(0, comma);
        const auto eq = rule.find('=');
        const auto field = diff_field_named(rule.substr(0, eq));
        if (!field)
        {
            r.error = "unknown field '" + std::string(rule.substr(0, eq)) + "' (port, endpoint or annotation)";
            return r;
        }
        diff_ignore ignore{*field, std::nullopt, true};
        if (eq != std::string_view::npos)
        {
            const auto selector = rule.substr(eq + 1);
            const auto colon = selector.find(':');
            const auto id = parse_uuid(selector.substr(0, colon));
            if (!id)
            {
                r.error = "'" + std::string(selector) + "' is not UUID or UUID:MAJOR.MINOR";
                return r;
            }
            epm::syntax_id s{*id, 0, 0};
            if (colon != std::string_view::npos)
            {
                const auto v = detail::parse_version(selector.substr(colon + 1));
                if (!v)
                {
                    r.error = "'" + std::string(selector) + "' is not UUID or UUID:MAJOR.MINOR";
                    return r;
                }
                s.major = v->first;
                s.minor = v->second;
                ignore.any_version = false;
            }
            ignore.interface = s;
        }
        r.rules.push_back(ignore);
        if (comma == std::string_view::npos) break;
        spec.remove_prefix(comma + 1);
    }
    return r;
}

namespace {

// The entry as the comparison sees it: what a side lacks, or --ignore drops, is blanked on both.
struct diff_key
{
    uuid object{};
    epm::syntax_id interface{};
    std::string protseq;
    std::string host;
    std::string endpoint;

    auto tied_without_endpoint() const { return std::tie(object, interface, protseq, host); }
    friend bool operator<(const diff_key& a, const diff_key& b)
    {
        return std::tie(a.object, a.interface, a.protseq, a.host, a.endpoint) <
               std::tie(b.object, b.interface, b.protseq, b.host, b.endpoint);
    }
    friend bool operator==(const diff_key& a, const diff_key& b)
    {
        return std::tie(a.object, a.interface, a.protseq, a.host, a.endpoint) ==
               std::tie(b.object, b.interface, b.protseq, b.host, b.endpoint);
    }
};

bool is_port_protseq(std::string_view p)
{
    return p == "ncacn_ip_tcp" || p == "ncacn_http" || p == "ncadg_ip_udp";
}

struct diff_policy
{
    bool versions = true;
    bool objects = true;
    const std::vector<diff_ignore>* ignore = nullptr;

    bool ignores(diff_field f, const epm::endpoint_entry& e) const
    {
        for (const auto& r : *ignore)
        {
            if (r.field != f) continue;
            if (!r.interface) return true;
            if (r.interface->id != e.interface.id) continue;
            if (r.any_version || (r.interface->major == e.interface.major && r.interface->minor == e.interface.minor))
                return true;
        }
        return false;
    }

    diff_key key_of(const epm::endpoint_entry& e) const
    {
        diff_key k{objects ? e.object : uuid{}, e.interface, e.where.protseq, e.where.host, e.where.endpoint};
        if (!versions) k.interface.major = k.interface.minor = 0;
        if (ignores(diff_field::endpoint, e) || (is_port_protseq(e.where.protseq) && ignores(diff_field::port, e)))
            k.endpoint = "*";
        return k;
    }
};

int diff_status_rank(epm::enumeration_status s)
{
    switch (s)
    {
    case epm::enumeration_status::ok: return 0;
    case epm::enumeration_status::incomplete: return 1;
    case epm::enumeration_status::error: return 2;
    }
    return 2;
}

using host_id = std::pair<std::string, std::uint16_t>;

// Each host's best answer: ok before incomplete before error; the later one on a tie.
std::map<host_id, const epm::enumeration*> hosts_of(const diff_side& side)
{
    std::map<host_id, const epm::enumeration*> hosts;
    for (const auto& e : side.enumerations)
    {
        host_id id{e.address.empty() ? e.target : e.address, e.port};
        auto [it, inserted] = hosts.emplace(id, &e);
        if (!inserted && diff_status_rank(e.status) <= diff_status_rank(it->second->status)) it->second = &e;
    }
    return hosts;
}

// A one-host listing that does not name its host (rpcdump text has no "# target:" line for one
// host) is the other scan's host when that scan has just one: the same host, not two.
void name_lone_unnamed_host(std::map<host_id, const epm::enumeration*>& hosts,
                            const std::map<host_id, const epm::enumeration*>& other)
{
    if (hosts.size() != 1 || other.size() != 1 || !hosts.begin()->first.first.empty()) return;
    const auto* e = hosts.begin()->second;
    hosts.clear();
    hosts.emplace(other.begin()->first, e);
}

bool diff_answered(const epm::enumeration* e) { return e != nullptr && e->status != epm::enumeration_status::error; }

struct keyed_entry
{
    diff_key key;
    const epm::endpoint_entry* entry = nullptr;
};

std::vector<keyed_entry> keyed(const epm::enumeration& e, const diff_policy& policy)
{
    std::vector<keyed_entry> out;
    out.reserve(e.entries.size());
    for (const auto& x : e.entries) out.push_back({policy.key_of(x), &x});
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    return out;
}

std::vector<endpoint_difference> compare_entries(const epm::enumeration& o, const epm::enumeration& n,
                                                 const diff_policy& policy)
{
    const auto old_keyed = keyed(o, policy);
    const auto new_keyed = keyed(n, policy);
    std::vector<endpoint_difference> out;
    std::vector<keyed_entry> removed, added;
    // Multiset match on the whole key: the i-th copy in OLD pairs with the i-th copy in NEW.
    std::size_t i = 0, j = 0;
    while (i < old_keyed.size() || j < new_keyed.size())
    {
        if (j == new_keyed.size() || (i < old_keyed.size() && old_keyed[i].key < new_keyed[j].key))
            removed.push_back(old_keyed[i++]);
        else if (i == old_keyed.size() || new_keyed[j].key < old_keyed[i].key)
            added.push_back(new_keyed[j++]);
        else
        {
            const auto& a = *old_keyed[i].entry;
            const auto& b = *new_keyed[j].entry;
            if (a.annotation != b.annotation && !policy.ignores(diff_field::annotation, b))
                out.push_back({endpoint_change::annotation_changed, b, {}, a.annotation});
            ++i, ++j;
        }
    }
    // What is left pairs as moved when all but the endpoint match (both lists are in key order).
    i = j = 0;
    while (i < removed.size() || j < added.size())
    {
        if (j == added.size() ||
            (i < removed.size() && removed[i].key.tied_without_endpoint() < added[j].key.tied_without_endpoint()))
            out.push_back({endpoint_change::removed, *removed[i++].entry, {}, {}});
        else if (i == removed.size() ||
                 added[j].key.tied_without_endpoint() < removed[i].key.tied_without_endpoint())
            out.push_back({endpoint_change::added, *added[j++].entry, {}, {}});
        else
        {
            endpoint_difference d{endpoint_change::moved, *added[j].entry, removed[i].entry->where.endpoint, {}};
            // A move and a new annotation at once is still one moved endpoint; its annotation is NEW's.
            out.push_back(std::move(d));
            ++i, ++j;
        }
    }
    std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
        return policy.key_of(a.entry) < policy.key_of(b.entry);
    });
    return out;
}

} // namespace

diff_result diff_scans(const diff_side& old_side, const diff_side& new_side, const std::vector<diff_ignore>& ignore)
{
    diff_policy policy{old_side.has_versions && new_side.has_versions, old_side.has_objects && new_side.has_objects,
                       &ignore};
    auto old_hosts = hosts_of(old_side);
    auto new_hosts = hosts_of(new_side);
    name_lone_unnamed_host(old_hosts, new_hosts);
    name_lone_unnamed_host(new_hosts, old_hosts);
    std::map<host_id, std::pair<const epm::enumeration*, const epm::enumeration*>> all;
    for (const auto& [id, e] : old_hosts) all[id].first = e;
    for (const auto& [id, e] : new_hosts) all[id].second = e;
    diff_result r;
    r.versions_known = policy.versions;
    for (const auto& [id, pair] : all)
    {
        const auto [o, n] = pair;
        host_difference h;
        h.host = id.first;
        h.port = id.second;
        if (o)
        {
            h.old_status = o->status;
            h.old_entries = o->entries.size();
        }
        if (n)
        {
            h.new_status = n->status;
            h.new_entries = n->entries.size();
            if (n->error) h.new_error = n->error->message;
        }
        if (diff_answered(o) && diff_answered(n))
        {
            h.endpoints = compare_entries(*o, *n, policy);
            h.change = h.endpoints.empty() && o->status == n->status ? host_change::same : host_change::changed;
        }
        else if (diff_answered(o))
            h.change = host_change::stopped_answering;
        else if (diff_answered(n))
            h.change = host_change::appeared;
        ++r.totals.hosts;
        switch (h.change)
        {
        case host_change::same: ++r.totals.same; break;
        case host_change::changed: ++r.totals.changed; break;
        case host_change::appeared: ++r.totals.appeared; break;
        case host_change::stopped_answering: ++r.totals.stopped_answering; break;
        }
        for (const auto& d : h.endpoints)
        {
            switch (d.change)
            {
            case endpoint_change::added: ++r.totals.added; break;
            case endpoint_change::removed: ++r.totals.removed; break;
            case endpoint_change::moved: ++r.totals.moved; break;
            case endpoint_change::annotation_changed: ++r.totals.annotation_changed; break;
            }
        }
        r.hosts.push_back(std::move(h));
    }
    return r;
}

} // namespace epmdump::output
