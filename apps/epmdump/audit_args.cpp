#include "audit_args.hpp"

#include <epmdump/client/target_list.hpp>

#include <string_view>

namespace epmdump::app {

void add_audit_options(CLI::App& app, audit_args& args)
{
    app.add_option("--exclude", args.exclude,
                   "Never scan these: SPEC[,SPEC...] in the target grammar (names, addresses, CIDR, ranges; repeatable)")
        ->allow_extra_args(false)
        ->group("Scope");
    app.add_option("--excludefile", args.exclude_files, "Never scan the hosts listed in FILE (as -iL reads it; repeatable)")
        ->allow_extra_args(false)
        ->group("Scope");
}

std::shared_ptr<const client::target_exclusions> make_exclusions(const audit_args& args, std::string& error)
{
    if (args.exclude.empty() && args.exclude_files.empty()) return nullptr;
    auto set = std::make_shared<client::target_exclusions>();
    for (const auto& spec : args.exclude)
    {
        std::string_view rest = spec;
        while (true)
        {
            const auto comma = rest.find(',');
            const auto word = rest.substr(0, comma);
            std::string why;
            if (!set->add(word, why))
            {
                error = "--exclude " + client::quote_word(word) + ": " + why;
                return nullptr;
            }
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    for (const auto& file : args.exclude_files)
        if (!set->add_file(file, error)) return nullptr;
    return set;
}

} // namespace epmdump::app
