#include <epmdump/output/json.hpp>

#include <epmdump/names/interface_names.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <ostream>

namespace epmdump::output {

namespace {

using ordered = nlohmann::ordered_json;

std::string version_text(const epm::syntax_id& s)
{
    return std::to_string(s.major) + '.' + std::to_string(s.minor);
}

ordered syntax_json(const epm::syntax_id& s)
{
    ordered j;
    j["uuid"] = epmdump::to_string(s.id);
    j["version"] = version_text(s);
    return j;
}

std::string hex(const std::vector<std::byte>& bytes)
{
    static constexpr char digit[] = "0123456789abcdef";
    std::string text;
    text.reserve(bytes.size() * 2);
    for (auto b : bytes)
    {
        text += digit[std::to_integer<unsigned>(b) >> 4];
        text += digit[std::to_integer<unsigned>(b) & 0x0f];
    }
    return text;
}

// Milliseconds to the microsecond: enough for a timing, short to read.
double rounded_ms(double ms) { return std::isfinite(ms) ? std::round(ms * 1000.0) / 1000.0 : 0.0; }

ordered entry_json(const epm::endpoint_entry& entry, const format_options& options)
{
    ordered j;
    j["object"] = epmdump::to_string(entry.object);
    j["interface"] = syntax_json(entry.interface);
    const names::interface_info* info = names::find_interface(entry.interface.id, entry.interface.major);
    j["name"] = info ? ordered(std::string(info->name)) : ordered(nullptr);
    j["annotation"] = entry.annotation;
    j["protseq"] = entry.where.protseq;
    j["host"] = entry.where.host;
    j["endpoint"] = entry.where.endpoint;
    j["binding"] = epm::to_string(entry.where);
    switch (entry.ping)
    {
    case epm::ping_status::not_pinged: j["ping"] = nullptr; break;
    case epm::ping_status::pinged: j["ping"] = "pinged"; break;
    case epm::ping_status::not_listening: j["ping"] = "not_listening"; break;
    }
    j["transfer_syntax"] = entry.transfer_syntax ? syntax_json(*entry.transfer_syntax) : ordered(nullptr);
    if (options.json_towers) j["tower"] = hex(entry.tower);
    return j;
}

} // namespace

std::string to_json_line(const epm::enumeration& e, const format_options& options)
{
    ordered j;
    j["schema"] = json_schema_version;
    j["target"] = e.target;
    j["address"] = e.address;
    j["port"] = e.port;
    j["status"] = std::string(epm::to_string(e.status));
    if (e.error)
    {
        ordered error;
        error["kind"] = e.error->kind;
        error["message"] = e.error->message;
        j["error"] = std::move(error);
    }
    j["elapsed_ms"] = rounded_ms(e.elapsed_ms);
    ordered entries = ordered::array();
    for (const auto& entry : e.entries)
        if (options.filter.matches(entry)) entries.push_back(entry_json(entry, options));
    j["entries"] = std::move(entries);
    if (e.origin)
    {
        const auto& o = *e.origin;
        ordered capture;
        capture["file"] = o.file;
        capture["client"] = o.client;
        capture["client_port"] = o.client_port;
        capture["server"] = o.server;
        capture["server_port"] = o.server_port;
        capture["first_timestamp"] = std::isfinite(o.first_timestamp) ? o.first_timestamp : 0.0;
        capture["last_timestamp"] = std::isfinite(o.last_timestamp) ? o.last_timestamp : 0.0;
        capture["frames"] = o.frames;
        capture["complete"] = o.complete;
        capture["encrypted"] = o.encrypted;
        j["capture"] = std::move(capture);
    }
    // ensure_ascii: the line is pure printable ASCII whatever the server sent (no raw ESC, DEL or
    // C1 byte reaches a terminal); replace: invalid UTF-8 becomes U+FFFD instead of an exception.
    return j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

void write_json_line(std::ostream& out, const epm::enumeration& e, const format_options& options)
{
    out << to_json_line(e, options) << '\n';
}

} // namespace epmdump::output
