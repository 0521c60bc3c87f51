// What differs between the platforms the CLI runs on, in one place.
#include "commands.hpp"

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#ifdef _WIN32
#include <windows.h>

#include <cstdio>
#include <fcntl.h>
#include <io.h>
#else
#include <sys/ioctl.h>
#include <unistd.h>
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

void use_binary_stdin() noexcept
{
#ifdef _WIN32
    // Text mode would drop the CR of CR LF and stop at a ^Z: read the bytes as a file gives them.
    _setmode(_fileno(stdin), _O_BINARY);
#endif
}

bool stdout_is_a_terminal() noexcept
{
#ifdef _WIN32
    return _isatty(_fileno(stdout)) != 0;
#else
    return isatty(STDOUT_FILENO) != 0;
#endif
}

bool stdout_supports_colour() noexcept
{
    // https://no-color.org: NO_COLOR set and not empty means no colour, whatever else holds.
    if (const char* no_color = std::getenv("NO_COLOR"); no_color != nullptr && *no_color != '\0') return false;
    if (!stdout_is_a_terminal()) return false;
#ifdef _WIN32
    // Consoles before Windows 10 print escape sequences as text ("<-[1;31m"): colour only where
    // virtual-terminal processing is on or can be switched on.
    const HANDLE console = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode = 0;
    if (console == INVALID_HANDLE_VALUE || !GetConsoleMode(console, &mode)) return false;
    return (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0 ||
           SetConsoleMode(console, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
#else
    const char* term = std::getenv("TERM");
    return term == nullptr || std::string_view(term) != "dumb";
#endif
}

std::size_t stdout_columns() noexcept
{
    constexpr std::size_t fallback = 80; // a file, a pipe, or a terminal that does not say
    if (!stdout_is_a_terminal()) return fallback;
#ifdef _WIN32
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &info))
        return static_cast<std::size_t>(info.srWindow.Right - info.srWindow.Left + 1);
#else
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
#endif
    return fallback;
}

namespace {

std::filesystem::path executable_path(const char* argv0)
{
    std::error_code ec;
#ifdef _WIN32
    std::wstring buffer(32768, L'\0');
    const DWORD n = GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (n > 0 && n < buffer.size()) return std::filesystem::path(buffer.substr(0, n));
#else
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) return self;
#endif
    return std::filesystem::absolute(argv0 != nullptr ? argv0 : "", ec);
}

} // namespace

const char* default_capture(const char* argv0)
{
    // The checkout's copy while developing; the installed one (PREFIX/share/epmdump, found
    // from the executable's own place, so a relocated or packaged install finds it too).
    static std::string chosen = [argv0] {
        std::error_code ec;
        const std::filesystem::path source = EPMDUMP_DEFAULT_CAPTURE;
        if (std::filesystem::exists(source, ec)) return source.string();
        const auto installed = executable_path(argv0).parent_path().parent_path() / "share" / "epmdump" /
                               source.filename();
        return std::filesystem::exists(installed, ec) ? installed.string() : source.string();
    }();
    return chosen.c_str();
}

} // namespace epmdump::app
