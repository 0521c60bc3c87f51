#pragma once
// Readers of saved dumps: rpcdump.exe / our rpcdump text, impacket rpcdump.py text, our JSON Lines.
// They never throw, bound what they keep, and report bad input with its line number.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/output/format.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace epmdump::output {

enum class read_errc : std::uint8_t
{
    unknown_format = 1, // read_dump: not rpcdump, impacket or JSON Lines text
    bad_line,           // a line that has the shape of the format's line but not its content
    bad_uuid,           // a UUID field that does not parse
    bad_json,           // a line that is not one JSON object
    bad_field,          // a JSON field missing, of the wrong type or out of range
    too_large,          // over max_dump_bytes, max_dump_entries or max_json_line_bytes
};

std::string_view to_string(read_errc code) noexcept;

// The "epmdump.output.read" category: a read_errc is a boost::system::error_code.
const boost::system::error_category& read_category() noexcept;

inline boost::system::error_code make_error_code(read_errc e) noexcept
{
    return {static_cast<int>(e), read_category()};
}

struct read_error
{
    read_errc code{};
    std::size_t line = 0; // 1-based; 0 when the error is about the whole input
    std::string detail;

    std::string message() const; // "bad uuid at line 7: ..."
    friend bool operator==(const read_error&, const read_error&) = default;
};

std::ostream& operator<<(std::ostream& os, const read_error& e);
// read_result<T>::value() throws epmdump::error_exception with the code, line and message().
[[noreturn]] void throw_exception_from_error(const read_error& e, const boost::source_location& loc);

template <class T>
using read_result = boost::system::result<T, read_error>;

inline constexpr std::size_t max_dump_bytes = 256u << 20;
inline constexpr std::size_t max_dump_entries = 1'000'000;
inline constexpr std::size_t max_json_line_bytes = 16u << 20;
inline constexpr std::size_t max_read_warnings = 100; // kept; the rest are only counted

// A line that was not understood but did not make the input invalid (chatter around a dump).
struct read_warning
{
    std::size_t line = 0;
    std::string text; // sanitised, cut to 200 bytes
};

struct dump
{
    format detected = format::rpcdump;
    std::vector<epm::enumeration> enumerations;
    std::vector<read_warning> warnings; // the first max_read_warnings
    std::size_t skipped_lines = 0;      // all lines skipped, warned about or not

    std::size_t entry_count() const noexcept;
};

// rpcdump.exe output as in KB 926210 and our own rpcdump output. One enumeration per
// "# target:" header; text without one is a single enumeration with target and address empty,
// port 135, status ok. Every entry line is kept, duplicates included (the KB's first sample has
// 45 lines, 3 of them repeat others). rpcdump text has no interface version, object UUID,
// transfer syntax or tower: version stays 0.0, object nil, transfer_syntax empty, tower empty.
// Text already sanitised by a writer is read as it stands (no "\xNN" is undone).
read_result<dump> read_rpcdump_text(std::string_view text);

// impacket rpcdump.py output (stock, or rpcdump-compat.py's). One enumeration per
// "[*] Retrieving endpoint list from T" (target = address = T); one entry per binding line,
// with the group's interface UUID, version and annotation. Object UUID nil, ping not_pinged.
// "[-] Protocol failed: M" sets status error (incomplete when entries were read).
read_result<dump> read_impacket_text(std::string_view text);

// Our JSON Lines (SCHEMA.md): every field back, tower too when it was written.
read_result<dump> read_json_lines(std::string_view text);

// Which of the three the text is, from its first meaningful line; nullopt when none.
std::optional<format> detect_format(std::string_view text) noexcept;

// detect_format, then the matching reader; unknown_format (line of the first non-blank line) when none.
read_result<dump> read_dump(std::string_view text);

} // namespace epmdump::output

namespace boost::system {
template <>
struct is_error_code_enum<epmdump::output::read_errc> : std::true_type
{
};
} // namespace boost::system
