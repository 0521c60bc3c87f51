#include <epmdump/output/json.hpp>
#include <epmdump/output/text_cursor.hpp>

#include <epmdump/findings/classifier.hpp>
#include <epmdump/output/interface_memo.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
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

// What a string holds, from one branch-free pass (so the compiler vectorises it).
struct string_scan
{
    bool unprintable = false; // a byte outside 0x20-0x7e: nlohmann escapes it
    bool escapes = false;     // '"' or '\\'
};

string_scan scan(std::string_view s) noexcept
{
    unsigned unprintable = 0, escapes = 0;
    for (const char c : s)
    {
        const auto u = static_cast<std::uint8_t>(c);
        unprintable |= static_cast<unsigned>(static_cast<std::uint8_t>(u - 0x20) >= 0x5f); // outside 0x20-0x7e
        escapes |= static_cast<unsigned>(u == '"') | static_cast<unsigned>(u == '\\');
    }
    return {unprintable != 0, escapes != 0};
}

// The most put_string writes for s: nlohmann's "\uXXXX" (6) for a byte at worst, and the quotes.
constexpr std::size_t string_bound(std::string_view s) noexcept { return 6 * s.size() + 2; }

// Printable ASCII s without its quotes, '"' and '\\' escaped as nlohmann escapes them.
char* put_body(char* p, std::string_view s, bool escapes) noexcept
{
    if (!escapes) return put(p, s);
    for (const char c : s)
    {
        if (c == '"' || c == '\\') *p++ = '\\';
        *p++ = c;
    }
    return p;
}

// A string as dump(ensure_ascii, replace) writes it: printable ASCII (the usual case, pipe
// names' backslashes included) copied; a string with control or non-ASCII bytes goes through
// nlohmann, which escapes those and replaces invalid UTF-8 with U+FFFD. At most string_bound(s).
char* put_string(char* p, std::string_view s, string_scan what)
{
    if (what.unprintable)
        return put(p, ordered(std::string(s)).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
    *p++ = '"';
    p = put_body(p, s, what.escapes);
    *p++ = '"';
    return p;
}

char* put_string(char* p, std::string_view s) { return put_string(p, s, scan(s)); }

void append_string(std::string& out, std::string_view s)
{
    text_cursor c(out);
    c.done(put_string(c.room(string_bound(s)), s));
}

// "key": (keys are ours, plain ASCII)
void append_key(std::string& out, std::string_view key, bool first = false)
{
    text_cursor c(out);
    char* p = c.room(key.size() + 4);
    if (!first) *p++ = ',';
    *p++ = '"';
    p = put(p, key);
    *p++ = '"';
    *p++ = ':';
    c.done(p);
}

// nlohmann's own number format (shortest round trip, "0.0" for zero).
void append_double(std::string& out, double v) { out += ordered(v).dump(); }

char* put_quoted_uuid(char* p, const uuid& id, uuid_text_memo& memo) noexcept
{
    *p++ = '"';
    p = memo.put(p, id);
    *p++ = '"';
    return p;
}

// Each UUID field of an entry keeps its last text, from entry to entry.
struct entry_memos
{
    uuid_text_memo object, interface, transfer_syntax;
};

// Versions are mostly one digit: those without to_chars.
char* put_version_number(char* p, std::uint16_t v) noexcept
{
    if (v < 10)
    {
        *p = static_cast<char>('0' + v);
        return p + 1;
    }
    return std::to_chars(p, p + 5, v).ptr;
}

constexpr std::size_t syntax_bound = 72; // {"uuid":"<36>","version":"65535.65535"}

char* put_syntax(char* p, const epm::syntax_id& s, uuid_text_memo& memo) noexcept
{
    p = put(p, R"({"uuid":)");
    p = put_quoted_uuid(p, s.id, memo);
    p = put(p, R"(,"version":")");
    p = put_version_number(p, s.major);
    *p++ = '.';
    p = put_version_number(p, s.minor);
    return put(p, R"("})");
}

// Milliseconds to the microsecond: enough for a timing, short to read. Above ~1.8e305 ms the
// scaling overflows to inf (written as null, which no reader takes): keep such a value as is.
double rounded_ms(double ms)
{
    if (!std::isfinite(ms)) return 0.0;
    const double r = std::round(ms * 1000.0) / 1000.0;
    return std::isfinite(r) ? r : ms;
}

