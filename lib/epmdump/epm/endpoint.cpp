#include <epmdump/epm/endpoint.hpp>
#include <epmdump/epm/entry_view.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <charconv>

namespace epmdump::epm {

std::string to_string(const binding& b)
{
    std::string text;
    append_binding(text, b);
    return text;
}

void append_binding(std::string& out, const binding& b) { append_binding(out, binding_view{b.protseq, b.host, b.endpoint}); }

std::optional<std::uint16_t> port_of(const endpoint_entry& e) noexcept
{
    const auto& ep = e.where.endpoint;
    std::uint16_t port = 0;
    auto [end, ec] = std::from_chars(ep.data(), ep.data() + ep.size(), port);
    if (ec != std::errc{} || end != ep.data() + ep.size() || ep.empty()) return std::nullopt;
    return port;
}

std::string_view to_string(ping_status p) noexcept
{
    switch (p)
    {
    case ping_status::not_pinged: return "not_pinged";
    case ping_status::pinged: return "pinged";
    case ping_status::not_listening: return "not_listening";
    case ping_status::wrong_interface: return "wrong_interface";
    case ping_status::not_rpc: return "not_rpc";
    }
    return "not_pinged";
}

std::optional<ping_status> ping_status_from_string(std::string_view word) noexcept
{
    for (auto p : {ping_status::not_pinged, ping_status::pinged, ping_status::not_listening,
                   ping_status::wrong_interface, ping_status::not_rpc})
        if (to_string(p) == word) return p;
    return std::nullopt;
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
