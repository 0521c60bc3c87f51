#include <epmdump/session/status_text.hpp>
#include <epmdump/dcerpc/names.hpp>
#include <epmdump/epm/ept_status.hpp>

namespace epmdump::client {

namespace {

std::string named(std::string_view name, std::uint32_t value)
{
    if (name.empty()) return hex32(value);
    return std::string(name) + " (" + hex32(value) + ")";
}

} // namespace

std::string fault_status_text(std::uint32_t status) { return named(dcerpc::status_name(status), status); }

std::string ept_status_text(std::uint32_t status)
{
    auto name = epm::ept_status_name(status);
    return named(name.empty() ? dcerpc::status_name(status) : name, status);
}

std::string bind_nak_reason_text(std::uint16_t reason)
{
    const auto name = dcerpc::bind_nak_reason_name(reason);
    return name.empty() ? "reject reason " + std::to_string(reason) : std::string(name) + " (" + std::to_string(reason) + ")";
}

std::string provider_reason_text(std::uint16_t reason)
{
    const auto name = dcerpc::provider_reason_name(reason);
    return name.empty() ? "provider reason " + std::to_string(reason) : std::string(name) + " (" + std::to_string(reason) + ")";
}

std::string printable_excerpt(std::string_view bytes)
{
    std::string out;
    for (char c : bytes.substr(0, 32)) out += (c >= 0x20 && c < 0x7f) ? c : '.';
    return out;
}

} // namespace epmdump::client
