// epmdump exchange [TARGET] [--dump F] [--pcap F] [--registry F.reg] [--static-port S=P] [--netstat F]:
// KB 926210 in one command. Reads the inputs (and, live, probes the ports the check asks about),
// hands them to the Exchange library, prints its report.
#include "auth_setup.hpp"
#include "client_args.hpp"
#include "commands.hpp"
#include "input_bytes.hpp"
#include "exchange_probes.hpp"
#include "file_arguments.hpp"

#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/capture/replay.hpp>
#include <epmdump/client/client.hpp>
#include <epmdump/client/detail/utf8_path.hpp>
#include <epmdump/client/target_pattern.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/exchange/listing.hpp>
#include <epmdump/exchange/netstat.hpp>
#include <epmdump/exchange/registry.hpp>
#include <epmdump/exchange/report_format.hpp>
#include <epmdump/exchange/static_ports.hpp>
#include <epmdump/core/text_encoding.hpp>
#include <epmdump/output/format.hpp>
#include <epmdump/output/reader.hpp>
#include <epmdump/output/sanitize.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::app {

using client::detail::path_from_utf8;

namespace {

struct exchange_args
{
    std::string target;
    std::vector<std::string> dumps;
    std::vector<std::string> pcaps;
    std::vector<std::string> registries;
    std::vector<std::string> static_ports;
    std::string netstat;
    std::string profile = "auto";
    std::string format = "text";
    bool no_verify = false;
    bool no_probe = false;
    client_args client;
};

// An input the user named that we cannot use: say which and why, and stop (exit status 2).
struct input_failure
{
    std::string message;
};

std::vector<std::byte> read_bytes(const std::string& path)
{
    // "-": standard input (rpcdump /S server | epmdump exchange --dump -); run_exchange allows one.
    std::string why;
    auto bytes = read_input_bytes(path, why);
    if (!bytes) throw input_failure{path + ": " + why};
    return std::move(*bytes);
}

std::string base_name(const std::string& path)
{
    if (path == "-") return "stdin";
    const auto name = path_from_utf8(path).filename().u8string(); // UTF-8 on Windows too
    return {name.begin(), name.end()};
}

// An existing file, or "-" for standard input.
const CLI::Validator file_or_stdin(
    [](std::string& path) { return path == "-" ? std::string{} : CLI::ExistingFile(path); }, "FILE|-");

std::vector<epm::enumeration> read_dump_file(const std::string& path)
{
    // rpcdump /S server > file from Windows PowerShell 5 is UTF-16LE; the readers want UTF-8.
    const auto text = decode_text(read_bytes(path));
    auto d = output::read_dump(text);
    // A dump cut mid-line (a killed scan's JSON Lines, a copy stopped early) is refused at its
    // last, unterminated line: check the lines before it, and say the listing is partial.
    const auto last_break = text.find_last_of('\n');
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    const bool cut = !d && last_break != std::string::npos && last_break + 1 < text.size() && d.error().line == lines;
    if (cut) d = output::read_dump(std::string_view(text).substr(0, last_break + 1));
    if (!d) throw input_failure{path + ": " + d.error().message()};
    for (auto& e : d->enumerations)
        if (e.target.empty()) e.target = base_name(path);
    if (cut)
    {
        const auto why = "the dump ends mid-line at line " + std::to_string(lines);
        std::cerr << "epmdump exchange: " << output::sanitize_text(path) << ": " << why << "; checking the " << lines - 1
                  << " lines before it (the listing is partial)\n";
        // JSON Lines: the lost line was a listing of its own. Text: the last listing lost its tail.
        if (d->detected == output::format::json || d->enumerations.empty())
        {
            epm::enumeration lost;
            lost.target = base_name(path) + " line " + std::to_string(lines);
            d->enumerations.push_back(std::move(lost));
        }
        exchange::mark_cut(d->enumerations.back(), why);
    }
    if (d->enumerations.empty()) throw input_failure{path + ": no endpoint-mapper listing in it"};
    return std::move(d->enumerations);
}

std::vector<epm::enumeration> read_capture(const std::string& path)
{
    auto r = capture::replay_file(path_from_utf8(path));
    std::vector<epm::enumeration> out;
    for (auto& c : r.conversations)
    {
        // A full listing: an ept_lookup of every element (not one interface or object).
        const bool listed = std::any_of(c.calls.begin(), c.calls.end(), [](const capture::epm_call& call) {
            return call.opnum == epm::opnum_ept_lookup && call.inquiry_type.value_or(epm::rpc_c_ep_all_elts) == epm::rpc_c_ep_all_elts;
        });
        exchange::require_full_listing(c.enumeration, listed);
        out.push_back(std::move(c.enumeration));
    }
    if (r.error && out.empty()) throw input_failure{r.error->to_string()};
    if (r.error)
        std::cerr << "epmdump exchange: " << output::sanitize_text(r.error->to_string()) << " (using the conversations before it)\n";
    if (out.empty()) out.push_back(exchange::no_conversation(base_name(path)));
    return out;
}

struct live_listing
{
    epm::enumeration enumeration;
    client::client_options options; // the same timeouts serve the probes
};

live_listing enumerate_live(const exchange_args& args, const std::optional<run_auth>& auth)
{
    std::string error;
    const auto pattern = client::parse_target(args.target, error);
    if (!pattern) throw input_failure{"target '" + args.target + "': " + error};
    if (pattern->count != 1) throw input_failure{"target '" + args.target + "': give one host, not a block"};
    auto options = to_client_options(args.client, pattern->port);
    apply_auth(options, auth);
    options.verify = !args.no_verify; // "registered but not answering" needs the ping
    const auto t = pattern->at(0, args.client.port != 0 ? args.client.port : client::default_port(options.transport));
    auto e = client::enumerate(t, options).enumeration;
    if (auth && !e.auth) e.auth = auth->info;
    return {std::move(e), options};
}

int run_exchange(const exchange_args& args, argv_secrets& secrets, output::sink& out)
{
    if (args.target.empty() && args.dumps.empty() && args.pcaps.empty())
    {
        std::cerr << "epmdump exchange: give a TARGET, --dump FILE or --pcap FILE\n";
        return exit_usage;
    }
    if (std::count(args.dumps.begin(), args.dumps.end(), "-") > 1)
    {
        std::cerr << "epmdump exchange: standard input ('-') can be read only once\n";
        return exit_usage;
    }
    if (args.target.empty() && auth_requested(args.client.auth, secrets))
    {
        std::cerr << "epmdump exchange: authentication options (-U, -k, --auth-*) are for a live TARGET, not for dumps or captures\n";
        return exit_usage;
    }
    std::optional<run_auth> auth; // 2 when it cannot be made: could not check
    if (const int status = prepare_auth(args.client.auth, secrets, "epmdump exchange", exit_usage, auth)) return status;
    exchange::diagnosis_input in;
    if (args.profile != "auto")
        in.profile = exchange::parse_version(args.profile);
    try
    {
        for (const auto& path : args.registries)
        {
            auto reg = exchange::parse_registry(read_bytes(path));
            if (!reg) throw input_failure{path + ": " + reg.error().message};
            for (const auto& skipped : reg->skipped)
                std::cerr << "epmdump exchange: " << output::sanitize_text(path) << " line " << skipped.line << ": "
                          << output::sanitize_text(skipped.message) << " (line ignored)\n";
            auto found = exchange::find_static_ports(*reg, base_name(path));
            in.static_ports.insert(in.static_ports.end(), found.begin(), found.end());
        }
        // After the registry files: for the same value, a flag wins (diagnose keeps the last one).
        for (const auto& text : args.static_ports)
        {
            auto c = exchange::parse_static_port_option(text);
            if (!c) throw input_failure{"--static-port " + text + ": " + c.error().message};
            in.static_ports.push_back(std::move(*c));
        }
        if (!args.netstat.empty())
        {
            auto snap = exchange::parse_netstat(decode_text(read_bytes(args.netstat)));
            if (!snap) throw input_failure{args.netstat + ": " + snap.error().message};
            in.netstat = std::move(*snap);
        }
        for (const auto& path : args.dumps)
            for (auto& e : read_dump_file(path)) in.enumerations.push_back(std::move(e));
        for (const auto& path : expand_wildcards(args.pcaps).files) // the check let only matching patterns in
            for (auto& e : read_capture(path)) in.enumerations.push_back(std::move(e));
        if (!args.target.empty())
        {
            auto live = enumerate_live(args, auth);
            in.enumerations.push_back(live.enumeration);
            // Only a live host can be asked: offline inputs (dumps, captures) are never probed.
            if (!args.no_probe)
                in.probes = probe_exchange_ports(in, live.enumeration, live.options, !args.no_verify);
        }
    }
    catch (const input_failure& f)
    {
        std::cerr << "epmdump exchange: " << output::sanitize_text(f.message) << '\n';
        // A script reading JSON gets its object too: verdict "unknown" and the reason.
        if (args.format == "json")
        {
            exchange::diagnosis_input unread;
            unread.unreadable.push_back(f.message);
            out.stream() << exchange::render_json(exchange::diagnose(unread));
        }
        return exit_usage; // 2: could not check
    }

    const auto report = exchange::diagnose(in);
    if (args.format == "json")
        out.stream() << exchange::render_json(report);
    else
        out.stream() << output::with_line_ending(
            exchange::render_text(report, {.colour = stdout_supports_colour(), .width = stdout_columns()}),
            output::platform_line_ending); // CR LF on Windows, like the rpcdump text it is read beside
    if (!out.flush()) return exit_usage; // main turns this into exit_output

    switch (report.outcome)
    {
    case exchange::verdict::healthy: return exit_ok;
    case exchange::verdict::problems:
    case exchange::verdict::not_exchange: return exit_some_failed;
    case exchange::verdict::incomplete: // a partial listing: could not check everything
    case exchange::verdict::unknown: return exit_usage;
    }
    return exit_usage;
}

} // namespace

