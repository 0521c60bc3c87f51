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
    app.add_option("--from-nmap", args.from_nmap,
                   "Scan the hosts nmap found with 135/tcp (or 445, 139, 593: see --transport) open, from its -oX or -oG FILE ('-' = stdin; repeatable)")
        ->allow_extra_args(false)
        ->group("Scope");
    app.add_option("--from-masscan", args.from_masscan,
                   "The same from masscan's -oJ or -oL FILE ('-' = stdin; repeatable)")
        ->allow_extra_args(false)
        ->group("Scope");
}

std::vector<client::list_file> target_lists(const std::vector<std::string>& input_lists, const audit_args& args)
{
    std::vector<client::list_file> out;
    for (const auto& f : input_lists) out.push_back({f, client::list_kind::any});
    for (const auto& f : args.from_nmap) out.push_back({f, client::list_kind::nmap});
    for (const auto& f : args.from_masscan) out.push_back({f, client::list_kind::masscan});
    return out;
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
