// Output options shared by every subcommand that prints tables (scan, replay, map).
#include "commands.hpp"

#include <iostream>

namespace epmdump::app {

void add_csv_bom_flag(CLI::App& cmd, bool& csv_bom)
{
    cmd.add_flag("--csv-bom", csv_bom, "csv: start with a UTF-8 byte order mark, so Excel reads non-ASCII text right");
}

bool check_csv_bom(bool csv_bom, output::format f)
{
    if (!csv_bom || f == output::format::csv) return true;
    std::cerr << "epmdump: --csv-bom needs --format csv\n";
    return false;
}

} // namespace epmdump::app
