#pragma once
// Two saved scans compared host by host (epmdump diff): endpoints added, removed and moved
// (same interface and protseq, another endpoint: the KB 926210 symptom), hosts that appeared or
// stopped answering, annotation changes. Pure over the endpoint model: no files, no sockets.
#include <epmdump/epm/enumeration.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::output {

// What --ignore leaves out of the comparison.
enum class diff_field : std::uint8_t
{
    port,       // the endpoint of ncacn_ip_tcp, ncacn_http and ncadg_ip_udp bindings (dynamic ports)
    endpoint,   // the endpoint of every binding (ports, pipe names, ncalrpc names)
    annotation, // the annotation text
};

// One --ignore rule: FIELD, or FIELD=UUID[:MAJOR.MINOR] for one interface (every version when none).
struct diff_ignore
{
    diff_field field = diff_field::port;
    std::optional<epm::syntax_id> interface;
    bool any_version = true; // interface given without ":MAJOR.MINOR"
};

// "port", "port=UUID", "endpoint=UUID:1.0", "annotation", comma-separated; an error message on a bad rule.
struct diff_ignore_parse
{
    std::vector<diff_ignore> rules;
    std::optional<std::string> error;
};
diff_ignore_parse parse_diff_ignore(std::string_view spec);

// One side of the comparison: the enumerations read from one dump.
struct diff_side
{
    std::vector<epm::enumeration> enumerations;
    // rpcdump text carries no interface version, no text dump an object UUID: these are compared
    // only when both sides have them.
    bool has_versions = true;
    bool has_objects = true;
};

enum class host_change : std::uint8_t
{
    same,
    changed,           // answered in both, endpoints or annotations differ (or the status did)
    appeared,          // answers in NEW only (absent or failed in OLD)
    stopped_answering, // answered in OLD, absent or failed in NEW
};
std::string_view to_string(host_change c) noexcept; // "same", "changed", "appeared", "stopped_answering"

enum class endpoint_change : std::uint8_t
{
    added,
    removed,
    moved,              // same interface, object, protseq and binding host; another endpoint
    annotation_changed, // same endpoint, another annotation
};
std::string_view to_string(endpoint_change c) noexcept; // "added", "removed", "moved", "annotation_changed"

struct endpoint_difference
{
    endpoint_change change = endpoint_change::added;
    epm::endpoint_entry entry;                // NEW's entry (OLD's for removed)
    std::string old_endpoint;                 // moved: the endpoint in OLD
    std::string old_annotation;               // annotation_changed: the text in OLD
};

struct host_difference
{
    std::string host; // the address (the target when there is none), as the dump wrote it
    std::uint16_t port = 135;
    host_change change = host_change::same;
    std::optional<epm::enumeration_status> old_status; // nullopt: absent from that side
    std::optional<epm::enumeration_status> new_status;
    std::string new_error; // stopped_answering: why NEW failed, when it says
    std::size_t old_entries = 0;
    std::size_t new_entries = 0;
    std::vector<endpoint_difference> endpoints; // changed only; ordered by interface, then endpoint
};

struct diff_totals
{
    std::size_t hosts = 0, same = 0, changed = 0, appeared = 0, stopped_answering = 0;
    std::size_t added = 0, removed = 0, moved = 0, annotation_changed = 0;
};

struct diff_result
{
    std::vector<host_difference> hosts; // every host of either side, ordered by host then port
    diff_totals totals;
    bool versions_known = true; // false when a side was rpcdump text (versions read as 0.0)
    bool differs() const noexcept { return totals.changed + totals.appeared + totals.stopped_answering > 0; }
};

// A host is keyed by address (the target when empty) and port; when one dump names a host several
// times (shards or resumed runs concatenated), its best answer counts (ok, then incomplete, then the last).
// Entries match as a multiset: a line repeated in a listing must be repeated in the other.
diff_result diff_scans(const diff_side& old_side, const diff_side& new_side, const std::vector<diff_ignore>& ignore = {});

// Text for people: one block per host that differs, then a totals line. Server strings sanitised.
void write_diff_text(std::ostream& out, const diff_result& d);
// JSON Lines for scripts (SCHEMA.md, "epmdump diff"): one object per host that differs, then a totals object.
void write_diff_json(std::ostream& out, const diff_result& d);

} // namespace epmdump::output
