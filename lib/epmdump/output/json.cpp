#include <epmdump/output/json.hpp>

#include <epmdump/core/hex.hpp>
#include <epmdump/findings/classifier.hpp>
#include <epmdump/names/interface_names.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string_view>

namespace epmdump::output {

namespace {

using ordered = nlohmann::ordered_json;

// The line is written directly, key by key, rather than built as an nlohmann DOM and dumped:
// the DOM cost one allocation per key and value and deep copies as objects grew (half the CPU
// of `epmdump replay --format json`). Output is byte for byte what dump() wrote.

// `n` more characters at the end of `out`, to be written through the pointer returned.
char* grow(std::string& out, std::size_t n)
{
    const std::size_t at = out.size();
    out.resize(at + n);
    return out.data() + at;
}

// A string as dump(ensure_ascii, replace) writes it. Printable ASCII (the usual case, pipe
// names' backslashes included) is copied with '"' and '\\' escaped as nlohmann escapes them;
// a string with control or non-ASCII bytes goes through nlohmann, which escapes those and
// replaces invalid UTF-8 with U+FFFD.
void append_string(std::string& out, std::string_view s)
{
    // Branch-free, so the compiler can vectorise the scan over every byte written.
    unsigned unprintable = 0, escapes = 0;
    for (const char c : s)
    {
        const auto u = static_cast<std::uint8_t>(c);
        unprintable |= static_cast<unsigned>(static_cast<std::uint8_t>(u - 0x20) >= 0x5f); // outside 0x20-0x7e
        escapes |= static_cast<unsigned>(u == '"') | static_cast<unsigned>(u == '\\');
    }
    if (unprintable)
    {
        out += ordered(std::string(s)).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
        return;
    }
    if (!escapes)
    {
        // One resize and one copy: appending char by char (push_back) was 12% of replay's CPU.
        char* p = grow(out, s.size() + 2);
        *p++ = '"';
        std::memcpy(p, s.data(), s.size());
        p[s.size()] = '"';
        return;
    }
    out += '"';
    for (const char c : s)
    {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

// "key": (keys are ours, plain ASCII)
void append_key(std::string& out, std::string_view key, bool first = false)
{
    char* p = grow(out, key.size() + (first ? 3 : 4));
    if (!first) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, key.data(), key.size());
    p += key.size();
    *p++ = '"';
    *p = ':';
}

// nlohmann's own number format (shortest round trip, "0.0" for zero).
void append_double(std::string& out, double v) { out += ordered(v).dump(); }

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case, as epmdump::to_string(uuid) writes it,
// without a temporary string per UUID.
void append_uuid(std::string& out, const uuid& id)
{
    char text[38];
    std::size_t n = 0;
    text[n++] = '"';
    for (std::size_t i = 0; i < 16; ++i)
    {
        if (i == 4 || i == 6 || i == 8 || i == 10) text[n++] = '-';
        text[n++] = hex_digit(id.data[i] >> 4);
        text[n++] = hex_digit(id.data[i]);
    }
    text[n++] = '"';
    out.append(text, n);
}

void append_syntax(std::string& out, const epm::syntax_id& s)
{
    out += '{';
    append_key(out, "uuid", true);
    append_uuid(out, s.id);
    append_key(out, "version");
    out += '"';
    out += std::to_string(s.major);
    out += '.';
    out += std::to_string(s.minor);
    out += "\"}";
}

void append_hex_string(std::string& out, std::span<const std::byte> bytes)
{
    out += '"';
    append_hex(out, bytes);
    out += '"';
}

// Milliseconds to the microsecond: enough for a timing, short to read. Above ~1.8e305 ms the
// scaling overflows to inf (written as null, which no reader takes): keep such a value as is.
double rounded_ms(double ms)
{
    if (!std::isfinite(ms)) return 0.0;
    const double r = std::round(ms * 1000.0) / 1000.0;
    return std::isfinite(r) ? r : ms;
}

// `binding`: scratch for the binding's text, reused from entry to entry.
void append_entry(std::string& out, const epm::endpoint_entry_view& entry, const format_options& options,
                  std::string& binding)
{
    out += '{';
    append_key(out, "object", true);
    append_uuid(out, entry.object);
    append_key(out, "interface");
    append_syntax(out, entry.interface);
    append_key(out, "name");
    const names::interface_info* info = names::find_interface(entry.interface.id, entry.interface.major);
    if (info) append_string(out, info->name);
    else out += "null";
    append_key(out, "annotation");
    append_string(out, entry.annotation);
    append_key(out, "protseq");
    append_string(out, entry.where.protseq);
    append_key(out, "host");
    append_string(out, entry.where.host);
    append_key(out, "endpoint");
    append_string(out, entry.where.endpoint);
    append_key(out, "binding");
    binding.clear();
    epm::append_binding(binding, entry.where);
    append_string(out, binding);
    append_key(out, "ping");
    if (entry.ping == epm::ping_status::not_pinged)
        out += "null";
    else
        append_string(out, epm::to_string(entry.ping));
    append_key(out, "transfer_syntax");
    if (entry.transfer_syntax) append_syntax(out, *entry.transfer_syntax);
    else out += "null";
    if (options.json_towers)
    {
        append_key(out, "tower");
        append_hex_string(out, entry.tower);
    }
    out += '}';
}

// "KEY":[{"id","name",...}]: roles with their "detail" when there is one, findings with their
// "severity" and "reference" (lib/epmdump/findings/README.md). All our own ASCII text.
void append_matches(std::string& out, std::string_view key, std::span<const findings::match> matches)
{
    append_key(out, key);
    out += '[';
    for (std::size_t i = 0; i < matches.size(); ++i)
    {
        const findings::rule& rule = *matches[i].what;
        if (i > 0) out += ',';
        out += '{';
        append_key(out, "id", true);
        append_string(out, rule.id);
        append_key(out, "name");
        append_string(out, rule.name);
        if (!matches[i].detail.empty())
        {
            append_key(out, "detail");
            append_string(out, matches[i].detail);
        }
        if (rule.kind == findings::rule_kind::exposure)
        {
            append_key(out, "severity");
            append_string(out, findings::to_string(rule.level));
            append_key(out, "reference");
            append_string(out, rule.reference);
        }
        out += '}';
    }
    out += ']';
}

} // namespace

std::string to_json_line(const epm::enumeration& e, const format_options& options)
{
    std::string out;
    append_json_line(out, e, options);
    return out;
}

void append_json_line(std::string& out, const epm::enumeration& e, const format_options& options)
{
    out.reserve(out.size() + 256 + e.entry_count() * 400);
    out += '{';
    append_key(out, "schema", true);
    out += std::to_string(json_schema_version);
    append_key(out, "target");
    append_string(out, e.target);
    append_key(out, "address");
    append_string(out, e.address);
    append_key(out, "port");
    out += std::to_string(e.port);
    if (!e.transport.empty())
    {
        append_key(out, "transport");
        append_string(out, e.transport);
    }
    append_key(out, "status");
    append_string(out, epm::to_string(e.status));
    if (e.error)
    {
        append_key(out, "error");
        out += '{';
        append_key(out, "kind", true);
        append_string(out, epm::to_string(e.error->kind));
        append_key(out, "message");
        append_string(out, e.error->message);
        if (e.error->reason)
        {
            append_key(out, "reason");
            append_string(out, epm::to_string(*e.error->reason));
        }
        out += '}';
    }
    append_key(out, "elapsed_ms");
    append_double(out, rounded_ms(e.elapsed_ms));
    append_key(out, "entries");
    out += '[';
    bool first = true;
    std::string binding;
    epm::lookup_view_decoder decoder;
    // The host's roles and findings read every entry it registered, filtered out or not.
    findings::host_classifier classifier;
    e.for_each_entry(decoder, [&](const epm::endpoint_entry_view& entry) {
        classifier.add(entry);
        if (!options.filter.matches(entry)) return;
        if (!first) out += ',';
        first = false;
        append_entry(out, entry, options, binding);
    });
    out += ']';
    const auto classified = classifier.classify();
    append_matches(out, "roles", classified.roles());
    append_matches(out, "findings", classified.findings());
    if (e.auth)
    {
        append_key(out, "auth");
        out += '{';
        append_key(out, "type", true);
        append_string(out, epm::to_string(e.auth->type));
        append_key(out, "level");
        append_string(out, epm::to_string(e.auth->level));
        append_key(out, "principal");
        if (e.auth->principal.empty()) out += "null";
        else append_string(out, e.auth->principal);
        if (e.auth->mechanism != epm::auth_type::none)
        {
            append_key(out, "mechanism");
            append_string(out, epm::to_string(e.auth->mechanism));
        }
        out += '}';
    }
    if (e.origin)
    {
        const auto& o = *e.origin;
        append_key(out, "capture");
        out += '{';
        append_key(out, "file", true);
        append_string(out, o.file);
        append_key(out, "client");
        append_string(out, o.client);
        append_key(out, "client_port");
        out += std::to_string(o.client_port);
        append_key(out, "server");
        append_string(out, o.server);
        append_key(out, "server_port");
        out += std::to_string(o.server_port);
        append_key(out, "first_timestamp");
        append_double(out, std::isfinite(o.first_timestamp) ? o.first_timestamp : 0.0);
        append_key(out, "last_timestamp");
        append_double(out, std::isfinite(o.last_timestamp) ? o.last_timestamp : 0.0);
        append_key(out, "frames");
        out += std::to_string(o.frames);
        append_key(out, "complete");
        out += o.complete ? "true" : "false";
        append_key(out, "encrypted");
        out += o.encrypted ? "true" : "false";
        if (!o.transport.empty())
        {
            append_key(out, "transport");
            append_string(out, o.transport);
            append_key(out, "pipe");
            append_string(out, o.pipe);
        }
        out += '}';
    }
    out += '}';
}

void write_json_line(std::ostream& out, const epm::enumeration& e, const format_options& options)
{
    std::string line;
    append_json_line(line, e, options);
    line += '\n';
    out << line;
}

} // namespace epmdump::output
