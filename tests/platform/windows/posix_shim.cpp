// fmemopen for the Windows test programs: a temporary file opened with msvcrt's "D"
// (delete on close) flag, so nothing is left behind when the test closes it.
#include "posix_shim.hpp"

#include <windows.h>

#include <cstring>
#include <cwchar>

std::FILE* fmemopen(void* buffer, std::size_t size, const char* mode)
{
    if (mode == nullptr || mode[0] != 'r' || std::strchr(mode, '+') != nullptr) return nullptr;
    wchar_t dir[MAX_PATH + 1] = {};
    wchar_t path[MAX_PATH + 1] = {};
    if (GetTempPathW(MAX_PATH, dir) == 0 || GetTempFileNameW(dir, L"epm", 0, path) == 0) return nullptr;
    std::FILE* out = _wfopen(path, L"wb");
    if (out == nullptr) return nullptr;
    const bool written = size == 0 || std::fwrite(buffer, 1, size, out) == size;
    std::fclose(out);
    std::FILE* in = written ? _wfopen(path, L"rbD") : nullptr;
    if (in == nullptr) DeleteFileW(path);
    return in;
}
