#include <epmdump/output/csv.hpp>
#include <epmdump/output/sanitize.hpp>
#include <epmdump/output/text_cursor.hpp>

#include <epmdump/output/interface_memo.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <ostream>
#include <span>

namespace epmdump::output {

namespace {

constexpr std::string_view crlf = "\r\n"; // RFC 4180 section 2, rule 1

std::string_view ping_word(epm::ping_status p)
{
    return p == epm::ping_status::not_pinged ? std::string_view{} : epm::to_string(p);
}

// True for a cell that goes out as it is: printable ASCII (sanitize_text keeps it), no quote,
// comma or line break, no leading formula character. Branch-free, so the scan vectorises.
bool plain_cell(std::string_view raw) noexcept
{
    unsigned special = 0;
    for (const char c : raw)
    {
        const auto u = static_cast<std::uint8_t>(c);
        special |= static_cast<unsigned>(static_cast<std::uint8_t>(u - 0x20) >= 0x5f) | // outside 0x20-0x7e
                   static_cast<unsigned>(u == '"') | static_cast<unsigned>(u == ',');
    }
    if (special != 0 || raw.empty()) return special == 0;
    const char c = raw.front();
    return c != '=' && c != '+' && c != '-' && c != '@';
}

// `tail`: the transport and auth columns, when the run has them. Rows are appended to `out` (one write per
// enumeration): a stream insertion and two strings per cell cost 3x the JSON writer's time.
void append_row(std::string& out, std::initializer_list<std::string_view> cells,
                std::span<const std::string_view> tail = {})
{
    bool first = true;
    for (auto cell : cells)
    {
        if (!first) out += ',';
        first = false;
        append_csv_cell(out, cell);
    }
    for (auto cell : tail)
    {
        out += ',';
        append_csv_cell(out, cell);
    }
    out += crlf;
}

void write_row(std::ostream& out, std::initializer_list<std::string_view> cells, std::span<const std::string_view> tail = {})
{
    std::string row;
    append_row(row, cells, tail);
    out << row;
}

// The optional columns the run has, out of transport + the three auth ones.
std::span<const std::string_view> tail_columns(std::span<const std::string_view> all, const format_options& options)
{
    const auto from = options.transport_column ? all : all.subspan(1);
    return options.auth_columns ? from : from.first(options.transport_column ? 1 : 0);
}

} // namespace

void append_csv_cell(std::string& out, std::string_view raw)
{
    if (plain_cell(raw))
    {
        out += raw;
        return;
    }
    std::string cell = sanitize_text(raw);
    // A spreadsheet runs a cell starting with these as a formula (OWASP "CSV injection").
    if (!cell.empty())
    {
        const char c = cell.front();
        if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') cell.insert(cell.begin(), '\'');
    }
    if (cell.find_first_of("\",\r\n") == std::string::npos)
    {
        out += cell;
        return;
    }
    out += '"';
    for (char c : cell)
    {
        if (c == '"') out += '"'; // RFC 4180 section 2, rule 7
        out += c;
    }
    out += '"';
}

std::string csv_cell(std::string_view raw)
{
    std::string cell;
    append_csv_cell(cell, raw);
    return cell;
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
    std::string rows;
    append_csv_rows(rows, e, options);
    out << rows;
}

void append_csv_rows(std::string& rows, const epm::enumeration& e, const format_options& options)
{
    const std::string port = std::to_string(e.port);
    const std::string error = e.error ? error_text(*e.error) : std::string();
    const std::string type = e.auth ? epm::to_string(e.auth->type) : std::string();
    const std::string level = e.auth ? epm::to_string(e.auth->level) : std::string();
    const std::string transport = e.transport.empty() ? "ncacn_ip_tcp" : e.transport;
    const std::array<std::string_view, 4> cells{transport, type, level, e.auth ? std::string_view(e.auth->principal) : std::string_view()};
    const auto tail = tail_columns(std::span<const std::string_view>(cells), options);
    const std::string_view status = epm::to_string(e.status);
    // Every row of e starts and ends with the same cells: escaped once, copied per entry.
    std::string lead, trail;
    append_row(lead, {e.target, e.address, port, status, error, {}}, {});
    lead.resize(lead.size() - crlf.size()); // "target,...,error," before the entry's cells
    append_row(trail, {{}}, tail);          // ",transport,...\r\n" after them
    std::string binding, scratch;
    bool any = false;
    epm::lookup_view_decoder decoder;
    interface_memo interfaces;
    uuid_text_memo objects, interface_ids;
    text_cursor c(rows);
    e.for_each_entry(decoder, [&](const epm::endpoint_entry_view& entry) {
        if (!options.filter.matches(entry)) return;
        any = true;
        const names::interface_info* info = interfaces.find(entry.interface.id, entry.interface.major);
        std::array<char, 12> version{}; // "65535.65535"
        char* end = std::to_chars(version.data(), version.data() + 5, entry.interface.major).ptr;
        *end++ = '.';
        end = std::to_chars(end, version.data() + version.size(), entry.interface.minor).ptr;
        std::array<char, 36> object{}, interface{}; // lower case, as epmdump::to_string(uuid) writes
        objects.put(object.data(), entry.object);
        interface_ids.put(interface.data(), entry.interface.id);
        binding.clear();
        epm::append_binding(binding, entry.where);
        const std::array<std::string_view, 10> own{
            std::string_view(object.data(), object.size()), std::string_view(interface.data(), interface.size()),
            std::string_view(version.data(), static_cast<std::size_t>(end - version.data())),
            info ? info->name : std::string_view{}, entry.annotation, entry.where.protseq, entry.where.host,
            entry.where.endpoint, binding, ping_word(entry.ping)};
        std::size_t size = lead.size() + trail.size() + own.size();
        for (const auto cell : own) size += cell.size();
        // Our UUIDs and version are plain; the binding is when its parts are (it starts as protseq does).
        bool plain = true;
        for (std::size_t i = 3; i < 8 && plain; ++i) plain = plain_cell(own[i]);
        plain = plain && plain_cell(own[9]);
        // The usual row, every cell as it is, goes through one pointer; any other through append_csv_cell.
        if (!plain)
        {
            scratch.clear();
            for (const auto cell : own)
            {
                append_csv_cell(scratch, cell);
                scratch += ',';
            }
        }
        char* p = c.room(plain ? size : lead.size() + scratch.size() + trail.size());
        p = put(p, lead);
        if (plain)
            for (std::size_t i = 0; i < own.size(); ++i)
            {
                p = put(p, own[i]);
                if (i + 1 < own.size()) *p++ = ',';
            }
        else
            p = put(p, std::string_view(scratch).substr(0, scratch.size() - 1));
        c.done(put(p, trail));
    });
    // A target without (matching) entries still gets a row, so failures are not silently missing.
    // Same field count as the header (RFC 4180 section 2, rule 4).
    if (!any)
    {
        c.done(put(c.room(lead.size()), lead));
        c.done(put(c.room(9), ",,,,,,,,,"));
        c.done(put(c.room(trail.size()), trail));
    }
}

} // namespace epmdump::output
