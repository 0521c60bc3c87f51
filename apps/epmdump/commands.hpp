#pragma once
// Each subcommand registers itself on the app; its callback sets the process exit status.
#include <CLI/CLI.hpp>

#include <epmdump/output/format.hpp>
#include <epmdump/output/sink.hpp>

namespace epmdump::app {

// Exit statuses scripts depend on (README): 0 all answered / healthy, 1 some failed, 2 usage error.
inline constexpr int exit_ok = 0;
inline constexpr int exit_some_failed = 1;
inline constexpr int exit_usage = 2;
// Standard output could not be written (full disk, closed pipe): every subcommand, over any other status.
inline constexpr int exit_output = 3;

// epmdump replay FILE... [--format F]: offline replay of captures (cmd_replay.cpp).
CLI::App* add_replay_command(CLI::App& app, int& exit_status, output::sink& out);

// epmdump exchange [TARGET] [--dump F] [--pcap F] [--registry F.reg] ...: KB 926210 check (cmd_exchange.cpp).
CLI::App* add_exchange_command(CLI::App& app, int& exit_status, output::sink& out);

// epmdump TARGET... : the live scan, on the top-level app itself (cmd_scan.cpp).
void add_scan_command(CLI::App& app, int& exit_status, output::sink& out);
// Renames nmap's "-iL FILE" to "--input-list FILE" before parsing (cmd_scan.cpp).
void rewrite_nmap_style_options(int argc, char** argv);
// epmdump map HOST UUID[:MAJOR.MINOR] [--protseq P]: ept_map for one interface (cmd_map.cpp).
CLI::App* add_map_command(CLI::App& app, int& exit_status, output::sink& out);

// The standard streams for the run (platform.cpp): stdout in binary mode on Windows, so every
// platform writes the bytes the formats chose; SIGPIPE ignored on POSIX, so a closed pipe is a
// write error (exit_output) and a scan stops cleanly instead of dying mid-line.
void prepare_standard_output() noexcept;

// --csv-bom on a table-printing subcommand, and its check: false (said on stderr, a usage
// error) when it comes with a format other than csv (output_options.cpp).
void add_csv_bom_flag(CLI::App& cmd, bool& csv_bom);
bool check_csv_bom(bool csv_bom, output::format f);

// Windows: while it lives, a console shows our UTF-8 text as UTF-8 ("Café", not "Caf├⌐"): the
// console's output code page is CP_UTF8, and the previous one is put back at the end. Nothing
// when neither stdout nor stderr is a console, nor on other platforms (platform.cpp).
class utf8_console
{
public:
    utf8_console() noexcept;
    ~utf8_console();
    utf8_console(const utf8_console&) = delete;
    utf8_console& operator=(const utf8_console&) = delete;

private:
    unsigned previous_code_page_ = 0; // 0: nothing to put back
};

// After the command: flushes out; when any write failed, says so on stderr and returns exit_output.
int finish_output(output::sink& out, int exit_status);
// The capture a bare `epmdump` replays: the checkout's, else PREFIX/share/epmdump's (platform.cpp).
const char* default_capture(const char* argv0);

} // namespace epmdump::app
