#pragma once
// Socket tables as admins paste them: Windows "netstat -an" / "-ano" / "-anob", and on Linux
// "ss -ltn[p]" and "netstat -ltn[p]". Only what a port-conflict diagnosis needs is kept.
#include <epmdump/exchange/input_error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::exchange {

enum class netstat_format : std::uint8_t
{
    windows,       // Proto  Local Address  Foreign Address  State  [PID]
    linux_netstat, // Proto Recv-Q Send-Q Local Address Foreign Address State [PID/Program name]
    linux_ss,      // [Netid] State Recv-Q Send-Q Local Address:Port Peer Address:Port [Process]
};

std::string_view to_string(netstat_format f) noexcept;

struct socket_entry
{
    std::string protocol;      // "tcp" or "udp" (tcp6/udp6 folded in; the address says which)
    std::string local_address; // "0.0.0.0", "[::]", "::", "*", "10.0.100.32"
    std::uint16_t local_port = 0;
    std::string state;         // as printed ("LISTENING", "LISTEN", "ESTABLISHED", "" for UDP)
    bool listening = false;
    std::optional<std::uint32_t> pid;
    std::string process;       // "store.exe" (-anob), "sshd" (ss -p / netstat -p), or ""
    std::size_t line = 0;
};

struct netstat_snapshot
{
    netstat_format format = netstat_format::windows;
    bool has_pids = false;
    std::vector<socket_entry> sockets;

    // TCP sockets listening on this port, any local address.
    std::vector<const socket_entry*> tcp_listeners(std::uint32_t port) const;
};

// Fails when no line looks like a socket table row and no header is present either.
input_result<netstat_snapshot> parse_netstat(std::string_view utf8);

} // namespace epmdump::exchange
