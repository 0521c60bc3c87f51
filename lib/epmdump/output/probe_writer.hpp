#pragma once
// `epmdump probe`'s reports in each format: rpcdump-style text (one block per port), JSON Lines
// (one object per port, SCHEMA.md "Probe object") and CSV (one row per interface, or per port
// when it has none). Untrusted bytes (principal, what a non-RPC port sent) are escaped as in
// every other output: sanitize_text in the text formats, \u escapes in JSON.
#include <epmdump/epm/probe_report.hpp>
#include <epmdump/output/format.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace epmdump::output {

// "# target: T | address: A | port: P | state: S | interfaces: N[ | error: KIND: MESSAGE]", then
// the port's details, each line indented two spaces.
void write_probe_text(std::ostream& out, const epm::probe_report& r);

// The object for r, on one line, without the trailing newline; pure ASCII.
std::string to_probe_json_line(const epm::probe_report& r);

// target,address,port,scope,state,error,service,looks_like,first_bytes,mgmt,principal,
// accepts_any_interface,interface,version,name,found_by,registration, and with `auth_columns` (a
// run with credentials) auth_type,auth_level,auth_principal
void write_probe_csv_header(std::ostream& out, bool auth_columns = false);
void write_probe_csv_rows(std::ostream& out, const epm::probe_report& r, bool auth_columns = false);

// What a non-RPC port sent first, for people: printable ASCII as it is, a backslash doubled,
// every other byte \xNN (bytes, not text: never decoded as UTF-8).
std::string first_bytes_text(const epm::port_probe& p);

// The registration gap as every format prints it (needs epm::gap_known(r)): compare_with_registered
// without the management interface among "served, not registered", since every DCE/RPC runtime
// serves it and few register it (Windows and samba-dcerpcd do not).
epm::registration_gap probe_gap(const epm::probe_report& r);

// Per-interface word of the registration columns: "registered", "not_registered" (served, not
// registered) or "" when the mapper was not asked, the gap is not known (epm::gap_known), or it
// is the unregistered management interface.
std::string_view registration_word(const epm::probe_report& r, const epm::syntax_id& served);

class probe_writer
{
public:
    // format::impacket has no probe layout: the command refuses it; here it writes the text.
    probe_writer(std::ostream& out, format f, format_options options = {});

    void begin(); // CSV: BOM and header, once
    // One report, flushed. False once the stream has failed (full disk, closed pipe).
    bool write(const epm::probe_report& r);
    bool end();
    bool ok() const noexcept;
    std::size_t written() const noexcept { return written_; }

private:
    std::ostream& out_;
    format format_;
    format_options options_;
    bool begun_ = false;
    std::size_t written_ = 0;
};

} // namespace epmdump::output
