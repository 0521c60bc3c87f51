// epmdump: enumerate DCE/RPC endpoint mappers (live, from captures, or from dumps).
#include "argv_checks.hpp"
#include "argv_secrets.hpp"
#include "auth_setup.hpp"
#include "commands.hpp"

#include <iostream>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int main(int argc, char** argv)
{
#if defined(__GLIBC__)
    // Replay frees each conversation's buffers as the next one needs as much again: without slack at
    // the heap's top glibc hands it back and faults it in anew each time (16,800 page faults, 4,000
    // brk calls on issue #18's 2,000-conversation capture; 800 and 2 with 1 MiB of slack).
    mallopt(M_TOP_PAD, 1 << 20);
#endif
    epmdump::app::prepare_standard_output();
    const epmdump::app::utf8_console console; // Windows: UTF-8 annotations shown right in cmd
    // -U's %PASSWORD and --nt-hash out of argv first: /proc/PID/cmdline shows them no longer.
    epmdump::app::argv_secrets secrets;
    epmdump::app::take_argv_secrets(argc, argv, secrets);
    if (secrets.any()) epmdump::app::keep_secrets_out_of_dumps();
    // UTF-8 words on every platform (Windows: from the UTF-16 command line); argv points into them.
    std::vector<std::string> words = epmdump::app::utf8_arguments(argc, argv);
    std::vector<char*> word_pointers;
    for (auto& w : words) word_pointers.push_back(w.data());
    word_pointers.push_back(nullptr);
    argv = word_pointers.data();
    epmdump::app::take_argv_secrets(argc, argv, secrets); // Windows: the words came from the UTF-16 command line
    CLI::App app{"epmdump - DCE/RPC endpoint-mapper client"};
    app.set_version_flag("--version", std::string("epmdump ") + EPMDUMP_VERSION);
    app.allow_windows_style_options(false); // CLI11's Windows default: "/dir/a.pcap" would be an option
    int exit_status = epmdump::app::exit_ok;
    epmdump::output::sink out(stdout); // every subcommand's results go through it (exit status 3 on failure)
    // Subcommands register here, one line each.
    epmdump::app::add_replay_command(app, exit_status, out);
    epmdump::app::add_scan_command(app, exit_status, out, secrets);
    epmdump::app::add_map_command(app, exit_status, out, secrets);
    epmdump::app::add_probe_command(app, exit_status, out, secrets);
    epmdump::app::add_exchange_command(app, exit_status, out, secrets);
    epmdump::app::add_diff_command(app, exit_status, out);
    // No arguments at all: show what the tool does by replaying the bundled capture.
    const char* demo_argv[] = {argv[0], "replay", "--bundled", epmdump::app::bundled_capture_name(), nullptr};
    if (argc == 1) argc = 4, argv = const_cast<char**>(demo_argv);
    epmdump::app::rewrite_nmap_style_options(argc, argv);
    epmdump::app::rewrite_windows_help(argc, argv);
    if (const auto problem = epmdump::app::argv_usage_error(argc, argv))
    {
        std::cerr << "epmdump: " << *problem << '\n';
        return epmdump::app::exit_usage;
    }
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
