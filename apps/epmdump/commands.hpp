#pragma once
// Each subcommand registers itself on the app; its callback sets the process exit status.
#include <CLI/CLI.hpp>

#include <cstddef>

namespace epmdump::app {

// Exit statuses scripts depend on (README): 0 all answered / healthy, 1 some failed, 2 usage error.
inline constexpr int exit_ok = 0;
inline constexpr int exit_some_failed = 1;
inline constexpr int exit_usage = 2;

// epmdump replay FILE... [--format F]: offline replay of captures (cmd_replay.cpp).
CLI::App* add_replay_command(CLI::App& app, int& exit_status);

// epmdump exchange [TARGET] [--dump F] [--pcap F] [--registry F.reg] ...: KB 926210 check (cmd_exchange.cpp).
CLI::App* add_exchange_command(CLI::App& app, int& exit_status);

// epmdump TARGET... : the live scan, on the top-level app itself (cmd_scan.cpp).
void add_scan_command(CLI::App& app, int& exit_status);
// Renames nmap's "-iL FILE" to "--input-list FILE" before parsing (cmd_scan.cpp).
void rewrite_nmap_style_options(int argc, char** argv);
// epmdump map HOST UUID[:MAJOR.MINOR] [--protseq P]: ept_map for one interface (cmd_map.cpp).
CLI::App* add_map_command(CLI::App& app, int& exit_status);

// Windows: stdout in binary mode, so every platform writes the same bytes (platform.cpp).
void use_binary_stdout() noexcept;
// Windows: stdin in binary mode, for a dump read from "-" (platform.cpp).
void use_binary_stdin() noexcept;
// Terminal detection, once for every command (platform.cpp).
bool stdout_is_a_terminal() noexcept;
// ANSI colours on stdout: a terminal that shows them (Windows: virtual-terminal processing
// switched on), and NO_COLOR not set to a non-empty value.
bool stdout_supports_colour() noexcept;
// Columns of the terminal stdout writes to; 80 when it is not a terminal.
std::size_t stdout_columns() noexcept;
// The capture a bare `epmdump` replays: the checkout's, else PREFIX/share/epmdump's (platform.cpp).
const char* default_capture(const char* argv0);

} // namespace epmdump::app
