// What differs between the platforms the CLI runs on, in one place.
#include "commands.hpp"

#include <cstdio>
#include <string>
#include <vector>

#ifdef _WIN32
#include <windows.h>

#include <shellapi.h>

#include <fcntl.h>
#include <io.h>
#endif

namespace epmdump::app {

void use_binary_stdout() noexcept
{
#ifdef _WIN32
    // Text mode would turn every "\n" into "\r\n": CSV's "\r\n" would become "\r\r\n", and the
    // same command would write other bytes on Windows than on Linux.
    std::fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
#endif
}

std::vector<std::string> utf8_arguments(int argc, char** argv)
{
#ifdef _WIN32
    // The narrow argv went through the ANSI code page, which turns "日本語" into "???" unless
    // the manifest's UTF-8 code page is honoured (Windows 10 1903+): read the UTF-16 original.
    int count = 0;
    wchar_t** wide = CommandLineToArgvW(GetCommandLineW(), &count);
    if (wide != nullptr && count == argc)
    {
        std::vector<std::string> words;
        for (int i = 0; i < count; ++i)
        {
            const int n = WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, nullptr, 0, nullptr, nullptr);
            std::string word(n > 0 ? static_cast<std::size_t>(n) : 1, '\0');
            if (n > 0) WideCharToMultiByte(CP_UTF8, 0, wide[i], -1, word.data(), n, nullptr, nullptr);
            word.pop_back(); // the NUL counted in n
            words.push_back(std::move(word));
        }
        LocalFree(wide);
        return words;
    }
    if (wide != nullptr) LocalFree(wide);
#endif
    return std::vector<std::string>(argv, argv + argc);
}

std::FILE* open_bundled_capture()
{
    const auto bytes = bundled_capture();
#ifdef _WIN32
    // No fmemopen: a temporary file that Windows deletes when it is closed ("D"), kept in
    // memory where it can be ("T").
    std::wstring dir(MAX_PATH + 1, L'\0');
    const DWORD n = GetTempPathW(static_cast<DWORD>(dir.size()), dir.data());
    std::wstring name(MAX_PATH + 1, L'\0');
    if (n == 0 || n > MAX_PATH || GetTempFileNameW(dir.c_str(), L"epm", 0, name.data()) == 0) return nullptr;
    std::FILE* f = _wfopen(name.c_str(), L"w+bTD");
    if (f == nullptr) return nullptr;
    if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fseek(f, 0, SEEK_SET) != 0)
    {
        std::fclose(f);
        return nullptr;
    }
    return f;
#else
    // Read-only: fmemopen never writes to the buffer in mode "r".
    return fmemopen(const_cast<std::byte*>(bytes.data()), bytes.size(), "r");
#endif
}

} // namespace epmdump::app
