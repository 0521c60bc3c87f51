// epmdump: enumerate DCE/RPC endpoint mappers (live, from captures, or from dumps).
#include "commands.hpp"

#include <iostream>

int main(int argc, char** argv)
{
    epmdump::app::prepare_standard_output();
    const epmdump::app::utf8_console console; // Windows: UTF-8 annotations shown right in cmd
    CLI::App app{"epmdump - DCE/RPC endpoint-mapper client"};
    app.set_version_flag("--version", std::string("epmdump ") + EPMDUMP_VERSION);
    app.allow_windows_style_options(false); // CLI11's Windows default: "/dir/a.pcap" would be an option
    int exit_status = epmdump::app::exit_ok;
    epmdump::output::sink out(stdout); // every subcommand's results go through it (exit status 3 on failure)
    // Subcommands register here, one line each.
    epmdump::app::add_replay_command(app, exit_status, out);
    epmdump::app::add_scan_command(app, exit_status, out);
    epmdump::app::add_map_command(app, exit_status, out);
    epmdump::app::add_exchange_command(app, exit_status, out);
    // No arguments at all: show what the tool does by replaying the bundled capture.
    const char* demo_argv[] = {argv[0], "replay", epmdump::app::default_capture(argv[0]), nullptr};
    if (argc == 1) argc = 3, argv = const_cast<char**>(demo_argv);
    epmdump::app::rewrite_nmap_style_options(argc, argv);
    try
    {
        app.parse(argc, argv);
    }
    catch (const CLI::ParseError& e)
    {
        // --help and --version go through the sink too: a full disk is reported for them as well.
        const int code = app.exit(e, out.stream(), std::cerr);
        return epmdump::app::finish_output(out, code == 0 ? 0 : epmdump::app::exit_usage);
    }
    return epmdump::app::finish_output(out, exit_status);
}
