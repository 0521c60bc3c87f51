#pragma once
// The one runner of the end-to-end tests: the epmdump executable (or a shell around it) as a
// child process, with its exit status and output.
//   run_process  POSIX: argv as given, stdin text, optional SIGINT after a delay, a hard time
//                limit; both outputs and the peak RSS.
//   run_shell    a command line through the platform's shell (pipes, redirections), as a script
//                would run it; stdout (binary, untranslated) and the exit status.
//   run_epmdump  the executable through run_shell, its path quoted for the platform.
// On Windows (cmd.exe) the path is backslashed and quoted ("/build/..." would read as a switch),
// and a start that cmd.exe reports as 9009 ("not recognized"), which Wine does now and then when
// several processes start at once, is tried once more: the program never ran, so nothing is repeated.
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#ifndef _WIN32
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace epmdump::test {

struct process_result
{
    int exit_code = -1;    // -1 when killed by a signal (or when it could not start)
    int term_signal = 0;
    std::string out;
    std::string err;       // run_process only: run_shell leaves stderr to the command's redirection
    double seconds = 0;
    long max_rss_kb = 0;   // run_process only: peak resident set of the child
};

#ifndef _WIN32
inline process_result run_process(const std::string& exe, const std::vector<std::string>& args,
                                  const std::string& stdin_text = {},
                                  std::optional<std::chrono::milliseconds> sigint_after = std::nullopt,
                                  std::chrono::seconds limit = std::chrono::seconds(120))
{
    int in[2], out[2], err[2];
    if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) return {};
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0)
    {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
        // The test's own sockets (scripted servers) are not the child's to hold.
        for (int fd = 3; fd < 4096; ++fd) close(fd);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(exe.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(exe.c_str(), argv.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    // Small inputs only: the pipe buffer takes them whole.
    if (!stdin_text.empty() && write(in[1], stdin_text.data(), stdin_text.size()) < 0) {}
    close(in[1]);
    process_result r;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    bool open[2] = {true, true};
    bool interrupted = false;
    char buf[65536];
    while (open[0] || open[1])
    {
        const auto now = std::chrono::steady_clock::now();
        if (now - started > limit)
        {
            kill(pid, SIGKILL);
            break;
        }
        if (sigint_after && !interrupted && now - started >= *sigint_after)
        {
            kill(pid, SIGINT);
            interrupted = true;
        }
        for (int i = 0; i < 2; ++i) fds[i].fd = open[i] ? (i == 0 ? out[0] : err[0]) : -1;
        if (poll(fds, 2, 20) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i)
        {
            if (!open[i] || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const auto n = read(i == 0 ? out[0] : err[0], buf, sizeof buf);
            if (n <= 0)
                open[i] = false;
            else
                (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
        }
    }
    close(out[0]);
    close(err[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    r.max_rss_kb = usage.ru_maxrss;
    if (WIFEXITED(status))
        r.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        r.term_signal = WTERMSIG(status);
    return r;
}
#endif

// How stdout is read on Windows: bytes as written, or text mode's CR LF -> LF (POSIX: always bytes).
enum class shell_output { binary, text };

// `command` is UTF-8. Its stdin is empty on POSIX, the test's on Windows; unredirected stderr
// lands in `err` on POSIX, on the test's stderr on Windows.
inline process_result run_shell(const std::string& command, [[maybe_unused]] shell_output mode = shell_output::binary)
{
#ifdef _WIN32
    process_result r;
    const auto started = std::chrono::steady_clock::now();
    // Wine sometimes fails to start cmd.exe (_wpopen gives no stream, or _pclose -1; once in a few
    // hundred starts in the exchange consistency test): a command that never ran is run again.
    for (int attempt = 0; attempt < 3; ++attempt)
    {
        // UTF-16 to cmd.exe: the narrow _popen would pass the arguments through the ANSI code page.
        const std::wstring wide = std::filesystem::path(std::u8string(command.begin(), command.end())).native();
        std::FILE* p = _wpopen(wide.c_str(), mode == shell_output::binary ? L"rb" : L"rt");
        if (p == nullptr) continue;
        r.out.clear();
        std::array<char, 4096> buf{};
        while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
        r.exit_code = _pclose(p); // the command's exit code itself; -1: Wine lost the process
        if (r.exit_code != 9009 && r.exit_code != -1) break;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return r;
#else
    return run_process("/bin/sh", {"-c", command}, {}, std::nullopt, std::chrono::seconds(280));
#endif
}

// `args` (UTF-8) are appended as they are; `stderr_redirect` is e.g. "2>&1" or "2>NUL" / "2>/dev/null".
inline process_result run_epmdump(const std::string& exe_path, const std::string& args, const std::string& stderr_redirect)
{
#ifdef _WIN32
    const std::string exe = std::filesystem::path(exe_path).make_preferred().string();
    return run_shell("\"\"" + exe + "\" " + args + " " + stderr_redirect + "\"");
#else
    return run_shell("'" + exe_path + "' " + args + " " + stderr_redirect);
#endif
}

// How many times `needle` occurs in a command's output (overlaps counted).
inline std::size_t count_of(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

} // namespace epmdump::test
