#pragma once
// Comparing two replays of a conversation, and the invariants every replayed conversation
// must satisfy.
#include <epmdump/capture/rpc_conversation.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>
#include <epmdump/output/rpcdump.hpp>
#include <epmdump/output/impacket.hpp>

#include "fuzz_support.hpp"

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace epmdump::fuzz {

// Two replays of one conversation are the same, field for field (towers included).
EPMDUMP_FUZZ_NO_COVERAGE inline bool same_conversation(const capture::replayed_conversation& a,
                                                       const capture::replayed_conversation& b)
{
    const auto& x = a.enumeration;
    const auto& y = b.enumeration;
    if (a.connection_id != b.connection_id || x.target != y.target || x.address != y.address || x.port != y.port ||
        x.status != y.status || x.error != y.error || x.elapsed_ms != y.elapsed_ms || x.entries != y.entries ||
        x.origin.has_value() != y.origin.has_value())
        return false;
    if (x.origin)
    {
        const auto& o = *x.origin;
        const auto& p = *y.origin;
        if (o.file != p.file || o.client != p.client || o.client_port != p.client_port || o.server != p.server ||
            o.server_port != p.server_port || o.first_timestamp != p.first_timestamp ||
            o.last_timestamp != p.last_timestamp || o.frames != p.frames || o.complete != p.complete ||
            o.encrypted != p.encrypted || o.transport != p.transport || o.pipe != p.pipe)
            return false;
    }
    if (a.calls.size() != b.calls.size()) return false;
    for (std::size_t i = 0; i < a.calls.size(); ++i)
    {
        const auto& c = a.calls[i];
        const auto& d = b.calls[i];
        if (c.call_id != d.call_id || c.opnum != d.opnum || c.context_id != d.context_id || c.ndr64 != d.ndr64 ||
            c.encrypted != d.encrypted || c.auth_level != d.auth_level || c.request_frame != d.request_frame ||
            c.response_frame != d.response_frame || c.request_fragments != d.request_fragments ||
            c.response_fragments != d.response_fragments || c.status != d.status || c.fault != d.fault ||
            c.entry_handle != d.entry_handle || c.first_entry != d.first_entry || c.entry_count != d.entry_count ||
            c.decode_error != d.decode_error)
            return false;
    }
    return true;
}

EPMDUMP_FUZZ_NO_COVERAGE inline bool has_unusual_bytes(const epm::enumeration& e)
{
    const auto unusual = [](const std::string& s) {
        for (char c : s)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e || c == '"' || c == '\\')
                return true;
        return false;
    };
    for (const auto& x : e.entries)
        if (unusual(x.annotation) || unusual(x.where.protseq) || unusual(x.where.host) || unusual(x.where.endpoint))
            return true;
    return e.origin && unusual(e.origin->pipe); // a CREATE's name, from the capture
}

// Calls partition the enumeration's entries. With `writers`, every writer accepts whatever the
// capture held, and our JSON Lines reader reads back what our JSON writer wrote (hostile wire
// bytes are the one source of invalid UTF-8 the JSON writer must repair).
inline void check_conversation(const capture::replayed_conversation& c, bool writers)
{
    const auto& e = c.enumeration;
    EPMDUMP_FUZZ_CHECK(e.origin.has_value());
    // Calls are in request order, entries in response order: overlapping calls answered out of
    // order give ranges out of call order, but every entry still belongs to exactly one call.
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (const auto& call : c.calls)
    {
        EPMDUMP_FUZZ_CHECK(call.first_entry + call.entry_count <= e.entries.size());
        if (call.entry_count != 0) ranges.emplace_back(call.first_entry, call.entry_count);
    }
    std::sort(ranges.begin(), ranges.end());
    std::size_t counted = 0;
    for (const auto& [first, count] : ranges)
    {
        EPMDUMP_FUZZ_CHECK(first == counted);
        counted += count;
    }
    EPMDUMP_FUZZ_CHECK(counted == e.entries.size());
    if (!writers) return;

    std::ostringstream text;
    output::write_rpcdump(text, e);
    output::write_impacket(text, e);
    output::format_options o;
    o.json_towers = true;
    const auto line = output::to_json_line(e, o);
    EPMDUMP_FUZZ_CHECK(line.find('\n') == std::string::npos);
    // Reading back costs more than the whole replay: only where the writer had to escape or
    // repair something (bytes outside printable ASCII); plain text is json_lines' business.
    if (!has_unusual_bytes(e)) return;
    auto back = output::read_json_lines(line);
    EPMDUMP_FUZZ_CHECK(back.has_value());
    EPMDUMP_FUZZ_CHECK(back->enumerations.size() == 1);
    EPMDUMP_FUZZ_CHECK(back->enumerations[0].entries.size() == e.entries.size());
}

} // namespace epmdump::fuzz
