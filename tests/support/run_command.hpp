#pragma once
// Runs the epmdump executable through the platform's shell (popen), as a script would, and
// returns its exit status and standard output (binary, untranslated). On Windows the path is
// given to cmd.exe backslashed and quoted ("/build/..." would read as a switch), and a start
// that cmd.exe reports as 9009 ("not recognized"), which Wine does now and then when several
// processes start at once, is tried once more: the program never ran, so nothing is repeated.
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace epmdump::test {

struct command_result
{
    int status = -1;
    std::string out;
};

// `args` (UTF-8) are appended as they are; `stderr_redirect` is e.g. "2>&1" or "2>NUL" / "2>/dev/null".
inline command_result run_epmdump(const std::string& exe_path, const std::string& args, const std::string& stderr_redirect)
{
    command_result r;
#ifdef _WIN32
    const std::string exe = std::filesystem::path(exe_path).make_preferred().string();
    const std::string cmd = "\"\"" + exe + "\" " + args + " " + stderr_redirect + "\"";
    for (int attempt = 0; attempt < 2; ++attempt)
    {
        // UTF-16 to cmd.exe: the narrow _popen would pass the arguments through the ANSI code page.
        const std::wstring wide = std::filesystem::path(std::u8string(cmd.begin(), cmd.end())).native();
        std::FILE* p = _wpopen(wide.c_str(), L"rb");
        if (p == nullptr) return r;
        r.out.clear();
        std::array<char, 4096> buf{};
        while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
        r.status = _pclose(p); // the command's exit code itself
        if (r.status != 9009) break;
    }
#else
    const std::string cmd = "'" + exe_path + "' " + args + " " + stderr_redirect;
    std::FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf{};
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
    const int raw = pclose(p);
    r.status = raw >= 0 && (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : -1; // WIFEXITED / WEXITSTATUS
#endif
    return r;
}

// How many times `needle` occurs in a command's output (overlaps counted).
inline std::size_t count_of(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

} // namespace epmdump::test