CLI::App* add_exchange_command(CLI::App& app, int& exit_status, output::sink& out, argv_secrets& secrets)
{
    auto args = std::make_shared<exchange_args>();
    CLI::App* cmd = app.add_subcommand(
        "exchange", "Diagnose Exchange RPC registrations and static ports (KB 926210): live, capture or saved dump");
    cmd->add_option("target", args->target, "Exchange server to ask (HOST or HOST:PORT); endpoints are verified");
    // One value per occurrence (repeat the option): "--static-port store=6001 HOST" must leave HOST
    // to the target, not take it as a second value.
    cmd->add_option("--dump", args->dumps, "Saved listing: rpcdump.exe text, impacket rpcdump text or our JSON Lines ('-' = stdin; repeatable)")
        ->check(file_or_stdin)
        ->allow_extra_args(false);
    cmd->add_option("--pcap", args->pcaps, "Capture (pcap/pcapng) of an endpoint-mapper conversation (repeatable)")
        ->check(existing_file_or_pattern())
        ->allow_extra_args(false);
    cmd->add_option("--registry", args->registries, "regedit export (.reg) with the Exchange service keys (repeatable)")
        ->check(CLI::ExistingFile)
        ->allow_extra_args(false);
    cmd->add_option("--static-port", args->static_ports,
                    "Configured static port, SERVICE=PORT (store, nspi, rfr, ds, mta, rpc, ab; repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--netstat", args->netstat, "netstat -an / -ano output from the server (or ss -ltn / netstat -ltn)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--version-profile", args->profile, "Exchange version: 2000, 2003, 2007, 2010 or auto")
        ->check(CLI::IsMember({"2000", "2003", "2007", "2010", "auto"}))
        ->capture_default_str();
    cmd->add_option("--format,-f", args->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    cmd->add_flag("--no-verify", args->no_verify,
                  "Live: do not connect to each registered endpoint (no ping, no probe of registered ports)");
    cmd->add_flag("--no-probe", args->no_probe,
                  "Live: do not ask ports what they serve (who holds a static port, whether registered ports serve)");
    add_client_options(*cmd, args->client);
    cmd->footer("Exit status: 0 healthy, 1 findings of severity error (or not an Exchange server), 2 could not check\n"
                "(nothing readable, a usage error, a partial listing only: verdict incomplete, or credentials\n"
                "that could not be acquired: -U, -k), 3 output could not be written.");
    cmd->callback([args, &exit_status, &out, &secrets] { exit_status = run_exchange(*args, secrets, out); });
    return cmd;
}

} // namespace epmdump::app
