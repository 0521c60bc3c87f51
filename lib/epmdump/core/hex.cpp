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

void append_hex_number(std::string& out, std::uint64_t value, unsigned digits)
{
    for (unsigned i = digits; i-- > 0;) out += hex_digit(static_cast<unsigned>(value >> (4 * i)));
}

std::string hex32(std::uint32_t value)
{
    std::string s = "0x";
    append_hex_number(s, value, 8);
    return s;
}

} // namespace epmdump
