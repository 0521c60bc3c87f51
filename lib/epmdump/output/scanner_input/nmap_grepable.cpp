// nmap -oG: "Host: ADDR (NAME)<TAB>Ports: 135/open/tcp//msrpc///, 445/closed/tcp//...<TAB>Ignored State: ..."
// (nmap's docs, "Grepable Output (-oG)"); "Status:" lines and "#" comments carry no port.
#include "records.hpp"

namespace epmdump::output::scanner_input::detail {

namespace {

error bad_grepable(line_place at, std::string detail) { return error{errc::bad_record, at.line, at.offset, std::move(detail)}; }

// The next piece of `text` up to `sep` (all of it when absent); `text` keeps the rest.
std::string_view take_until(std::string_view& text, std::string_view sep)
{
    const auto at = text.find(sep);
    const auto piece = text.substr(0, at);
    text = at == std::string_view::npos ? std::string_view{} : text.substr(at + sep.size());
    return piece;
}

} // namespace

std::optional<error> parse_grepable_line(std::string_view line, line_place at, std::span<const std::uint16_t> wanted,
                                         std::vector<open_port>& out)
{
    if (line.empty() || line.front() == '#') return std::nullopt;
    if (!line.starts_with("Host: "))
        return bad_grepable(at, "not a line of nmap grepable output (\"Host: \" or \"#\" expected; nmap -oN text is not read: use -oG or -oX)");
    std::string_view rest = line.substr(6);
    std::string_view host = take_until(rest, "\t");
    const std::string_view address = take_until(host, " ");
    if (!looks_like_address(address)) return bad_grepable(at, "the Host: field holds no IP address");
    while (!rest.empty())
    {
        std::string_view field = take_until(rest, "\t");
        if (!field.starts_with("Ports: ")) continue;
        field.remove_prefix(7);
        std::vector<std::uint16_t> open;
        while (!field.empty())
        {
            // PORT/STATE/PROTOCOL/OWNER/SERVICE/RPC_INFO/VERSION/
            std::string_view entry = take_until(field, ", ");
            const auto port = parse_port(take_until(entry, "/"));
            const auto state = take_until(entry, "/");
            const auto protocol = take_until(entry, "/");
            if (!port || state.empty() || protocol.empty())
                return bad_grepable(at, "a Ports: entry is not PORT/STATE/PROTOCOL/...");
            if (state == "open" && protocol == "tcp" && wanted_port(wanted, *port)) open.push_back(*port);
        }
        // The host's ports in the order asked for.
        for (const auto w : wanted)
            for (const auto p : open)
                if (p == w)
                {
                    out.push_back(open_port{std::string(address), p, at.line});
                    break;
                }
    }
    return std::nullopt;
}

} // namespace epmdump::output::scanner_input::detail
