#pragma once
// An IPv4 or IPv6 address as a capture carries it; no sockets, so no Asio types.
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace epmdump::capture {

struct ip_address
{
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{}; // IPv4 uses the first 4, network order

    static ip_address from_v4(std::span<const std::byte, 4> raw) noexcept;
    static ip_address from_v6(std::span<const std::byte, 16> raw) noexcept;

    friend auto operator<=>(const ip_address&, const ip_address&) = default;
};

// "192.168.0.2"; IPv6 in the RFC 5952 canonical form ("2001:db8::1", "::ffff:10.0.0.1").
std::string to_string(const ip_address& a);

} // namespace epmdump::capture
