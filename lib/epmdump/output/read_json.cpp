// Reader of our own JSON Lines (SCHEMA.md).
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>

#include "read_text.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace epmdump::output {

namespace {

using nlohmann::json;
using detail::make_error;

constexpr int max_json_depth = 16; // our schema nests 4 deep; deeper values are dropped while parsing

std::string quoted(const char* key) { return std::string("\"") + key + '"'; }

// Field access that never throws: each getter records the first problem and returns a default.
class fields
{
public:
    fields(std::size_t line) : line_(line) {}

    const json* find(const json& object, const char* key, bool required)
    {
        const auto it = object.find(key);
        if (it == object.end() || (it->is_null() && required))
        {
            if (required) fail("missing " + quoted(key));
            return nullptr;
        }
        return &*it;
    }

    std::string string(const json& object, const char* key, bool required = true)
    {
        const json* v = find(object, key, required);
        if (!v || v->is_null()) return {};
        if (!v->is_string())
        {
            fail(quoted(key) + " is not a string");
            return {};
        }
        return v->get_ref<const std::string&>();
    }

    std::uint64_t unsigned_number(const json& object, const char* key, std::uint64_t max, bool required = true)
    {
        const json* v = find(object, key, required);
        if (!v) return 0;
        if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<std::int64_t>() >= 0))
        {
            fail(quoted(key) + " is not a non-negative integer");
            return 0;
        }
        const auto value = v->get<std::uint64_t>();
        if (value > max) fail(quoted(key) + " is out of range");
        return value;
    }

    double number(const json& object, const char* key, bool required = true)
    {
        const json* v = find(object, key, required);
        if (!v) return 0;
        if (!v->is_number())
        {
            fail(quoted(key) + " is not a number");
            return 0;
        }
        return v->get<double>();
    }

    bool boolean(const json& object, const char* key)
    {
        const json* v = find(object, key, true);
        if (!v) return false;
        if (!v->is_boolean())
        {
            fail(quoted(key) + " is not true or false");
            return false;
        }
        return v->get<bool>();
    }

    uuid id(const json& object, const char* key)
    {
        const auto text = string(object, key);
        if (!error_)
        {
            if (auto value = parse_uuid(text)) return *value;
            error_ = make_error(read_errc::bad_uuid, line_, quoted(key) + " is not a UUID");
        }
        return {};
    }

    epm::syntax_id syntax(const json& object)
    {
        epm::syntax_id s;
        s.id = id(object, "uuid");
        const auto version = string(object, "version");
        if (const auto v = detail::parse_version(version))
        {
            s.major = v->first;
            s.minor = v->second;
        }
        else if (!error_)
            fail("\"version\" is not \"MAJOR.MINOR\"");
        return s;
    }

    void fail(std::string detail)
    {
        if (!error_) error_ = make_error(read_errc::bad_field, line_, std::move(detail));
    }

    const std::optional<read_error>& error() const { return error_; }

private:
    std::size_t line_;
    std::optional<read_error> error_;
};

std::optional<std::vector<std::byte>> from_hex(std::string_view text)
{
    if (text.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::vector<std::byte> bytes;
    bytes.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2)
    {
        const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        bytes.push_back(static_cast<std::byte>(hi * 16 + lo));
    }
    return bytes;
}

epm::endpoint_entry read_entry(const json& j, fields& f)
{
    epm::endpoint_entry e;
    if (!j.is_object())
    {
        f.fail("an entry is not an object");
        return e;
    }
    e.object = f.id(j, "object");
    if (const json* interface = f.find(j, "interface", true))
    {
        if (interface->is_object())
            e.interface = f.syntax(*interface);
        else
            f.fail("\"interface\" is not an object");
    }
    e.annotation = f.string(j, "annotation");
    e.where.protseq = f.string(j, "protseq");
    e.where.host = f.string(j, "host");
    e.where.endpoint = f.string(j, "endpoint");
    if (const json* ping = f.find(j, "ping", false); ping && !ping->is_null())
    {
        const auto word = ping->is_string() ? epm::ping_status_from_string(ping->get_ref<const std::string&>()) : std::nullopt;
        if (word)
            e.ping = *word;
        else
            f.fail("\"ping\" is not null, \"pinged\", \"not_listening\", \"wrong_interface\" or \"not_rpc\"");
    }
    if (const json* ts = f.find(j, "transfer_syntax", false); ts && !ts->is_null())
    {
        if (ts->is_object())
            e.transfer_syntax = f.syntax(*ts);
        else
            f.fail("\"transfer_syntax\" is not an object");
    }
    if (j.contains("tower"))
    {
        auto bytes = from_hex(f.string(j, "tower"));
        if (bytes)
            e.tower = std::move(*bytes);
        else
            f.fail("\"tower\" is not hex");
    }
    return e;
}

