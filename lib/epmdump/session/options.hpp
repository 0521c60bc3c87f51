#pragma once
// What one host conversation may do and how long each step may take.
#include <epmdump/epm/auth_info.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace epmdump::smb2 {
class crypto_provider;
}

namespace epmdump::client {

class security_provider;

// How the endpoint mapper is reached.
enum class transport : std::uint8_t
{
    ncacn_ip_tcp, // plain connection-oriented DCE/RPC over TCP, port 135
    ncacn_http,   // RPC over HTTP v1: "ncacn_http/1.0" banner, then DCE/RPC ([MS-RPCH] 2.1.1), port 593
    ncacn_np,     // a named pipe over SMB 2/3 (\pipe\epmapper), port 445 (139: NetBIOS session first)
    automatic,    // ncacn_ip_tcp on 135, then ncacn_np on 445 when 135 does not answer
};

std::string_view to_string(transport t) noexcept;
std::optional<transport> parse_transport(std::string_view text) noexcept;
constexpr std::uint16_t default_port(transport t) noexcept
{
    return t == transport::ncacn_http ? 593 : t == transport::ncacn_np ? 445 : 135;
}
// The transport a port implies when none is asked for, as impacket's rpcdump -port decides:
// 593 ncacn_http, 445 and 139 ncacn_np; nullopt: ncacn_ip_tcp.
constexpr std::optional<transport> implied_transport(std::uint16_t port) noexcept
{
    if (port == 593) return transport::ncacn_http;
    if (port == 445 || port == 139) return transport::ncacn_np;
    return std::nullopt;
}
// The pipe the endpoint mapper listens on ([MS-RPCE] 2.1.1.2).
inline constexpr std::string_view epmapper_pipe = "\\pipe\\epmapper";

// Each phase has its own budget; the host deadline bounds all of them together.
struct timeouts
{
    using duration = std::chrono::milliseconds;
    duration resolve{5000};
    duration connect{3000};  // per resolved address
    duration banner{5000};
    duration bind{5000};
    duration call{10000};    // each ept_lookup / ept_map / handle free call
    duration host{30000};    // the whole conversation with one host, verification included
};

// Guards against a server that never ends the list.
struct lookup_limits
{
    std::uint32_t max_ents = 500;         // per ept_lookup call; MS-RPCE gives range(0,500)
    std::uint32_t max_pages = 10000;      // ept_lookup calls per host
    std::uint32_t max_entries = 100000;   // entries kept per host
    std::uint32_t max_repeated_pages = 2; // consecutive pages that repeat earlier ones (a cycle)
    std::uint32_t max_response = 4u << 20; // bytes of one reassembled response stub
};

struct client_options
{
    client::transport transport = transport::ncacn_ip_tcp;
    std::string pipe;                     // ncacn_np: the pipe to open; empty: epmapper_pipe
    client::timeouts timeouts{};
    lookup_limits limits{};
    std::uint16_t max_recv_frag = 5840;   // what we offer; Windows answers with 5840
    std::uint16_t max_xmit_frag = 5840;
    bool feature_negotiation = true;      // offer the bind-time feature negotiation context
    bool verify = false;                  // ping every ncacn_ip_tcp endpoint found (verify.hpp)
    std::size_t verify_concurrency = 8;   // ports probed at once per host
    // Authentication (issue #15). No provider: anonymous binds, as before.
    std::shared_ptr<const security_provider> security;
    epm::auth_level auth_level = epm::auth_level::privacy; // with a provider: the level every bind asks for
    // ncacn_np: authenticate the DCE/RPC bind inside the SMB session too (--auth-level given);
    // otherwise only the SMB session is, and the bind is anonymous (impacket's rpcdump -port 445).
    bool authenticate_pipe_bind = false;
    // ncacn_np: the primitives of SMB signing, encryption and the 3.1.1 preauth hash (smb2_openssl,
    // given by the application). Null: only SMB 2.x sessions the server lets run unsigned.
    std::shared_ptr<const smb2::crypto_provider> smb_crypto;
};

} // namespace epmdump::client
