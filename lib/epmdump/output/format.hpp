#pragma once
// The output formats and the knobs every writer takes.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/output/filter.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace epmdump::output {

enum class format : std::uint8_t
{
    rpcdump,  // Windows rpcdump.exe layout (KB 926210): sections per protocol sequence
    impacket, // impacket rpcdump.py layout: grouped by interface
    json,     // JSON Lines, one object per enumeration (SCHEMA.md)
    csv,      // RFC 4180, one row per entry
    summary,  // one line per host (roles, findings, endpoint count), totals at the end (summary.hpp)
};

// "rpcdump", "impacket", "json" (also "jsonl"), "csv", "summary"; case-insensitive. nullopt otherwise.
std::optional<format> parse_format(std::string_view name) noexcept;
std::string_view to_string(format f) noexcept;

// How the text formats (rpcdump, impacket, summary) end a line. JSON Lines is always LF and CSV always
// CR LF (RFC 4180), whatever this says.
enum class line_ending : std::uint8_t
{
    lf,   // "\n"
    crlf, // "\r\n": Notepad before Windows Server 2019 shows LF-only text as one long line
};

#ifdef _WIN32
inline constexpr line_ending platform_line_ending = line_ending::crlf;
#else
inline constexpr line_ending platform_line_ending = line_ending::lf;
#endif

// Text written with "\n" line ends, with each one as `ending` says (our text has no bare "\r").
std::string with_line_ending(std::string_view text, line_ending ending);

// "KIND: MESSAGE" (just MESSAGE when the kind is empty; "KIND: REASON: MESSAGE" when an
// authentication failure has its reason): how the rpcdump header, impacket and CSV print an
// error. Unescaped: each format escapes it its own way.
std::string error_text(const epm::enumeration_error& e);

// "TYPE LEVEL PRINCIPAL" ("kerberos privacy alice@EPMTEST.LAN"; "TYPE LEVEL" when the principal
// is unknown): how the text formats show a conversation's authentication. Unescaped.
std::string auth_text(const epm::auth_info& a);
// The reverse, for the readers; nullopt when the words are not a type and a level.
std::optional<epm::auth_info> parse_auth_text(std::string_view text);
// The auth_errc of its JSON word ("wrong_password"), for the readers.
std::optional<epm::auth_errc> parse_auth_reason(std::string_view word) noexcept;

struct format_options
{
    // rpcdump: a "# target: ..." line before each enumeration. Commands set it when more than
    // one enumeration is expected (so the first table has one too); the writer adds it anyway
    // for a failed enumeration and after the first, so targets never merge.
    bool target_headers = false;
    line_ending text_line_ending = platform_line_ending; // rpcdump, impacket and summary only
    bool json_towers = false; // json: add each entry's "tower" as hex
    bool csv_header = true;   // csv: the header row (once, from writer::begin)
    bool csv_bom = false;     // csv: a UTF-8 byte order mark first, so Excel reads the file as UTF-8
    bool auth_columns = false; // csv: auth_type, auth_level, auth_principal columns (a run with credentials)
    bool transport_column = false; // csv: a transport column after ping (a run not over ncacn_ip_tcp alone)
    entry_filter filter;      // entries that fail it are not written
};

} // namespace epmdump::output
