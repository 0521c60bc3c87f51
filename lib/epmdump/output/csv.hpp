#pragma once
// CSV (RFC 4180, CRLF line ends), one row per entry; an enumeration without entries still gets
// one row so failed targets show. Server strings are sanitised, then any cell a spreadsheet would
// evaluate (leading '=', '+', '-', '@', TAB, CR) gets a leading apostrophe.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/output/format.hpp>

#include <iosfwd>
#include <string>
#include <string_view>

namespace epmdump::output {

// target,address,port,status,error,object,interface,version,name,annotation,protseq,host,endpoint,binding,ping
// (with format_options::auth_columns: ,auth_type,auth_level,auth_principal)
void write_csv_header(std::ostream& out, const format_options& options = {});
void write_csv_rows(std::ostream& out, const epm::enumeration& e, const format_options& options = {});
// The same rows appended to `out` (writers reuse one buffer).
void append_csv_rows(std::string& out, const epm::enumeration& e, const format_options& options = {});

// One cell: sanitised, formula-neutralised, quoted when it holds '"', ',', CR or LF.
std::string csv_cell(std::string_view raw);
// The same cell appended to `out` (no allocation for a plain printable-ASCII cell).
void append_csv_cell(std::string& out, std::string_view raw);

} // namespace epmdump::output
