#pragma once
// What the Exchange check makes of the listings it is handed, before diagnose(): which ones
// can show that an interface is missing. Policy only; callers read the captures and dumps.
#include <epmdump/epm/enumeration.hpp>

#include <string>

namespace epmdump::exchange {

// A replayed conversation without a full ept_lookup listing (Outlook's own traffic: ept_map
// answers and interface-filtered lookups) holds answers, not a table: what it does not name is
// not thereby missing. Such a conversation that ended "ok" becomes incomplete (no_full_listing).
void require_full_listing(epm::enumeration& conversation, bool has_full_listing);

// The stand-in for a readable capture with no endpoint-mapper conversation in it: nothing to
// check, so the report says "unknown", as for an unreachable host (error, no_conversation).
epm::enumeration no_conversation(std::string capture_name);

// The last listing of a dump cut mid-line (a killed scan, a copy stopped early) lost its tail,
// or was the line lost: incomplete (cut_dump), `why` saying where the dump ends.
void mark_cut(epm::enumeration& last, std::string why);

} // namespace epmdump::exchange
