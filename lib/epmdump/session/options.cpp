#include <epmdump/session/options.hpp>

namespace epmdump::client {

std::string_view to_string(transport t) noexcept
{
    switch (t)
    {
    case transport::ncacn_ip_tcp: return "ncacn_ip_tcp";
    case transport::ncacn_http: return "ncacn_http";
    case transport::ncacn_np: return "ncacn_np";
    case transport::automatic: return "auto";
    }
    return "ncacn_ip_tcp";
}

std::optional<transport> parse_transport(std::string_view text) noexcept
{
    if (text == "ncacn_ip_tcp" || text == "tcp") return transport::ncacn_ip_tcp;
    if (text == "ncacn_http" || text == "http") return transport::ncacn_http;
    if (text == "ncacn_np" || text == "smb" || text == "np") return transport::ncacn_np;
    if (text == "auto") return transport::automatic;
    return std::nullopt;
}

} // namespace epmdump::client
