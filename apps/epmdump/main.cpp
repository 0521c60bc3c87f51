// epmdump: enumerate DCE/RPC endpoint mappers (live, from captures, or from dumps).
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"epmdump - DCE/RPC endpoint-mapper client"};
    app.set_version_flag("--version", std::string("epmdump ") + EPMDUMP_VERSION);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
