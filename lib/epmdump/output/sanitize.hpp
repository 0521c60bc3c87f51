#pragma once
// The one place that makes server-sent strings safe to print: no terminal escape sequence,
// carriage return or invalid UTF-8 reaches a text output.
#include <string>
#include <string_view>

namespace epmdump::output {

// Valid printable UTF-8 passes unchanged (backslashes too, so "\PIPE\lsass" stays readable).
// C0 controls (TAB, CR, LF, ESC, ...), DEL and every byte of an invalid UTF-8 sequence become
// "\xNN"; C1 controls (U+0080-U+009F), line/paragraph separators and bidirectional overrides
// (U+200E/F, U+2028/9, U+202A-E, U+2066-9) become "\uNNNN".
std::string sanitize_text(std::string_view raw);
void append_sanitized(std::string& out, std::string_view raw);

// True when sanitize_text(raw) == raw.
bool is_display_safe(std::string_view raw) noexcept;

// Printable ASCII (0x20-0x7E) only: the common case that append_sanitized() keeps as it is,
// decided without its UTF-8 decoding. Branch-free, so the scan vectorises.
inline bool is_printable_ascii(std::string_view raw) noexcept
{
    unsigned outside = 0;
    for (const char c : raw) outside |= static_cast<unsigned>(static_cast<unsigned char>(c - 0x20) >= 0x5f);
    return outside == 0;
}

} // namespace epmdump::output
