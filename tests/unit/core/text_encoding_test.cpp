// Text an admin hands us from Windows tools (regedit, PowerShell 5's "> file") is UTF-16.
#include <epmdump/core/text_encoding.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <initializer_list>
#include <vector>

using namespace epmdump;

TEST_CASE("text decoding turns UTF-16LE with and without BOM, UTF-16BE and UTF-8 BOM into UTF-8")
{
    const auto bytes = [](std::initializer_list<int> v) {
        std::vector<std::byte> out;
        for (int b : v) out.push_back(static_cast<std::byte>(b));
        return out;
    };
    CHECK(decode_text(bytes({0xFF, 0xFE, 'A', 0, 0xE9, 0})) == "A\xC3\xA9");
    CHECK(decode_text(bytes({'T', 0, 'C', 0, 'P', 0})) == "TCP");
    CHECK(decode_text(bytes({0xFE, 0xFF, 0, 'O', 0, 'K'})) == "OK");
    CHECK(decode_text(bytes({0xEF, 0xBB, 0xBF, 'O', 'K'})) == "OK");
    CHECK(decode_text(bytes({0xFF, 0xFE, 0x3D, 0xD8, 0x00, 0xDE})) == "\xF0\x9F\x98\x80"); // surrogate pair
    CHECK(decode_text(bytes({0xFF, 0xFE, 0x3D, 0xD8, 'A', 0})) == "\xEF\xBF\xBD" "A");     // lone high surrogate
    CHECK(decode_text(bytes({0xFF, 0xFE, 'A'})) == "");                                    // odd trailing byte dropped
}
