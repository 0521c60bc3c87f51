#include <epmdump/client/target_resume.hpp>
#include <epmdump/client/detail/input_file.hpp>
#include <epmdump/client/target_list.hpp>

#include <epmdump/output/reader.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

namespace epmdump::client {

namespace {

constexpr int max_record_depth = 16; // our records nest 4 deep; deeper values are dropped while parsing

} // namespace

std::string done_targets::key(std::string_view name, std::uint16_t port)
{
    std::string k(name);
    k += '\n';
    k += std::to_string(port);
    return k;
}

bool done_targets::add_record(std::string_view line, std::string& error)
{
    using nlohmann::json;
    const json::parser_callback_t depth_limit = [](int depth, json::parse_event_t, json&) {
        return depth <= max_record_depth;
    };
    const json j = json::parse(line, depth_limit, false);
    if (j.is_discarded() || !j.is_object())
    {
        error = "not a JSON object";
        return false;
    }
    const auto target = j.find("target");
    const auto port = j.find("port");
    if (target == j.end() || !target->is_string() || port == j.end() || !port->is_number_unsigned() ||
        port->get<std::uint64_t>() > 65535)
    {
        error = "not a scan record (no string \"target\" and port number)";
        return false;
    }
    // A host stopped in flight was not scanned: the resumed run must try it again.
    if (const auto e = j.find("error"); e != j.end() && e->is_object())
        if (const auto kind = e->find("kind"); kind != e->end() && kind->is_string() && *kind == "cancelled") return true;
    const auto& name = target->get_ref<const std::string&>();
    keys_.insert(key(name, static_cast<std::uint16_t>(port->get<std::uint64_t>())));
    names_.insert(name);
    return true;
}

bool done_targets::add_file(const std::string& path, std::string& error)
{
    std::ifstream in;
    if (const auto why = detail::open_input_file(path, in); !why.empty())
    {
        error = "cannot read --resume file " + quote_word(path) + ": " + why;
        return false;
    }
    try
    {
        std::string line;
        std::size_t number = 0;
        for (;;)
        {
            line.clear();
            bool newline = false;
            int c = 0;
            while ((c = in.rdbuf()->sbumpc()) != std::char_traits<char>::eof())
            {
                if (c == '\n')
                {
                    newline = true;
                    break;
                }
                if (line.size() >= output::max_json_line_bytes)
                {
                    error = "--resume file " + quote_word(path) + ": line " + std::to_string(number + 1) + " is longer than " +
                            std::to_string(output::max_json_line_bytes) + " bytes (not epmdump JSON Lines?)";
                    return false;
                }
                line += static_cast<char>(c);
            }
            if (!newline && line.empty()) return true;
            ++number;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.find_first_not_of(" \t") == std::string::npos) continue;
            std::string why;
            if (add_record(line, why)) continue;
            if (!newline) return true; // the record the interrupted writer was cutting: not done
            error = "--resume file " + quote_word(path) + ": line " + std::to_string(number) + ": " + why +
                    " (give the JSON Lines output of a scan, -f json)";
            return false;
        }
    }
    catch (const std::ios_base::failure&)
    {
        error = "cannot read --resume file " + quote_word(path) + ": " + detail::read_failure_reason();
        return false;
    }
}

bool done_targets::contains(const target& t) const
{
    if (t.port == 0) return names_.contains(t.name());
    return keys_.contains(key(t.name(), t.port));
}

} // namespace epmdump::client
