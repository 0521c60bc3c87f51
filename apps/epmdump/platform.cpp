// What differs between the platforms the CLI runs on, in one place.
#include "commands.hpp"

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#ifdef _WIN32
#include <windows.h>

#include <shellapi.h>

#include <fcntl.h>
#include <io.h>
#else
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#endif

namespace epmdump::app {

void prepare_standard_output() noexcept
{
#ifdef _WIN32
    // Text mode would turn every "\n" into "\r\n": CSV's "\r\n" would become "\r\r\n", and the
    // same command would write other bytes on Windows than on Linux.
    std::fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
#else
    // Without this a closed pipe (`epmdump ... | head`) kills us mid-write with no word; ignored,
    // the write fails with EPIPE and finish_output reports it with exit status 3.
    std::signal(SIGPIPE, SIG_IGN);
#endif
}

void use_binary_stdin() noexcept
{
#ifdef _WIN32
    // Text mode would drop the CR of CR LF and stop at a ^Z: read the bytes as a file gives them.
    _setmode(_fileno(stdin), _O_BINARY);
#endif
}

bool is_a_terminal(std::FILE* stream) noexcept
{
#ifdef _WIN32
    return _isatty(_fileno(stream)) != 0;
#else
    return isatty(fileno(stream)) != 0;
#endif
}

bool stdout_is_a_terminal() noexcept { return is_a_terminal(stdout); }
bool stderr_is_a_terminal() noexcept { return is_a_terminal(stderr); }

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

utf8_console::utf8_console() noexcept
{
#ifdef _WIN32
    DWORD mode = 0;
    const bool console = GetConsoleMode(GetStdHandle(STD_OUTPUT_HANDLE), &mode) != 0 ||
                         GetConsoleMode(GetStdHandle(STD_ERROR_HANDLE), &mode) != 0;
    if (!console) return;
    const UINT previous = GetConsoleOutputCP();
    if (previous != CP_UTF8 && SetConsoleOutputCP(CP_UTF8)) previous_code_page_ = previous;
#endif
}

utf8_console::~utf8_console()
{
#ifdef _WIN32
    if (previous_code_page_ != 0) SetConsoleOutputCP(previous_code_page_);
#endif
}

int finish_output(output::sink& out, int exit_status)
{
    if (out.flush()) return exit_status;
    std::cerr << "epmdump: cannot write output: " << out.error().message() << '\n';
    return exit_output;
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