// The binding "protseq:host[endpoint]" as a JSON string, without building it when its parts
// are printable ASCII (the usual case); `scratch` holds it otherwise, reused from entry to entry.
// `protseq`, `host`, `endpoint`: scan() of b's parts, which the entry's own fields made already.
char* put_binding(char* p, const epm::binding_view& b, string_scan protseq, string_scan host, string_scan endpoint,
                  std::string& scratch)
{
    if (protseq.unprintable || host.unprintable || endpoint.unprintable)
    {
        // nlohmann reads UTF-8 across the parts' boundaries: escape the whole text.
        scratch.clear();
        epm::append_binding(scratch, b);
        return put_string(p, scratch);
    }
    *p++ = '"';
    p = put_body(p, b.protseq, protseq.escapes);
    *p++ = ':';
    p = put_body(p, b.host, host.escapes);
    *p++ = '[';
    p = put_body(p, b.endpoint, endpoint.escapes);
    *p++ = ']';
    *p++ = '"';
    return p;
}

// The most put_entry writes: its keys and UUIDs, every string at its worst, the tower's hex.
std::size_t entry_bound(const epm::endpoint_entry_view& entry, const names::interface_info* info,
                        const format_options& options) noexcept
{
    const auto& w = entry.where;
    return 256 + 2 * syntax_bound + string_bound(info ? info->name : std::string_view{}) +
           string_bound(entry.annotation) + 2 * (string_bound(w.protseq) + string_bound(w.host) + string_bound(w.endpoint)) +
           string_bound(epm::to_string(entry.ping)) + (options.json_towers ? 2 * entry.tower.size() + 16 : 0);
}

// One entry object at p, at most entry_bound() characters; `binding`: put_binding's scratch.
char* put_entry(char* p, const epm::endpoint_entry_view& entry, const names::interface_info* info,
                const format_options& options, std::string& binding, entry_memos& memos)
{
    p = put(p, R"({"object":)");
    p = put_quoted_uuid(p, entry.object, memos.object);
    p = put(p, R"(,"interface":)");
    p = put_syntax(p, entry.interface, memos.interface);
    p = put(p, R"(,"name":)");
    p = info ? put_string(p, info->name) : put(p, "null");
    p = put(p, R"(,"annotation":)");
    p = put_string(p, entry.annotation);
    const auto& w = entry.where;
    const auto protseq = scan(w.protseq), host = scan(w.host), endpoint = scan(w.endpoint);
    p = put(p, R"(,"protseq":)");
    p = put_string(p, w.protseq, protseq);
    p = put(p, R"(,"host":)");
    p = put_string(p, w.host, host);
    p = put(p, R"(,"endpoint":)");
    p = put_string(p, w.endpoint, endpoint);
    p = put(p, R"(,"binding":)");
    p = put_binding(p, w, protseq, host, endpoint, binding);
    p = put(p, R"(,"ping":)");
    p = entry.ping == epm::ping_status::not_pinged ? put(p, "null") : put_string(p, epm::to_string(entry.ping));
    p = put(p, R"(,"transfer_syntax":)");
    p = entry.transfer_syntax ? put_syntax(p, *entry.transfer_syntax, memos.transfer_syntax) : put(p, "null");
    if (options.json_towers)
    {
        p = put(p, R"(,"tower":")");
        for (const std::byte b : entry.tower) p = put_hex_byte(p, static_cast<std::uint8_t>(b));
        *p++ = '"';
    }
    *p++ = '}';
    return p;
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
    std::string binding;
    epm::lookup_view_decoder decoder;
    // The host's roles and findings read every entry it registered, filtered out or not.
    findings::host_classifier classifier;
    {
        text_cursor c(out);
        interface_memo interfaces;
        entry_memos memos;
        bool first = true;
        e.for_each_entry(decoder, [&](const epm::endpoint_entry_view& entry) {
            classifier.add(entry);
            if (!options.filter.matches(entry)) return;
            const names::interface_info* info = interfaces.find(entry.interface.id, entry.interface.major);
            char* p = c.room(1 + entry_bound(entry, info, options));
            if (!first) *p++ = ',';
            first = false;
            c.done(put_entry(p, entry, info, options, binding, memos));
        });
    }
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
