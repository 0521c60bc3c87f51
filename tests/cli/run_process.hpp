#pragma once
// Runs the epmdump executable as a child process (POSIX): argv, stdin text, optional SIGINT
// after a delay, a hard time limit. Returns its exit status, both outputs and its peak RSS.
#include <chrono>
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
    int exit_code = -1;    // -1 when killed by a signal
    int term_signal = 0;
    std::string out;
    std::string err;
    double seconds = 0;
    long max_rss_kb = 0;   // peak resident set of the child
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

} // namespace epmdump::test
