// What differs between the platforms the CLI runs on, in one place.
#include "commands.hpp"

#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>

#ifdef _WIN32
#include <windows.h>

#include <cstdio>
#include <fcntl.h>
#include <io.h>
#else
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
