// Reader of impacket rpcdump.py text (examples/rpcdump.py, and rpcdump-compat.py's variant).
#include <epmdump/output/reader.hpp>

#include "read_text.hpp"

namespace epmdump::output {

namespace {

using detail::make_error;

// "UUID    : 50ABC2A4-574D-40B3-9D66-EE4FD5FBA076 v5.0 dnsserver"
read_result<std::pair<epm::syntax_id, std::string>> parse_uuid_line(std::string_view t, std::size_t line)
{
    auto rest = detail::trim_left(t.substr(4));
    if (rest.empty() || rest.front() != ':') return make_error(read_errc::bad_line, line, "expected \"UUID    : \"");
    rest = detail::trim_left(rest.substr(1));
    const auto id = parse_uuid(rest.substr(0, 36));
    if (rest.size() < 36 || !id) return make_error(read_errc::bad_uuid, line, "interface UUID");
    rest.remove_prefix(36);
    if (!rest.starts_with(" v")) return make_error(read_errc::bad_line, line, "expected \" vMAJOR.MINOR\" after the UUID");
    rest.remove_prefix(2);
    const auto space = rest.find(' ');
    const auto version = rest.substr(0, space);
    const auto v = detail::parse_version(version);
    if (!v) return make_error(read_errc::bad_line, line, "interface version is not MAJOR.MINOR");
    epm::syntax_id s{*id, v->first, v->second};
    std::string annotation = space == std::string_view::npos ? std::string() : std::string(rest.substr(space + 1));
    return std::pair{s, std::move(annotation)};
}

// "ncacn_ip_tcp:10.200.1.2[49153]", "ncalrpc:[DEFAULT]", "ncacn_np:\\HOST[\pipe\x]" (epm.PrintStringBinding).
read_result<epm::binding> parse_binding(std::string_view t, std::size_t line)
{
    const auto colon = t.find(':');
    if (colon == std::string_view::npos || !detail::is_protseq_token(t.substr(0, colon)))
        return make_error(read_errc::bad_line, line, "binding is not PROTSEQ:HOST[ENDPOINT]");
    epm::binding b;
    b.protseq = std::string(t.substr(0, colon));
    const auto rest = t.substr(colon + 1);
    const auto open = rest.find('[');
    if (open == std::string_view::npos)
    {
        b.host = std::string(rest);
        return b;
    }
    if (rest.back() != ']') return make_error(read_errc::bad_line, line, "binding endpoint without its closing ']'");
    b.host = std::string(rest.substr(0, open));
    b.endpoint = std::string(rest.substr(open + 1, rest.size() - open - 2));
    return b;
}

enum class state
{
    top,      // between groups
    group,    // after Protocol:/Provider:, before UUID
    uuid,     // after UUID, before Bindings:
    bindings, // binding lines until a blank line
};

} // namespace

read_result<dump> read_impacket_text(std::string_view text)
{
    if (text.size() > max_dump_bytes) return make_error(read_errc::too_large, 0, "input over max_dump_bytes");
    dump d;
    d.detected = format::impacket;
    state st = state::top;
    bool structure_seen = false;
    std::size_t total = 0;
    epm::syntax_id interface{};
    std::string annotation;

    auto current = [&]() -> epm::enumeration& {
        if (d.enumerations.empty()) d.enumerations.emplace_back();
        return d.enumerations.back();
    };

    detail::line_splitter lines(text);
    std::string_view raw;
    while (lines.next(raw))
    {
        const std::size_t n = lines.number();
        const auto right = detail::trim_right(raw);
        const auto t = detail::trim_left(right);
        if (t.empty())
        {
            if (st == state::group || st == state::uuid)
                return make_error(read_errc::bad_line, n, "interface group ends before its bindings");
            st = state::top;
            continue;
        }
        const bool indented = t.size() != right.size();

        if (st == state::bindings && indented)
        {
            auto b = parse_binding(t, n);
            if (!b) return b.error();
            if (++total > max_dump_entries) return make_error(read_errc::too_large, n, "over max_dump_entries");
            epm::endpoint_entry entry;
            entry.interface = interface;
            entry.annotation = annotation;
            entry.where = std::move(*b);
            current().entries.push_back(std::move(entry));
            continue;
        }
        if (t.starts_with("Protocol:") || t.starts_with("Provider:"))
        {
            if (st == state::uuid) return make_error(read_errc::bad_line, n, "expected \"Bindings:\" after \"UUID\"");
            st = state::group;
            structure_seen = true;
            continue;
        }
        if (t.starts_with("UUID") && detail::trim_left(t.substr(4)).starts_with(":"))
        {
            auto u = parse_uuid_line(t, n);
            if (!u) return u.error();
            interface = u->first;
            annotation = std::move(u->second);
            st = state::uuid;
            structure_seen = true;
            continue;
        }
        if (t.starts_with("Bindings:"))
        {
            if (st != state::uuid) return make_error(read_errc::bad_line, n, "\"Bindings:\" without a \"UUID\" line");
            st = state::bindings;
            current();
            continue;
        }
        if (st == state::group || st == state::uuid)
            return make_error(read_errc::bad_line, n, "unexpected line inside an interface group");
        st = state::top;

        if (t.starts_with("[*] Retrieving endpoint list from "))
        {
            epm::enumeration e;
            e.target = std::string(detail::trim(t.substr(34)));
            e.address = e.target;
            d.enumerations.push_back(std::move(e));
            structure_seen = true;
            continue;
        }
        // Like "Protocol failed", it belongs to the open block, or opens one (a header written
        // for an empty target reads back trimmed, as no header).
        if (t.starts_with("[*] Transport: "))
        {
            // "[*] Transport: ncacn_np 445": the word, then the port.
            const auto words = detail::trim(t.substr(15));
            const auto space = words.rfind(' ');
            const auto port = space == std::string_view::npos ? std::nullopt : detail::parse_decimal(words.substr(space + 1));
            if (!port || *port > 65535) return make_error(read_errc::bad_line, n, "\"Transport:\" without a word and a port");
            current().transport = std::string(words.substr(0, space));
            current().port = static_cast<std::uint16_t>(*port);
            continue;
        }
        if (t.starts_with("[*] Authenticated: "))
        {
            auto a = parse_auth_text(detail::trim(t.substr(19)));
            if (!a) return make_error(read_errc::bad_line, n, "\"Authenticated:\" without a type and a level");
            current().auth = std::move(a);
            continue;
        }
        if (t.starts_with("[-] Protocol failed: "))
        {
            auto& e = current();
            e.fail(detail::split_error(t.substr(21)));
            structure_seen = true;
            continue;
        }
        if (t.starts_with("[*] Received ") || t.starts_with("[*] No endpoints found"))
        {
            std::size_t announced = 0;
            if (t == "[*] Received one endpoint.")
                announced = 1;
            else if (t.starts_with("[*] Received "))
            {
                const auto number = t.substr(13, t.find(' ', 13) - 13);
                announced = static_cast<std::size_t>(detail::parse_decimal(number).value_or(0));
            }
            const auto have = current().entries.size();
            if (have != announced)
                detail::add_warning(d, n, "announces " + std::to_string(announced) + " endpoints, " +
                                              std::to_string(have) + " bindings were read");
            else
                ++d.skipped_lines;
            structure_seen = true;
            continue;
        }
        if (t.starts_with("Impacket v") || (t.size() >= 3 && t[0] == '[' && t[2] == ']'))
        {
            ++d.skipped_lines; // banner and other log lines ("[*] ept_lookup calls ...")
            continue;
        }
        detail::add_warning(d, n, t);
    }
    if (st == state::group || st == state::uuid)
        return make_error(read_errc::bad_line, lines.number(), "input ends inside an interface group");
    if (!structure_seen) return make_error(read_errc::unknown_format, 0, "no impacket rpcdump.py line found");
    return d;
}

} // namespace epmdump::output
