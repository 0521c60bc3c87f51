#include <epmdump/exchange/netstat.hpp>
#include <epmdump/exchange/detail/text.hpp>

namespace epmdump::exchange {

namespace {

using detail::fields;

struct address
{
    std::string host;
    std::uint16_t port = 0;
};

// "0.0.0.0:135", "[::]:135", ":::22", "*:80", "127.0.0.53%lo:53": the port follows the last ':'.
std::optional<address> split_address(std::string_view text)
{
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto port = detail::parse_number<std::uint16_t>(text.substr(colon + 1));
    if (!port) return std::nullopt;
    return address{std::string(text.substr(0, colon)), *port};
}

bool is_number(std::string_view s) { return detail::parse_number<std::uint64_t>(s).has_value(); }

bool is_ss_state(std::string_view s)
{
    for (auto state : {"LISTEN", "ESTAB", "UNCONN", "TIME-WAIT", "CLOSE-WAIT", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
                       "FIN-WAIT-2", "LAST-ACK", "CLOSING", "CLOSED"})
        if (s == state) return true;
    return false;
}

std::string fold_protocol(std::string_view p)
{
    std::string out;
    for (char c : p) out += detail::ascii_lower(c);
    if (out == "tcp6") return "tcp";
    if (out == "udp6") return "udp";
    return out;
}

// ss -p: users:(("sshd",pid=612,fd=3)) -> pid 612, "sshd".
void read_ss_process(std::string_view text, socket_entry& s)
{
    const auto q1 = text.find("((\"");
    if (q1 != std::string_view::npos)
    {
        const auto q2 = text.find('"', q1 + 3);
        if (q2 != std::string_view::npos) s.process = std::string(text.substr(q1 + 3, q2 - q1 - 3));
    }
    const auto p = text.find("pid=");
    if (p == std::string_view::npos) return;
    auto end = text.find_first_not_of("0123456789", p + 4);
    s.pid = detail::parse_number<std::uint32_t>(text.substr(p + 4, end == std::string_view::npos ? end : end - p - 4));
}

// netstat -p: "612/sshd" or "-".
void read_slash_process(std::string_view text, socket_entry& s)
{
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) return;
    s.pid = detail::parse_number<std::uint32_t>(text.substr(0, slash));
    auto name = text.substr(slash + 1);
    if (!name.empty() && name.back() == ':') name.remove_suffix(1); // "sshd: /usr/sbin" is cut at the space
    s.process = std::string(name);
}

std::optional<socket_entry> windows_row(const std::vector<std::string_view>& f)
{
    if (f.size() < 3 || (f[0] != "TCP" && f[0] != "UDP")) return std::nullopt;
    auto local = split_address(f[1]);
    if (!local) return std::nullopt;
    socket_entry s;
    s.protocol = fold_protocol(f[0]);
    s.local_address = local->host;
    s.local_port = local->port;
    std::size_t next = 3;
    if (s.protocol == "tcp" && f.size() > 3 && !is_number(f[3]))
    {
        s.state = std::string(f[3]);
        next = 4;
    }
    if (f.size() > next) s.pid = detail::parse_number<std::uint32_t>(f[next]);
    // State names are localised ("ABHÖREN"); a TCP socket whose peer is all zeros listens.
    const bool zero_peer = f[2] == "0.0.0.0:0" || f[2] == "[::]:0" || f[2] == "*:*";
    s.listening = s.protocol == "tcp" && (s.state == "LISTENING" || zero_peer);
    return s;
}

std::optional<socket_entry> linux_netstat_row(const std::vector<std::string_view>& f)
{
    if (f.size() < 5) return std::nullopt;
    const auto proto = fold_protocol(f[0]);
    if ((proto != "tcp" && proto != "udp") || !is_number(f[1]) || !is_number(f[2])) return std::nullopt;
    auto local = split_address(f[3]);
    if (!local) return std::nullopt;
    socket_entry s;
    s.protocol = proto;
    s.local_address = local->host;
    s.local_port = local->port;
    std::size_t next = 5;
    if (proto == "tcp" && f.size() > 5)
    {
        s.state = std::string(f[5]);
        next = 6;
    }
    if (f.size() > next) read_slash_process(f[next], s);
    s.listening = s.state == "LISTEN";
    return s;
}

std::optional<socket_entry> ss_row(std::vector<std::string_view> f)
{
    std::string proto = "tcp";
    if (f.size() >= 2 && (f[0] == "tcp" || f[0] == "udp") && is_ss_state(f[1]))
    {
        proto = std::string(f[0]);
        f.erase(f.begin());
    }
    if (f.size() < 5 || !is_ss_state(f[0]) || !is_number(f[1]) || !is_number(f[2])) return std::nullopt;
    auto local = split_address(f[3]);
    if (!local) return std::nullopt;
    socket_entry s;
    s.protocol = proto;
    s.local_address = local->host;
    s.local_port = local->port;
    s.state = std::string(f[0]);
    s.listening = proto == "tcp" && s.state == "LISTEN";
    if (f.size() > 5) read_ss_process(f[5], s);
    return s;
}

} // namespace

std::string_view to_string(netstat_format f) noexcept
{
    switch (f)
    {
    case netstat_format::windows: return "windows netstat";
    case netstat_format::linux_netstat: return "linux netstat";
    case netstat_format::linux_ss: return "ss";
    }
    return "?";
}

std::vector<const socket_entry*> netstat_snapshot::tcp_listeners(std::uint32_t port) const
{
    std::vector<const socket_entry*> out;
    for (const auto& s : sockets)
        if (s.listening && s.protocol == "tcp" && s.local_port == port) out.push_back(&s);
    return out;
}

input_result<netstat_snapshot> parse_netstat(std::string_view utf8)
{
    netstat_snapshot snap;
    std::optional<netstat_format> format;
    bool header = false;
    const auto lines = detail::split_lines(utf8);
    for (std::size_t i = 0; i < lines.size(); ++i)
    {
        const auto line = detail::trim(lines[i]);
        const auto f = fields(line);
        if (f.empty()) continue;
        if (f[0] == "Proto" || f[0] == "State" || f[0] == "Netid" || line.rfind("Active ", 0) == 0)
        {
            header = true;
            continue;
        }
        // netstat -anob names the owner on the lines after the socket: " RpcSs" then "[svchost.exe]".
        if (line.size() > 2 && line.front() == '[' && line.back() == ']' && !snap.sockets.empty() &&
            format == netstat_format::windows)
        {
            snap.sockets.back().process = std::string(line.substr(1, line.size() - 2));
            continue;
        }
        std::optional<socket_entry> row;
        netstat_format row_format{};
        if ((row = windows_row(f)))
            row_format = netstat_format::windows;
        else if ((row = linux_netstat_row(f)))
            row_format = netstat_format::linux_netstat;
        else if ((row = ss_row(f)))
            row_format = netstat_format::linux_ss;
        if (!row) continue; // owner lines, "Can not obtain ownership information", blank headers
        if (!format) format = row_format;
        row->line = i + 1;
        if (row->pid) snap.has_pids = true;
        snap.sockets.push_back(std::move(*row));
    }
    if (!format && !header) return input_error{0, "no netstat or ss socket table found"};
    snap.format = format.value_or(netstat_format::windows);
    return snap;
}

} // namespace epmdump::exchange
