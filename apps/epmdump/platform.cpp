// What differs between the platforms the CLI runs on, in one place.
#include "commands.hpp"

#include <cstdio>
#include <string>

#ifdef _WIN32
#include <windows.h>

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
