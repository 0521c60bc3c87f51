// File arguments: what differs between platforms in how a program is handed its files.
#include "file_arguments.hpp"

#ifdef _WIN32
#include <windows.h>

#include <algorithm>
#include <fcntl.h>
#include <io.h>
#include <string_view>
#else
#include <unistd.h>
#endif

namespace epmdump::app {

std::FILE* open_stdin_binary() noexcept
{
#ifdef _WIN32
    const int fd = _dup(_fileno(stdin));
    if (fd < 0) return nullptr;
    _setmode(fd, _O_BINARY);
    std::FILE* f = _fdopen(fd, "rb");
    if (f == nullptr) _close(fd);
#else
    const int fd = dup(fileno(stdin));
    if (fd < 0) return nullptr;
    std::FILE* f = fdopen(fd, "rb");
    if (f == nullptr) close(fd);
#endif
    return f;
}

#ifdef _WIN32
namespace {

std::wstring widen(std::string_view utf8)
{
    const int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(std::max(n, 0)), L'\0');
    if (n > 0) MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
    return out;
}

std::string narrow(std::wstring_view wide)
{
    const int n = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(std::max(n, 0)), '\0');
    if (n > 0)
        WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), out.data(), n, nullptr, nullptr);
    return out;
}

// Wildcards count in the last component only: FindFirstFileW matches nothing else.
bool is_pattern(std::string_view arg)
{
    const auto name = arg.substr(arg.find_last_of("\\/:") + 1);
    return name.find_first_of("*?") != std::string_view::npos;
}

// The names `pattern` matches, with the pattern's own directory part in front.
std::vector<std::wstring> matches(const std::wstring& pattern)
{
    const auto cut = pattern.find_last_of(L"\\/:");
    const std::wstring directory = cut == std::wstring::npos ? L"" : pattern.substr(0, cut + 1);
    std::vector<std::wstring> out;
    WIN32_FIND_DATAW found;
    HANDLE h = FindFirstFileW(pattern.c_str(), &found);
    if (h == INVALID_HANDLE_VALUE) return out;
    do
    {
        const std::wstring_view name = found.cFileName;
        if (name != L"." && name != L"..") out.push_back(directory + std::wstring(name));
    } while (FindNextFileW(h, &found));
    FindClose(h);
    // As Explorer and dir list them: case-insensitive, independent of the locale.
    std::sort(out.begin(), out.end(), [](const std::wstring& a, const std::wstring& b) {
        return CompareStringOrdinal(a.c_str(), static_cast<int>(a.size()), b.c_str(), static_cast<int>(b.size()),
                                    TRUE) == CSTR_LESS_THAN;
    });
    return out;
}

} // namespace
#endif

expanded_files expand_wildcards(const std::vector<std::string>& args)
{
    expanded_files out;
#ifdef _WIN32
    for (const auto& arg : args)
    {
        if (!is_pattern(arg))
        {
            out.files.push_back(arg);
            continue;
        }
        const auto found = matches(widen(arg));
        if (found.empty()) out.unmatched.push_back(arg);
        for (const auto& name : found) out.files.push_back(narrow(name));
    }
#else
    out.files = args;
#endif
    return out;
}

CLI::Validator existing_file_or_pattern()
{
    return CLI::Validator(
        [](std::string& word) -> std::string {
#ifdef _WIN32
            if (is_pattern(word)) return matches(widen(word)).empty() ? "No file matches " + word : std::string();
#endif
            return CLI::ExistingFile(word);
        },
        "FILE");
}

} // namespace epmdump::app
