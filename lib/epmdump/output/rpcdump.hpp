#pragma once
// Windows rpcdump.exe text, as quoted in KB 926210:
//   ncacn_ip_tcp(Connection-oriented TCP/IP)
//     10.0.100.32[1033] [a4f1db00-ca47-1067-b31f-00dd010662da] Exchange Server STORE EMSMDB Interface :NOT_PINGED
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/output/format.hpp>

#include <iosfwd>
#include <string>
#include <string_view>

namespace epmdump::output {

// "Connection-oriented TCP/IP" for "ncacn_ip_tcp"; "Unknown protocol sequence" for names we do not know.
std::string_view rpcdump_section_title(std::string_view protseq) noexcept;

// "NOT_PINGED", "PINGED", "NOT_LISTENING".
std::string_view rpcdump_ping_word(epm::ping_status p) noexcept;

// "# target: T | address: A | port: P | status: S | entries: N[ | error: KIND: MESSAGE]"
std::string rpcdump_target_header(const epm::enumeration& e);

// One enumeration: the target header (when asked for, or when e failed), then one section per
// protocol sequence (ncacn_np, ncalrpc, ncacn_ip_tcp, ncadg_ip_udp, ncacn_http, then others in
// order of appearance), entries in their original order within a section.
void write_rpcdump(std::ostream& out, const epm::enumeration& e, const format_options& options = {});
// The same text appended to `out` (the writer builds each enumeration's text in one buffer).
void append_rpcdump(std::string& out, const epm::enumeration& e, const format_options& options = {});

} // namespace epmdump::output
