#include <epmdump/output/sanitize.hpp>
#include <epmdump/core/hex.hpp>

#include <cstddef>

namespace epmdump::output {

namespace {

void append_byte_escape(std::string& out, unsigned char b)
{
    out += "\\x";
    append_hex_number(out, b, 2);
}

void append_code_point_escape(std::string& out, char32_t cp)
{
    out += "\\u";
    append_hex_number(out, cp, 4);
}

// Length of the well-formed UTF-8 sequence starting at s[i] (Unicode 15 table 3-7: no overlongs,
// no surrogates, nothing above U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp) noexcept
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80)
    {
        cp = b0;
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf; // allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf)
        length = 2;
    else if (b0 >= 0xe0 && b0 <= 0xef)
    {
        length = 3;
        if (b0 == 0xe0) low = 0xa0;
        if (b0 == 0xed) high = 0x9f;
    }
    else if (b0 >= 0xf0 && b0 <= 0xf4)
    {
        length = 4;
        if (b0 == 0xf0) low = 0x90;
        if (b0 == 0xf4) high = 0x8f;
    }
    else
        return 0;
    if (i + length > s.size()) return 0;
    if (byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
    char32_t value = b0 & (0x7f >> length);
    for (std::size_t k = 1; k < length; ++k) value = (value << 6) | (byte(i + k) & 0x3f);
    cp = value;
    return length;
}

// Code points that are valid UTF-8 but change how a terminal shows the rest of the line.
bool needs_escape(char32_t cp) noexcept
{
    if (cp < 0x20 || cp == 0x7f) return true;     // C0 (ESC, CR, LF, BEL, TAB, ...) and DEL
    if (cp >= 0x80 && cp <= 0x9f) return true;    // C1: 0x9b is a one-byte CSI
    if (cp == 0x200e || cp == 0x200f) return true; // LRM, RLM
    if (cp >= 0x2028 && cp <= 0x202e) return true; // line/paragraph separators, bidi embeddings/overrides
    if (cp >= 0x2066 && cp <= 0x2069) return true; // bidi isolates
    return false;
}

} // namespace

void append_sanitized(std::string& out, std::string_view raw)
{
    out.reserve(out.size() + raw.size());
    std::size_t i = 0;
    while (i < raw.size())
    {
        // Printable ASCII (nearly every server string) passes unchanged: one append per run.
        std::size_t run = i;
        while (run < raw.size() && static_cast<unsigned char>(raw[run] - 0x20) < 0x5f) ++run;
        if (run != i)
        {
            out.append(raw.substr(i, run - i));
            i = run;
            continue;
        }
        char32_t cp = 0;
        const std::size_t length = utf8_sequence(raw, i, cp);
        if (length == 0)
        {
            append_byte_escape(out, static_cast<unsigned char>(raw[i]));
            ++i;
            continue;
        }
        if (needs_escape(cp))
        {
            if (cp < 0x80)
                append_byte_escape(out, static_cast<unsigned char>(cp));
            else
                append_code_point_escape(out, cp);
        }
        else
            out.append(raw.substr(i, length));
        i += length;
    }
}

std::string sanitize_text(std::string_view raw)
{
    std::string out;
    append_sanitized(out, raw);
    return out;
}

bool is_display_safe(std::string_view raw) noexcept
{
    std::size_t i = 0;
    while (i < raw.size())
    {
        char32_t cp = 0;
        const std::size_t length = utf8_sequence(raw, i, cp);
        if (length == 0 || needs_escape(cp)) return false;
        i += length;
    }
    return true;
}

} // namespace epmdump::output
