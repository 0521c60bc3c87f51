// epmdump: enumerate DCE/RPC endpoint mappers (live, from captures, or from dumps).
#include "commands.hpp"

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"epmdump - DCE/RPC endpoint-mapper client"};
    app.set_version_flag("--version", std::string("epmdump ") + EPMDUMP_VERSION);
    int exit_status = epmdump::app::exit_ok;
    // Subcommands register here, one line each.
    try
    {
        app.parse(argc, argv);
    }
    catch (const CLI::ParseError& e)
    {
        const int code = app.exit(e);
        return code == 0 ? 0 : epmdump::app::exit_usage;
    }
    return exit_status;
}
