#pragma once
// Runs the real "epmdump exchange" with arguments (a shell command line) and keeps its
// standard output and exit status; stderr is dropped.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace epmdump::test {

struct run_result
{
    int status = -1;
    std::string out;
};

inline std::string epmdump_binary() { return std::string(EPMDUMP_BINARY_DIR) + "/apps/epmdump"; }

// A shell command line (a pipeline may feed the command); stdout and the last status kept.
inline run_result run_shell(const std::string& command)
{
    run_result r;
    FILE* p = popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) r.out.append(buffer, n);
    const int raw = pclose(p);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return r;
}

inline run_result run_exchange(const std::string& args)
{
    return run_shell(epmdump_binary() + " exchange " + args + " 2>/dev/null");
}

} // namespace epmdump::test
