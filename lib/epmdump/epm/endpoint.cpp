#include <epmdump/epm/endpoint.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <charconv>

namespace epmdump::epm {

std::string to_string(const binding& b)
{
    std::string text = b.protseq;
    text += ':';
    text += b.host;
    text += '[';
    text += b.endpoint;
    text += ']';
    return text;
}

std::optional<std::uint16_t> port_of(const endpoint_entry& e) noexcept
{
    const auto& ep = e.where.endpoint;
    std::uint16_t port = 0;
    auto [end, ec] = std::from_chars(ep.data(), ep.data() + ep.size(), port);
    if (ec != std::errc{} || end != ep.data() + ep.size() || ep.empty()) return std::nullopt;
    return port;
}

std::string_view to_string(enumeration_status s) noexcept
{
    switch (s)
    {
    case enumeration_status::ok: return "ok";
    case enumeration_status::incomplete: return "incomplete";
    case enumeration_status::error: return "error";
    }
    return "error";
}

} // namespace epmdump::epm
