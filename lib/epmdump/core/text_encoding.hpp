#pragma once
// Files an admin hands us come from Windows tools: regedit writes UTF-16LE with a BOM, and
// Windows PowerShell 5's "> file" does too. Everything downstream reads UTF-8.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump {

// UTF-16LE/BE (with BOM, or LE recognised by its zero high bytes) and UTF-8 (BOM stripped) to
// UTF-8. Unpaired surrogates become U+FFFD; other bytes pass through unchanged.
std::string decode_text(std::span<const std::byte> bytes);

// UTF-16LE without a BOM (NTLM names, Windows wire strings) to UTF-8; unpaired surrogates become
// U+FFFD, an odd last byte is dropped.
std::string decode_utf16le(std::span<const std::byte> bytes);

} // namespace epmdump

namespace epmdump {

// UTF-8 to UTF-16LE without a BOM (SMB2 paths and names); an invalid byte becomes U+FFFD.
std::vector<std::byte> encode_utf16le(std::string_view utf8);

} // namespace epmdump
