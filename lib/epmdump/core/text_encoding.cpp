#include <epmdump/core/text_encoding.hpp>
#include <epmdump/core/byte_order.hpp>

#include <cstdint>

namespace epmdump {

namespace {

void append_utf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80)
        out += static_cast<char>(cp);
    else if (cp < 0x800)
    {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    else if (cp < 0x10000)
    {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    else
    {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string from_utf16(std::span<const std::byte> bytes, bool little_endian)
{
    std::string out;
    out.reserve(bytes.size() / 2);
    const auto unit = [&](std::size_t i) -> std::uint32_t {
        return load<std::uint16_t>(bytes.subspan(i).first<2>(), little_endian ? byte_order::little : byte_order::big);
    };
    constexpr std::uint32_t replacement = 0xFFFD;
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2)
    {
        const std::uint32_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF)
        {
            if (i + 3 < bytes.size())
            {
                const std::uint32_t low = unit(i + 2);
                if (low >= 0xDC00 && low <= 0xDFFF)
                {
                    append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
                    i += 2;
                    continue;
                }
            }
            append_utf8(out, replacement);
        }
        else if (u >= 0xDC00 && u <= 0xDFFF)
            append_utf8(out, replacement);
        else
            append_utf8(out, u);
    }
    return out;
}

} // namespace

std::string decode_utf16le(std::span<const std::byte> bytes)
{
    return from_utf16(bytes, true);
}

std::string decode_text(std::span<const std::byte> bytes)
{
    const auto at = [&](std::size_t i) { return std::to_integer<unsigned>(bytes[i]); };
    if (bytes.size() >= 2 && at(0) == 0xFF && at(1) == 0xFE) return from_utf16(bytes.subspan(2), true);
    if (bytes.size() >= 2 && at(0) == 0xFE && at(1) == 0xFF) return from_utf16(bytes.subspan(2), false);
    if (bytes.size() >= 3 && at(0) == 0xEF && at(1) == 0xBB && at(2) == 0xBF) bytes = bytes.subspan(3);
    // No BOM but "W\0i\0..." : UTF-16LE all the same (a BOM lost on copy and paste).
    else if (bytes.size() >= 4 && at(0) != 0 && at(1) == 0 && at(2) != 0 && at(3) == 0)
        return from_utf16(bytes, true);
    std::string out(bytes.size(), '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) out[i] = static_cast<char>(bytes[i]);
    return out;
}

} // namespace epmdump

namespace epmdump {

std::vector<std::byte> encode_utf16le(std::string_view s)
{
    std::vector<std::byte> out;
    out.reserve(s.size() * 2);
    const auto put = [&](std::uint32_t unit) {
        out.push_back(static_cast<std::byte>(unit & 0xFF));
        out.push_back(static_cast<std::byte>((unit >> 8) & 0xFF));
    };
    static constexpr std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000}; // shortest form per length
    std::size_t i = 0;
    while (i < s.size())
    {
        const auto lead = static_cast<unsigned char>(s[i]);
        const std::size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        std::uint32_t cp = n == 1 ? lead : n == 2 ? (lead & 0x1Fu) : n == 3 ? (lead & 0x0Fu) : (lead & 0x07u);
        bool valid = n != 0 && i + n <= s.size();
        for (std::size_t k = 1; valid && k < n; ++k)
        {
            const auto cont = static_cast<unsigned char>(s[i + k]);
            valid = (cont & 0xC0) == 0x80;
            cp = (cp << 6) | (cont & 0x3Fu);
        }
        if (valid && (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) valid = false;
        if (!valid)
        {
            put(0xFFFD);
            ++i;
            continue;
        }
        if (cp >= 0x10000)
        {
            put(0xD800 + ((cp - 0x10000) >> 10));
            put(0xDC00 + ((cp - 0x10000) & 0x3FF));
        }
        else
            put(cp);
        i += n;
    }
    return out;
}

} // namespace epmdump
