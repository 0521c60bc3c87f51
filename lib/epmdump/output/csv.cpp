#include <epmdump/output/csv.hpp>
#include <epmdump/output/sanitize.hpp>

#include <epmdump/names/interface_names.hpp>

#include <array>
#include <ostream>
#include <span>

namespace epmdump::output {

namespace {

constexpr std::string_view crlf = "\r\n"; // RFC 4180 section 2, rule 1

std::string_view ping_word(epm::ping_status p)
{
    return p == epm::ping_status::not_pinged ? std::string_view{} : epm::to_string(p);
}

// `tail`: the transport and auth columns, when the run has them.
void write_row(std::ostream& out, std::initializer_list<std::string_view> cells, std::span<const std::string_view> tail = {})
{
    bool first = true;
    for (auto cell : cells)
    {
        if (!first) out << ',';
        first = false;
        out << csv_cell(cell);
    }
    for (auto cell : tail) out << ',' << csv_cell(cell);
    out << crlf;
}

// The optional columns the run has, out of transport + the three auth ones.
std::span<const std::string_view> tail_columns(std::span<const std::string_view> all, const format_options& options)
{
    const auto from = options.transport_column ? all : all.subspan(1);
    return options.auth_columns ? from : from.first(options.transport_column ? 1 : 0);
}

} // namespace

std::string csv_cell(std::string_view raw)
{
    std::string cell = sanitize_text(raw);
    // A spreadsheet runs a cell starting with these as a formula (OWASP "CSV injection").
    if (!cell.empty())
    {
        const char c = cell.front();
        if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') cell.insert(cell.begin(), '\'');
    }
    if (cell.find_first_of("\",\r\n") == std::string::npos) return cell;
    std::string quoted = "\"";
    for (char c : cell)
    {
        if (c == '"') quoted += '"'; // RFC 4180 section 2, rule 7
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

void write_csv_header(std::ostream& out, const format_options& options)
{
    constexpr std::array<std::string_view, 4> tail_names{"transport", "auth_type", "auth_level", "auth_principal"};
    write_row(out, {"target", "address", "port", "status", "error", "object", "interface", "version", "name",
                    "annotation", "protseq", "host", "endpoint", "binding", "ping"},
              tail_columns(std::span<const std::string_view>(tail_names), options));
}

void write_csv_rows(std::ostream& out, const epm::enumeration& e, const format_options& options)
{
    const std::string port = std::to_string(e.port);
    const std::string error = e.error ? error_text(*e.error) : std::string();
    const std::string type = e.auth ? epm::to_string(e.auth->type) : std::string();
    const std::string level = e.auth ? epm::to_string(e.auth->level) : std::string();
    const std::string transport = e.transport.empty() ? "ncacn_ip_tcp" : e.transport;
    const std::array<std::string_view, 4> cells{transport, type, level, e.auth ? std::string_view(e.auth->principal) : std::string_view()};
    const auto tail = tail_columns(std::span<const std::string_view>(cells), options);
    bool any = false;
    for (const auto& entry : e.entries)
    {
        if (!options.filter.matches(entry)) continue;
        any = true;
        const names::interface_info* info = names::find_interface(entry.interface.id, entry.interface.major);
        const std::string version = std::to_string(entry.interface.major) + '.' + std::to_string(entry.interface.minor);
        write_row(out, {e.target, e.address, port, epm::to_string(e.status), error, epmdump::to_string(entry.object),
                        epmdump::to_string(entry.interface.id), version, info ? info->name : std::string_view{},
                        entry.annotation, entry.where.protseq, entry.where.host, entry.where.endpoint,
                        epm::to_string(entry.where), ping_word(entry.ping)},
                  tail);
    }
    // A target without (matching) entries still gets a row, so failures are not silently missing.
    // Same field count as the header (RFC 4180 section 2, rule 4).
    if (!any) write_row(out, {e.target, e.address, port, epm::to_string(e.status), error, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}}, tail);
}

} // namespace epmdump::output
