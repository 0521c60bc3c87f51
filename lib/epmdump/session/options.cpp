#include <epmdump/session/options.hpp>

namespace epmdump::client {

std::string_view to_string(transport t) noexcept
{
    return t == transport::ncacn_http ? "ncacn_http" : "ncacn_ip_tcp";
}

std::optional<transport> parse_transport(std::string_view text) noexcept
{
    if (text == "ncacn_ip_tcp" || text == "tcp") return transport::ncacn_ip_tcp;
    if (text == "ncacn_http" || text == "http") return transport::ncacn_http;
    return std::nullopt;
}

} // namespace epmdump::client
