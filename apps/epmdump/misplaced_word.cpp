#include "misplaced_word.hpp"

#include <epmdump/client/detail/utf8_path.hpp>
#include <epmdump/output/sanitize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

namespace epmdump::app {

using client::detail::path_from_utf8;

namespace {

// Damerau-Levenshtein distance (adjacent swaps count one), for words of a few letters.
std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j)
        {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

bool ends_with_ci(std::string_view text, std::string_view suffix)
{
    if (text.size() < suffix.size()) return false;
    const auto tail = text.substr(text.size() - suffix.size());
    return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == y;
    });
}

// pcap (either byte order, micro- or nanosecond) or pcapng's section header block.
bool starts_like_capture(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_from_utf8(path), ec)) return false;
    std::ifstream f(path_from_utf8(path), std::ios::binary);
    std::array<unsigned char, 4> m{};
    if (!f.read(reinterpret_cast<char*>(m.data()), m.size())) return false;
    const std::uint32_t be = std::uint32_t{m[0]} << 24 | std::uint32_t{m[1]} << 16 | std::uint32_t{m[2]} << 8 | m[3];
    return be == 0xA1B2C3D4 || be == 0xD4C3B2A1 || be == 0xA1B23C4D || be == 0x4D3CB2A1 || be == 0x0A0D0D0A;
}

} // namespace

std::string misplaced_word(std::string_view word, bool first)
{
    const std::string shown = output::sanitize_text(word.substr(0, 256));
    if (ends_with_ci(word, ".pcap") || ends_with_ci(word, ".pcapng") || ends_with_ci(word, ".cap") ||
        starts_like_capture(std::string(word)))
        return "'" + shown + "' is a capture file, not a host; to read it, run: epmdump replay " + shown;
    const bool letters = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
    if (!first || !letters) return {};
    // Short host names are common ("dc", "ad", "app"): "map" takes one slip, longer commands two.
    for (std::string_view command : {"replay", "exchange", "map", "probe"})
    {
        std::string lower(word);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == command) return {};
        if (edit_distance(lower, command) <= (command.size() > 3 ? 2u : 1u))
            return "'" + shown + "' looks like a mistyped subcommand: did you mean 'epmdump " + std::string(command) +
                   "'? (to scan a host of that name, write it with a final dot: " + shown + ".)";
    }
    return {};
}

} // namespace epmdump::app
