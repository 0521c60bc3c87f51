// masscan -oL ("open tcp 135 192.0.2.1 1733400000"; "#masscan" and "# end" around) and -oJ (one
// object per line, "[" before, "]" after, "," lines between; -oD the same without them): as masscan 1.3 writes them.
#include "records.hpp"

#include <nlohmann/json.hpp>

namespace epmdump::output::scanner_input::detail {

namespace {

error bad_masscan(line_place at, std::string detail) { return error{errc::bad_record, at.line, at.offset, std::move(detail)}; }

std::string_view trim_blanks(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string_view next_word(std::string_view& s)
{
    s = trim_blanks(s);
    const auto end = s.find_first_of(" \t");
    const auto word = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
    return word;
}

constexpr int max_masscan_depth = 8; // masscan's objects nest 3 deep (banners 4)

} // namespace

std::optional<error> parse_masscan_list_line(std::string_view line, line_place at, std::span<const std::uint16_t> wanted,
                                             std::vector<open_port>& out)
{
    line = trim_blanks(line);
    if (line.empty() || line.front() == '#') return std::nullopt;
    const auto status = next_word(line);
    const auto protocol = next_word(line);
    const auto port = parse_port(next_word(line));
    const auto address = next_word(line);
    if (status.empty() || protocol.empty() || !port || !looks_like_address(address))
        return bad_masscan(at, "not a line of masscan list output (STATUS PROTOCOL PORT ADDRESS TIME expected)");
    // "banner" lines (--banners) and closed ports (--show closed) name no open port.
    if (status == "open" && protocol == "tcp" && wanted_port(wanted, *port))
        out.push_back(open_port{std::string(address), *port, at.line});
    return std::nullopt;
}

std::optional<error> parse_masscan_json_line(std::string_view line, line_place at, std::span<const std::uint16_t> wanted,
                                             json_state& state, std::vector<open_port>& out)
{
    line = trim_blanks(line);
    if (line.empty() || line == ",") return std::nullopt;
    if (state.closed) return bad_masscan(at, "text after the closing \"]\" of masscan JSON output");
    if (line == "[")
    {
        if (state.opened) return bad_masscan(at, "a second \"[\" in masscan JSON output");
        state.opened = true;
        return std::nullopt;
    }
    if (line == "]")
    {
        if (!state.opened) return bad_masscan(at, "a \"]\" without its \"[\" in masscan JSON output");
        state.closed = true;
        return std::nullopt;
    }
    if (line.front() == ',') line = trim_blanks(line.substr(1)); // masscan 1.0 put the comma first
    if (!line.empty() && line.back() == ',') line = trim_blanks(line.substr(0, line.size() - 1));
    // Values nested deeper than masscan writes are dropped while parsing: the depth stays bounded.
    const auto keep = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) { return depth <= max_masscan_depth; };
    const auto object = nlohmann::json::parse(line.begin(), line.end(), keep, false);
    if (object.is_discarded() || !object.is_object())
        return bad_masscan(at, "not a line of masscan JSON output (one {\"ip\": ..., \"ports\": [...]} object per line expected)");
    const auto ip = object.find("ip");
    const auto ports = object.find("ports");
    if (ip == object.end() || !ip->is_string() || ports == object.end() || !ports->is_array())
        return bad_masscan(at, "a masscan JSON object without \"ip\" (a string) and \"ports\" (an array)");
    const auto& address = ip->get_ref<const std::string&>();
    if (!looks_like_address(address)) return bad_masscan(at, "\"ip\" is not an IP address");
    for (const auto& p : *ports)
    {
        if (!p.is_object()) return bad_masscan(at, "a \"ports\" element is not an object");
        const auto number = p.find("port");
        if (number == p.end() || !number->is_number_unsigned() || number->get<std::uint64_t>() == 0 ||
            number->get<std::uint64_t>() > 65535)
            return bad_masscan(at, "a \"ports\" element without a \"port\" number 1-65535");
        const auto port = static_cast<std::uint16_t>(number->get<std::uint64_t>());
        const auto proto = p.find("proto");
        const auto status = p.find("status");
        // Banner objects (--banners) carry "service" and no "status".
        if (proto != p.end() && proto->is_string() && *proto == "tcp" && status != p.end() && status->is_string() &&
            *status == "open" && wanted_port(wanted, port))
            out.push_back(open_port{address, port, at.line});
    }
    return std::nullopt;
}

std::optional<error> finish_masscan_json(const json_state& state, line_place at)
{
    // Without "[" it is masscan's ndjson (-oD): one object per line and no brackets.
    if (state.opened && !state.closed)
        return error{errc::truncated, at.line, at.offset,
                     "masscan JSON output ends before its closing \"]\" (an interrupted or unfinished scan?)"};
    return std::nullopt;
}

} // namespace epmdump::output::scanner_input::detail
