// epmdump diff's two renderings: text for people, JSON Lines for scripts (SCHEMA.md).
#include <epmdump/core/uuid.hpp>
#include <epmdump/output/diff.hpp>
#include <epmdump/output/sanitize.hpp>

#include <nlohmann/json.hpp>

#include <ostream>

namespace epmdump::output {

namespace {

using diff_json = nlohmann::ordered_json;

std::string diff_host_name(const host_difference& h)
{
    std::string name = h.host.empty() ? std::string("(unnamed)") : sanitize_text(h.host);
    if (h.port != 135) name += ":" + std::to_string(h.port);
    return name;
}

std::string diff_version_text(const epm::syntax_id& s)
{
    return std::to_string(s.major) + "." + std::to_string(s.minor);
}

void write_diff_endpoint_text(std::ostream& out, const endpoint_difference& d, bool versions)
{
    const auto& e = d.entry;
    out << "  " << to_string(d.change) << ' ' << to_string(e.interface.id);
    if (versions) out << " v" << diff_version_text(e.interface);
    if (e.object != uuid{}) out << " object " << to_string(e.object);
    out << ' ';
    if (d.change == endpoint_change::moved)
    {
        epm::binding was = e.where;
        was.endpoint = d.old_endpoint;
        out << sanitize_text(epm::to_string(was)) << " -> [" << sanitize_text(e.where.endpoint) << ']';
    }
    else
        out << sanitize_text(epm::to_string(e.where));
    if (d.change == endpoint_change::annotation_changed)
        out << " \"" << sanitize_text(d.old_annotation) << "\" -> \"" << sanitize_text(e.annotation) << '"';
    else if (!e.annotation.empty())
        out << " \"" << sanitize_text(e.annotation) << '"';
    out << '\n';
}

diff_json diff_status_json(const std::optional<epm::enumeration_status>& s)
{
    return s ? diff_json(epm::to_string(*s)) : diff_json(nullptr);
}

} // namespace

void write_diff_text(std::ostream& out, const diff_result& d)
{
    for (const auto& h : d.hosts)
    {
        if (h.change == host_change::same) continue;
        out << diff_host_name(h) << ": ";
        switch (h.change)
        {
        case host_change::appeared: out << "appeared (" << h.new_entries << " endpoints)\n"; continue;
        case host_change::stopped_answering:
            out << "stopped answering (was " << h.old_entries << " endpoints; now "
                << (h.new_status ? "failed" : "absent");
            if (!h.new_error.empty()) out << ": " << sanitize_text(h.new_error);
            out << ")\n";
            continue;
        case host_change::same:
        case host_change::changed: break;
        }
        out << "changed (" << h.old_entries << " -> " << h.new_entries << " endpoints";
        if (h.old_status != h.new_status)
            out << ", status " << epm::to_string(*h.old_status) << " -> " << epm::to_string(*h.new_status);
        out << ")\n";
        for (const auto& e : h.endpoints) write_diff_endpoint_text(out, e, d.versions_known);
    }
    const auto& t = d.totals;
    out << t.hosts << " host(s): " << t.same << " same, " << t.changed << " changed, " << t.appeared
        << " appeared, " << t.stopped_answering << " stopped answering; endpoints: " << t.moved << " moved, "
        << t.removed << " removed, " << t.added << " added, " << t.annotation_changed << " annotation(s) changed\n";
}

void write_diff_json(std::ostream& out, const diff_result& d)
{
    // ASCII out, invalid UTF-8 from a server as U+FFFD: the rule of the scan's JSON Lines.
    const auto line = [&out](const diff_json& j) {
        out << j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) << '\n';
    };
    for (const auto& h : d.hosts)
    {
        if (h.change == host_change::same) continue;
        diff_json j;
        j["schema"] = 1;
        j["record"] = "diff_host";
        j["host"] = h.host;
        j["port"] = h.port;
        j["change"] = to_string(h.change);
        j["old_status"] = diff_status_json(h.old_status);
        j["new_status"] = diff_status_json(h.new_status);
        j["old_entries"] = h.old_entries;
        j["new_entries"] = h.new_entries;
        j["error"] = h.new_error.empty() ? diff_json(nullptr) : diff_json(h.new_error);
        auto& endpoints = j["endpoints"] = diff_json::array();
        for (const auto& e : h.endpoints)
        {
            diff_json x;
            x["change"] = to_string(e.change);
            x["object"] = to_string(e.entry.object);
            x["interface"] = {{"uuid", to_string(e.entry.interface.id)},
                              {"version", d.versions_known ? diff_json(diff_version_text(e.entry.interface))
                                                           : diff_json(nullptr)}};
            x["protseq"] = e.entry.where.protseq;
            x["host"] = e.entry.where.host;
            x["endpoint"] = e.entry.where.endpoint;
            x["old_endpoint"] = e.change == endpoint_change::moved ? diff_json(e.old_endpoint) : diff_json(nullptr);
            x["annotation"] = e.entry.annotation;
            x["old_annotation"] = e.change == endpoint_change::annotation_changed ? diff_json(e.old_annotation)
                                                                                   : diff_json(nullptr);
            endpoints.push_back(std::move(x));
        }
        line(j);
    }
    const auto& t = d.totals;
    diff_json j;
    j["schema"] = 1;
    j["record"] = "diff_totals";
    j["hosts"] = t.hosts;
    j["same"] = t.same;
    j["changed"] = t.changed;
    j["appeared"] = t.appeared;
    j["stopped_answering"] = t.stopped_answering;
    j["moved"] = t.moved;
    j["removed"] = t.removed;
    j["added"] = t.added;
    j["annotation_changed"] = t.annotation_changed;
    line(j);
}

} // namespace epmdump::output
