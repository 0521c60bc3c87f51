#pragma once
// Runs the real "epmdump exchange" with arguments (a shell command line: a pipeline may feed
// it) and keeps its standard output and exit status; stderr is dropped.
#include "e2e/run_process.hpp"

#include <string>

namespace epmdump::test {

inline std::string epmdump_binary() { return std::string(EPMDUMP_BINARY_DIR) + "/apps/epmdump"; }

inline process_result run_exchange(const std::string& args)
{
    return run_shell(epmdump_binary() + " exchange " + args + " 2>/dev/null", shell_output::text);
}

inline process_result run(const std::string& args) { return run_exchange(args); }

} // namespace epmdump::test
