// epmdump diff OLD NEW: what changed between two saved scans (JSON Lines, rpcdump or impacket text).
#include "commands.hpp"
#include "input_bytes.hpp"

#include <epmdump/core/text_encoding.hpp>
#include <epmdump/output/diff.hpp>
#include <epmdump/output/reader.hpp>
#include <epmdump/output/sanitize.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::app {

namespace {

struct diff_args
{
    std::string old_file;
    std::string new_file;
    std::string format = "text";
    std::vector<std::string> ignore;
};

// One side read through the dump readers; nullopt after saying why on stderr.
std::optional<output::diff_side> read_diff_side(const std::string& path)
{
    std::string why;
    const auto bytes = read_input_bytes(path, why);
    if (!bytes)
    {
        std::cerr << "epmdump diff: " << output::sanitize_text(path) << ": " << why << '\n';
        return std::nullopt;
    }
    // rpcdump /S server > file from Windows PowerShell 5 is UTF-16LE; the readers want UTF-8.
    auto d = output::read_dump(decode_text(*bytes));
    if (!d)
    {
        std::cerr << "epmdump diff: " << output::sanitize_text(path) << ": " << output::sanitize_text(d.error().message())
                  << '\n';
        return std::nullopt;
    }
    output::diff_side side;
    side.has_versions = d->detected != output::format::rpcdump;
    side.has_objects = d->detected == output::format::json;
    side.enumerations = std::move(d->enumerations);
    return side;
}

int run_diff(const diff_args& args, output::sink& sink)
{
    if (args.format != "text" && args.format != "json")
    {
        std::cerr << "epmdump diff: unknown format '" << output::sanitize_text(args.format) << "' (text, json)\n";
        return exit_usage;
    }
    if (args.old_file == "-" && args.new_file == "-")
    {
        std::cerr << "epmdump diff: standard input ('-') can be read only once\n";
        return exit_usage;
    }
    std::vector<output::diff_ignore> ignore;
    for (const auto& spec : args.ignore)
    {
        auto parsed = output::parse_diff_ignore(spec);
        if (parsed.error)
        {
            std::cerr << "epmdump diff: --ignore " << output::sanitize_text(spec) << ": "
                      << output::sanitize_text(*parsed.error) << '\n';
            return exit_usage;
        }
        ignore.insert(ignore.end(), parsed.rules.begin(), parsed.rules.end());
    }
    const auto old_side = read_diff_side(args.old_file);
    if (!old_side) return exit_usage;
    const auto new_side = read_diff_side(args.new_file);
    if (!new_side) return exit_usage;
    const auto result = output::diff_scans(*old_side, *new_side, ignore);
    if (args.format == "json")
        output::write_diff_json(sink.stream(), result);
    else
        output::write_diff_text(sink.stream(), result);
    return result.differs() ? exit_some_failed : exit_ok;
}

} // namespace

CLI::App* add_diff_command(CLI::App& app, int& exit_status, output::sink& out)
{
    auto args = std::make_shared<diff_args>();
    CLI::App* cmd = app.add_subcommand("diff", "What changed between two saved scans (hosts, endpoints, moved ports)");
    cmd->add_option("old", args->old_file, "The earlier scan: JSON Lines, rpcdump or impacket text; - reads standard input")
        ->required();
    cmd->add_option("new", args->new_file, "The later scan, in any of the same formats")->required();
    cmd->add_option("--format,-f", args->format, "text or json (JSON Lines, SCHEMA.md)")->capture_default_str();
    cmd->add_option("--ignore", args->ignore,
                    "Leave out of the comparison: FIELD or FIELD=UUID[:MAJOR.MINOR], comma-separated; FIELD is port "
                    "(TCP/UDP/HTTP endpoints), endpoint (every endpoint) or annotation")
        ->allow_extra_args(false);
    cmd->footer("An endpoint that keeps its interface, object, protseq and host but not its endpoint is 'moved'.\n"
                "Exit status: 0 the scans are the same, 1 they differ, 2 usage error or an input that cannot be read,\n"
                "3 output could not be written (full disk, closed pipe).");
    cmd->callback([args, &exit_status, &out] { exit_status = run_diff(*args, out); });
    return cmd;
}

} // namespace epmdump::app
