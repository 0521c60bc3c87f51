#pragma once
// Hexadecimal text: the one digit table behind towers' unknown floors, context handles,
// status codes and escapes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace epmdump {

// The digit for the low four bits of nibble: lower case unless upper.
constexpr char hex_digit(unsigned nibble, bool upper = false) noexcept
{
    return (upper ? "0123456789ABCDEF" : "0123456789abcdef")[nibble & 0x0F];
}

// The value of one hex digit (either case), -1 when c is not one.
constexpr int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Two digits per byte, no separators, appended to out.
void append_hex(std::string& out, std::span<const std::byte> bytes, bool upper = false);
std::string to_hex(std::span<const std::byte> bytes, bool upper = false);

// The low `digits` hex digits of value, most significant first, leading zeros kept.
void append_hex_number(std::string& out, std::uint64_t value, unsigned digits);

// "0x16c9a0d6": a 32-bit status code as Windows tools print it.
std::string hex32(std::uint32_t value);

} // namespace epmdump