read_result<epm::enumeration> read_object(const json& j, std::size_t line, std::size_t& total)
{
    fields f(line);
    epm::enumeration e;
    if (j.contains("schema"))
    {
        const auto schema = f.unsigned_number(j, "schema", std::numeric_limits<std::uint32_t>::max());
        if (!f.error() && schema > static_cast<std::uint64_t>(json_schema_version))
            f.fail("schema " + std::to_string(schema) + " is newer than this reader");
    }
    e.target = f.string(j, "target");
    e.address = f.string(j, "address");
    e.port = static_cast<std::uint16_t>(f.unsigned_number(j, "port", 65535));
    if (const json* t = f.find(j, "transport", false); t && t->is_string()) e.transport = t->get<std::string>();
    const auto status = f.string(j, "status");
    if (status == "ok")
        e.status = epm::enumeration_status::ok;
    else if (status == "incomplete")
        e.status = epm::enumeration_status::incomplete;
    else if (status == "error")
        e.status = epm::enumeration_status::error;
    else
        f.fail("\"status\" is not \"ok\", \"incomplete\" or \"error\"");
    if (const json* error = f.find(j, "error", false); error && !error->is_null())
    {
        if (error->is_object())
        {
            e.error = detail::error_of(f.string(*error, "kind"), f.string(*error, "message"));
            if (const json* reason = f.find(*error, "reason", false); reason && !reason->is_null())
            {
                const auto r = reason->is_string() ? parse_auth_reason(reason->get_ref<const std::string&>()) : std::nullopt;
                if (r) e.error->reason = r;
                else if (!reason->is_string()) f.fail("\"error.reason\" is not a string");
            }
        }
        else
            f.fail("\"error\" is not an object");
    }
    e.elapsed_ms = f.number(j, "elapsed_ms", false);
    if (const json* entries = f.find(j, "entries", true))
    {
        if (!entries->is_array()) f.fail("\"entries\" is not an array");
        else
        {
            total += entries->size();
            if (total > max_dump_entries) return make_error(read_errc::too_large, line, "over max_dump_entries");
            e.entries.reserve(entries->size());
            for (const auto& entry : *entries)
            {
                e.entries.push_back(read_entry(entry, f));
                if (f.error()) break;
            }
        }
    }
    if (const json* auth = f.find(j, "auth", false); auth && !auth->is_null())
    {
        if (!auth->is_object()) f.fail("\"auth\" is not an object");
        else
        {
            const auto type = f.string(*auth, "type");
            const auto level = f.string(*auth, "level");
            auto a = parse_auth_text(type + ' ' + level);
            if (!a || type.find(' ') != std::string::npos) f.fail("\"auth\" has a type or level this reader does not know");
            else
            {
                if (const json* p = f.find(*auth, "principal", false); p && p->is_string()) a->principal = p->get<std::string>();
                if (const json* m = f.find(*auth, "mechanism", false); m && m->is_string())
                    a->mechanism = epm::parse_auth_type(m->get<std::string>()).value_or(epm::auth_type::none);
                e.auth = std::move(a);
            }
        }
    }
    if (const json* capture = f.find(j, "capture", false); capture && !capture->is_null())
    {
        if (!capture->is_object()) f.fail("\"capture\" is not an object");
        else
        {
            epm::capture_origin o;
            o.file = f.string(*capture, "file");
            o.client = f.string(*capture, "client");
            o.client_port = static_cast<std::uint16_t>(f.unsigned_number(*capture, "client_port", 65535));
            o.server = f.string(*capture, "server");
            o.server_port = static_cast<std::uint16_t>(f.unsigned_number(*capture, "server_port", 65535));
            o.first_timestamp = f.number(*capture, "first_timestamp");
            o.last_timestamp = f.number(*capture, "last_timestamp");
            o.frames = f.unsigned_number(*capture, "frames", std::numeric_limits<std::uint64_t>::max());
            o.complete = f.boolean(*capture, "complete");
            o.encrypted = f.boolean(*capture, "encrypted");
            // Named-pipe conversations only: absent for TCP ones.
            if (const json* t = f.find(*capture, "transport", false); t && t->is_string())
            {
                o.transport = t->get<std::string>();
                o.pipe = f.string(*capture, "pipe");
            }
            e.origin = std::move(o);
        }
    }
    if (f.error()) return *f.error();
    return e;
}

} // namespace

read_result<dump> read_json_lines(std::string_view text)
{
    if (text.size() > max_dump_bytes) return make_error(read_errc::too_large, 0, "input over max_dump_bytes");
    dump d;
    d.detected = format::json;
    std::size_t total = 0;
    detail::line_splitter lines(text);
    std::string_view raw;
    while (lines.next(raw))
    {
        const std::size_t n = lines.number();
        const auto t = detail::trim(raw);
        if (t.empty()) continue;
        if (t.size() > max_json_line_bytes) return make_error(read_errc::too_large, n, "line over max_json_line_bytes");
        if (t.front() != '{') return make_error(read_errc::bad_json, n, "line does not start a JSON object");
        try
        {
            const json::parser_callback_t depth_limit = [](int depth, json::parse_event_t, json&) {
                return depth <= max_json_depth;
            };
            const json j = json::parse(t, depth_limit, false);
            if (j.is_discarded() || !j.is_object())
                return make_error(read_errc::bad_json, n, "not one JSON object");
            auto e = read_object(j, n, total);
            if (!e) return e.error();
            d.enumerations.push_back(std::move(*e));
        }
        catch (const std::exception& ex)
        {
            // nlohmann only throws here on allocation failure or a bug of ours: report, never propagate.
            return make_error(read_errc::bad_json, n, ex.what());
        }
    }
    if (d.enumerations.empty()) return make_error(read_errc::unknown_format, 0, "no JSON object found");
    return d;
}

} // namespace epmdump::output
