#include <epmdump/ndr/reader.hpp>

#include <algorithm>
#include <array>

namespace epmdump::ndr {

result<std::span<const std::byte>> reader::varying_chars(std::size_t max_chars) noexcept
{
    if (auto r = align(syntax_ == transfer_syntax::ndr64 ? 8 : 4); !r) return r.error();
    const std::size_t offset_at = this->offset();
    auto offset = count();
    if (!offset) return offset.error();
    const std::size_t at = this->offset();
    auto actual = count();
    if (!actual) return actual.error();
    return varying_chars_after(*offset, offset_at, *actual, at, max_chars);
}

result<std::span<const std::byte>> reader::varying_chars_after(std::uint64_t offset, std::size_t offset_at,
                                                               std::uint64_t actual, std::size_t at,
                                                               std::size_t max_chars) noexcept
{
    if (offset != 0) return codec_error{codec_errc::bad_value, offset_at, "varying string offset"};
    if (actual > max_chars) return codec_error{codec_errc::limit_exceeded, at, "varying string length"};
    auto chars = bytes(static_cast<std::size_t>(actual));
    if (!chars) return chars.error();
    // The NUL (and anything a sloppy server put after it) is not text.
    const auto nul = std::find(chars->begin(), chars->end(), std::byte{0});
    const auto text = chars->first(static_cast<std::size_t>(nul - chars->begin()));
    // max_chars counts the NUL: a string filling it without one is as long as the
    // max_chars + 1 with a NUL refused above, and could not be written back within it.
    if (max_chars != 0 && text.size() >= max_chars)
        return codec_error{codec_errc::limit_exceeded, at, "varying string has no room for its NUL"};
    return text;
}

result<std::string> reader::varying_string(std::size_t max_chars) noexcept
{
    auto chars = varying_chars(max_chars);
    if (!chars) return chars.error();
    std::string text;
    text.reserve(chars->size());
    for (auto c : *chars)
    {
        const auto v = std::to_integer<std::uint8_t>(c);
        text.push_back(rep_.character == char_set::ebcdic ? ebcdic_to_ascii(v) : static_cast<char>(v));
    }
    return text;
}

namespace {
// Code page 037, 0x40..0xFF -> ASCII; 0 where no ASCII counterpart exists.
constexpr std::array<char, 192> ebcdic_high = [] {
    std::array<char, 192> t{};
    auto set = [&t](int e, char a) { t[static_cast<std::size_t>(e - 0x40)] = a; };
    set(0x40, ' ');
    const char* p1 = ".<(+|";
    for (int i = 0; i < 5; ++i) set(0x4B + i, p1[i]);
    set(0x50, '&');
    const char* p2 = "!$*);";
    for (int i = 0; i < 5; ++i) set(0x5A + i, p2[i]);
    set(0x60, '-');
    set(0x61, '/');
    const char* p3 = ",%_>?";
    for (int i = 0; i < 5; ++i) set(0x6B + i, p3[i]);
    set(0x79, '`');
    const char* p4 = ":#@'=\"";
    for (int i = 0; i < 6; ++i) set(0x7A + i, p4[i]);
    for (int i = 0; i < 9; ++i) set(0x81 + i, static_cast<char>('a' + i));
    for (int i = 0; i < 9; ++i) set(0x91 + i, static_cast<char>('j' + i));
    set(0xA1, '~');
    for (int i = 0; i < 8; ++i) set(0xA2 + i, static_cast<char>('s' + i));
    set(0xB0, '^');
    set(0xBA, '[');
    set(0xBB, ']');
    set(0xC0, '{');
    for (int i = 0; i < 9; ++i) set(0xC1 + i, static_cast<char>('A' + i));
    set(0xD0, '}');
    for (int i = 0; i < 9; ++i) set(0xD1 + i, static_cast<char>('J' + i));
    set(0xE0, '\\');
    for (int i = 0; i < 8; ++i) set(0xE2 + i, static_cast<char>('S' + i));
    for (int i = 0; i < 10; ++i) set(0xF0 + i, static_cast<char>('0' + i));
    return t;
}();
} // namespace

char ebcdic_to_ascii(std::uint8_t c) noexcept
{
    if (c < 0x40) return c == 0 ? '\0' : '?';
    const char a = ebcdic_high[c - 0x40];
    return a ? a : '?';
}

std::uint8_t ascii_to_ebcdic(char c) noexcept
{
    if (c == '\0') return 0;
    for (std::size_t i = 0; i < ebcdic_high.size(); ++i)
        if (ebcdic_high[i] == c) return static_cast<std::uint8_t>(i + 0x40);
    return 0x6F; // '?'
}

} // namespace epmdump::ndr
