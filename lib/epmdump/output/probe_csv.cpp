// `epmdump probe` as CSV: one row per interface served (and, with --registered, per interface
// registered but not served), or one row for a port with none; cells as csv_cell() makes them.
#include <epmdump/output/probe_writer.hpp>

#include <epmdump/names/interface_names.hpp>
#include <epmdump/output/csv.hpp>

#include <array>
#include <ostream>

namespace epmdump::output {

namespace {

// The last three (auth_type, auth_level, auth_principal) only in a run with credentials.
constexpr std::size_t columns = 20;
constexpr std::size_t anonymous_columns = 17;
using row = std::array<std::string, columns>;

void write_row(std::ostream& out, const row& cells, bool auth_columns)
{
    const std::size_t n = auth_columns ? columns : anonymous_columns;
    for (std::size_t i = 0; i < n; ++i)
    {
        if (i > 0) out << ',';
        out << csv_cell(cells[i]);
    }
    out << "\r\n"; // RFC 4180 section 2, rule 1
}

// The port's own columns; the interface columns (12-16) empty.
row port_cells(const epm::probe_report& r)
{
    const auto& p = r.probe;
    row c;
    c[0] = p.target;
    c[1] = p.address;
    c[2] = std::to_string(p.port);
    c[3] = r.scope == epm::probe_scope::host ? "host" : "port";
    c[4] = epm::to_string(p.state);
    c[5] = p.error ? error_text(*p.error) : std::string();
    if (p.state == epm::port_state::not_rpc)
    {
        c[6] = epm::to_string(p.service);
        c[7] = p.looks_like;
    }
    c[8] = first_bytes_text(p);
    if (p.state == epm::port_state::rpc)
        c[9] = p.mgmt_answered ? "answered" : p.mgmt_refusal.empty() ? "no answer" : "refused: " + p.mgmt_refusal;
    c[10] = p.principal.value_or(std::string());
    c[11] = p.accepts_any_interface ? "yes" : "";
    if (p.auth)
    {
        c[17] = epm::to_string(p.auth->type);
        c[18] = epm::to_string(p.auth->level);
        c[19] = p.auth->principal;
    }
    return c;
}

void set_interface(row& c, const epm::syntax_id& s, std::string_view how, std::string_view registration)
{
    c[12] = to_string(s.id);
    c[13] = std::to_string(s.major) + "." + std::to_string(s.minor);
    const auto* info = names::find_interface(s.id, s.major);
    c[14] = info ? std::string(info->name) : std::string();
    c[15] = how;
    c[16] = registration;
}

} // namespace

void write_probe_csv_header(std::ostream& out, bool auth_columns)
{
    write_row(out, {"target", "address", "port", "scope", "state", "error", "service", "looks_like", "first_bytes", "mgmt",
                    "principal", "accepts_any_interface", "interface", "version", "name", "found_by", "registration",
                    "auth_type", "auth_level", "auth_principal"},
              auth_columns);
}

void write_probe_csv_rows(std::ostream& out, const epm::probe_report& r, bool auth_columns)
{
    const row base = port_cells(r);
    bool any = false;
    for (const auto& s : r.probe.interfaces)
    {
        row c = base;
        set_interface(c, s.interface, epm::to_string(s.how), registration_word(r, s.interface));
        write_row(out, c, auth_columns);
        any = true;
    }
    if (epm::gap_known(r))
        for (const auto& s : probe_gap(r).registered_not_served)
        {
            row c = base;
            set_interface(c, s, {}, "not_served");
            write_row(out, c, auth_columns);
            any = true;
        }
    if (!any) write_row(out, base, auth_columns); // a port with no interface still shows
}

} // namespace epmdump::output
