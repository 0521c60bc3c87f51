#pragma once
// JSON Lines: one object per enumeration, one line each. The schema is in SCHEMA.md and stays stable.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/output/format.hpp>

#include <iosfwd>
#include <string>

namespace epmdump::output {

inline constexpr int json_schema_version = 1;

// The object for e, on one line, without the trailing newline. Always ASCII (hence valid UTF-8):
// non-ASCII characters are \u-escaped, invalid UTF-8 from the server becomes U+FFFD.
std::string to_json_line(const epm::enumeration& e, const format_options& options = {});

// The same object appended to `out` (writers reuse one buffer).
void append_json_line(std::string& out, const epm::enumeration& e, const format_options& options = {});

// to_json_line(e) + '\n'.
void write_json_line(std::ostream& out, const epm::enumeration& e, const format_options& options = {});

} // namespace epmdump::output
