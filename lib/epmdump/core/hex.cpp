#include <epmdump/core/hex.hpp>

namespace epmdump {

void append_hex(std::string& out, std::span<const std::byte> bytes, bool upper)
{
    out.reserve(out.size() + 2 * bytes.size());
    for (auto b : bytes)
    {
        const auto v = std::to_integer<unsigned>(b);
        out += hex_digit(v >> 4, upper);
        out += hex_digit(v, upper);
    }
}

std::string to_hex(std::span<const std::byte> bytes, bool upper)
{
    std::string s;
    append_hex(s, bytes, upper);
    return s;
}

std::string hex32(std::uint32_t value)
{
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) s += hex_digit(value >> shift);
    return s;
}

} // namespace epmdump
