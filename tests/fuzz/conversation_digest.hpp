#pragma once
// A text digest of replayed conversations (every field, towers too) so two replays can be
// compared, plus the invariants every replayed conversation must satisfy.
#include <epmdump/capture/rpc_conversation.hpp>
#include <epmdump/epm/context_handle.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>
#include <epmdump/output/rpcdump.hpp>
#include <epmdump/output/impacket.hpp>

#include "fuzz_support.hpp"

#include <sstream>
#include <string>

namespace epmdump::fuzz {

inline std::string digest(const capture::replayed_conversation& c)
{
    output::format_options o;
    o.json_towers = true;
    std::string s = output::to_json_line(c.enumeration, o);
    s += "\nconnection " + std::to_string(c.connection_id);
    for (const auto& call : c.calls)
    {
        s += "\ncall " + std::to_string(call.call_id) + " op " + std::to_string(call.opnum) + " ctx " +
             std::to_string(call.context_id) + " ndr64 " + std::to_string(call.ndr64) + " enc " +
             std::to_string(call.encrypted) + " level " + std::to_string(call.auth_level) + " frames " +
             std::to_string(call.request_frame) + "/" + std::to_string(call.response_frame) + " frags " +
             std::to_string(call.request_fragments) + "/" + std::to_string(call.response_fragments) + " status " +
             (call.status ? std::to_string(*call.status) : "-") + " fault " +
             (call.fault ? std::to_string(*call.fault) : "-") + " handle " +
             (call.entry_handle ? epm::to_hex(*call.entry_handle) : "-") + " entries " +
             std::to_string(call.first_entry) + "+" + std::to_string(call.entry_count) + " error " + call.decode_error;
    }
    return s;
}

// Calls index the enumeration's entries; the writers accept whatever the capture held, and
// our JSON Lines reader reads back what our JSON writer wrote.
inline void check_conversation(const capture::replayed_conversation& c)
{
    const auto& e = c.enumeration;
    EPMDUMP_FUZZ_CHECK(e.origin.has_value());
    std::size_t counted = 0;
    for (const auto& call : c.calls)
    {
        EPMDUMP_FUZZ_CHECK(call.first_entry + call.entry_count <= e.entries.size());
        if (call.entry_count != 0) EPMDUMP_FUZZ_CHECK(call.first_entry == counted);
        counted += call.entry_count;
    }
    EPMDUMP_FUZZ_CHECK(counted == e.entries.size());

    std::ostringstream text;
    output::write_rpcdump(text, e);
    output::write_impacket(text, e);
    output::format_options o;
    o.json_towers = true;
    const auto line = output::to_json_line(e, o);
    EPMDUMP_FUZZ_CHECK(line.find('\n') == std::string::npos);
    auto back = output::read_json_lines(line);
    EPMDUMP_FUZZ_CHECK(back.has_value());
    EPMDUMP_FUZZ_CHECK(back->enumerations.size() == 1);
    EPMDUMP_FUZZ_CHECK(back->enumerations[0].entries.size() == e.entries.size());
}

} // namespace epmdump::fuzz
