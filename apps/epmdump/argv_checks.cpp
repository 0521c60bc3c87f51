#include "argv_checks.hpp"

#include <epmdump/output/sanitize.hpp>

#include <string_view>

namespace epmdump::app {

namespace {

// "/S", "/v", "/P": one letter after a slash is a switch of rpcdump.exe and other Windows
// tools; as a target it would only be a CIDR block with no address.
bool is_windows_switch(std::string_view word)
{
    return word.size() == 2 && word[0] == '/' &&
           ((word[1] >= 'a' && word[1] <= 'z') || (word[1] >= 'A' && word[1] <= 'Z'));
}

} // namespace

std::optional<std::string> argv_usage_error(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
    {
        const std::string_view word = argv[i];
        if (word == "--") break;
        if (word.starts_with("--") && word.size() > 3 && word.back() == '=' && word.find('=') == word.size() - 1)
        {
            const std::string name = output::sanitize_text(word.substr(0, word.size() - 1));
            return name + ": empty value; give " + name + "=VALUE or " + name + " VALUE";
        }
        if (word == "/S" || word == "/s")
            return "'/S SERVER' is rpcdump.exe's spelling: give the server as a target, 'epmdump SERVER' (see --help)";
        if (is_windows_switch(word))
            return "'" + std::string(word) + "' is a Windows-style switch: epmdump's options start with '-' (see --help)";
    }
    return std::nullopt;
}

void rewrite_windows_help(int argc, char** argv)
{
    static char help[] = "--help";
    for (int i = 1; i < argc; ++i)
    {
        const std::string_view word = argv[i];
        if (word == "--") break;
        if (word == "/?") argv[i] = help;
    }
}

} // namespace epmdump::app
