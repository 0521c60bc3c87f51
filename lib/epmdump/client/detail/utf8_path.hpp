#pragma once
// A file name from the command line (UTF-8 on every platform, see utf8_arguments) as a path:
// on Windows through UTF-16, so names outside the ANSI code page open ("日本語.pcap").
#include <filesystem>
#include <string>
#include <string_view>

namespace epmdump::client::detail {

inline std::filesystem::path path_from_utf8(std::string_view text)
{
#ifdef _WIN32
    try
    {
        return std::filesystem::path(std::u8string(reinterpret_cast<const char8_t*>(text.data()), text.size()));
    }
    catch (const std::exception&) // not UTF-8 after all: the code page's reading
    {
        return std::filesystem::path(std::string(text));
    }
#else
    return std::filesystem::path(std::string(text));
#endif
}

} // namespace epmdump::client::detail
