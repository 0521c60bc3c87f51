#pragma once
// Checks that a whole output text could not drive a terminal: valid UTF-8, and no control
// character other than the line ends the format itself writes.
#include <epmdump/output/sanitize.hpp>

#include <string_view>

namespace epmdump::test {

inline bool terminal_safe(std::string_view text, bool crlf_line_ends = false)
{
    std::size_t start = 0;
    while (start <= text.size())
    {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        auto line = text.substr(start, end - start);
        if (crlf_line_ends && end < text.size())
        {
            if (line.empty() || line.back() != '\r') return false;
            line.remove_suffix(1);
        }
        if (!output::is_display_safe(line)) return false;
        start = end + 1;
    }
    return true;
}

} // namespace epmdump::test
