#pragma once
// Each subcommand registers itself on the app; its callback sets the process exit status.
#include <CLI/CLI.hpp>

namespace epmdump::app {

// Exit statuses scripts depend on (README): 0 all answered / healthy, 1 some failed, 2 usage error.
inline constexpr int exit_ok = 0;
inline constexpr int exit_some_failed = 1;
inline constexpr int exit_usage = 2;

// epmdump replay FILE... [--format F]: offline replay of captures (cmd_replay.cpp).
CLI::App* add_replay_command(CLI::App& app, int& exit_status);

} // namespace epmdump::app
