#pragma once
// A regedit export (.reg): "Windows Registry Editor Version 5.00" (UTF-16LE with BOM as regedit
// writes it) or "REGEDIT4" (ANSI). Keys in any order; only what we need is interpreted.
#include <epmdump/exchange/input_error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::exchange {

enum class registry_type : std::uint8_t
{
    dword,   // dword:0000040a, hex(4):0a,04,00,00
    string,  // "text", hex(1):..., hex(2):... (REG_EXPAND_SZ)
    other,   // hex:, hex(7):, hex(b):, ... kept raw
    deleted, // "name"=-
};

struct registry_value
{
    std::string name; // "" for the default value (@)
    registry_type type = registry_type::other;
    std::uint32_t dword = 0; // when type == dword
    std::string text;        // when type == string: unescaped, trailing NULs dropped
    std::string raw;         // the right-hand side as written (continuations joined)
    std::size_t line = 0;
};

struct registry_key
{
    std::string path;     // as written, without brackets (and without the '-' of a deletion)
    bool deleted = false; // [-HKEY_...]
    std::size_t line = 0;
    std::vector<registry_value> values;
};

struct registry_file
{
    bool regedit4 = false; // "REGEDIT4" (ANSI) rather than version 5.00 (Unicode)
    std::vector<registry_key> keys;
    std::vector<input_error> skipped; // lines that could not be read (a hand-edited export)
};

// Bytes of the file (any of the encodings decode_text accepts). Fails only when the header is
// not a regedit one; unreadable lines are listed in skipped, so one odd value in an unrelated
// key does not hide the rest.
input_result<registry_file> parse_registry(std::span<const std::byte> bytes);
input_result<registry_file> parse_registry_text(std::string_view utf8);

} // namespace epmdump::exchange
