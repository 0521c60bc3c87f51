#pragma once
// The audit-campaign options of the scan: --exclude and --excludefile (nmap's spelling), and
// targets from a port scanner's output (--from-nmap, --from-masscan).
#include <CLI/CLI.hpp>

#include <epmdump/client/scanner_list.hpp>
#include <epmdump/client/target_exclusion.hpp>

#include <memory>
#include <string>
#include <vector>

namespace epmdump::app {

struct audit_args
{
    std::vector<std::string> exclude;      // each SPEC[,SPEC...]
    std::vector<std::string> exclude_files;
    std::vector<std::string> from_nmap;    // -oX or -oG files ("-": stdin)
    std::vector<std::string> from_masscan; // -oJ or -oL files
};

void add_audit_options(CLI::App& app, audit_args& args);

// The target lists: -iL files (a scanner's output detected), then --from-nmap, --from-masscan.
std::vector<client::list_file> target_lists(const std::vector<std::string>& input_lists, const audit_args& args);

// The exclusions asked for; nullptr when none; nullopt-like failure: `error` set (a usage error).
std::shared_ptr<const client::target_exclusions> make_exclusions(const audit_args& args, std::string& error);

} // namespace epmdump::app
