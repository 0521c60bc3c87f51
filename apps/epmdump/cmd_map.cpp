// epmdump map HOST UUID[:MAJOR[.MINOR]] [--protseq P]: ept_map for one interface, the way to
// check a single service. Printed in any --format, as an enumeration of the towers returned.
#include "auth_setup.hpp"
#include "client_args.hpp"
#include "commands.hpp"
#include "option_checks.hpp"

#include <epmdump/client/client.hpp>
#include <epmdump/client/target_pattern.hpp>
#include <epmdump/session/status_text.hpp>
#include <epmdump/names/interface_names.hpp>
#include <epmdump/output/filter.hpp>
#include <epmdump/output/sanitize.hpp>
#include <epmdump/output/writer.hpp>

#include <charconv>
#include <iostream>
#include <memory>

namespace epmdump::app {

namespace {

struct map_args
{
    std::string host;
    std::string interface;
    std::string protseq = "ncacn_ip_tcp";
    client_args client;
    std::string format = "rpcdump";
    bool csv_bom = false;
    bool quiet = false;
};

std::optional<std::uint16_t> parse_u16(std::string_view s)
{
    std::uint16_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// "UUID", "UUID:MAJOR" or "UUID:MAJOR.MINOR". Without a version: the major version our names
// table knows (else 0) and minor 0, which ept_map matches against any registered minor.
std::optional<epm::syntax_id> parse_interface(std::string_view text, std::string& error)
{
    const auto colon = text.find(':');
    auto id = parse_uuid(text.substr(0, colon));
    if (!id)
    {
        error = "not a UUID";
        return std::nullopt;
    }
    epm::syntax_id s{*id, 0, 0};
    if (colon == std::string_view::npos)
    {
        if (const auto* known = names::find_interface(*id, 0); known && known->id == *id && known->major >= 0)
            s.major = static_cast<std::uint16_t>(known->major);
        return s;
    }
    const std::string_view version = text.substr(colon + 1);
    const auto dot = version.find('.');
    auto major = parse_u16(version.substr(0, dot));
    auto minor = dot == std::string_view::npos ? std::optional<std::uint16_t>(0) : parse_u16(version.substr(dot + 1));
    if (!major || !minor)
    {
        error = "version must be MAJOR or MAJOR.MINOR (0-65535 each)";
        return std::nullopt;
    }
    s.major = *major;
    s.minor = *minor;
    return s;
}

int run_map(const map_args& args, argv_secrets& secrets, output::sink& sink)
{
    const auto fmt = output::parse_format(args.format);
    if (!fmt)
    {
        std::cerr << "epmdump map: unknown format '" << args.format << "'\n";
        return exit_usage;
    }
    if (!check_csv_bom(args.csv_bom, *fmt)) return exit_usage;
    std::string error;
    auto pattern = client::parse_target(args.host, error);
    if (!pattern || pattern->count != 1)
    {
        std::cerr << "epmdump map: bad host '" << args.host << "': " << (error.empty() ? "one host only" : error) << '\n';
        return exit_usage;
    }
    auto interface = parse_interface(args.interface, error);
    if (!interface)
    {
        std::cerr << "epmdump map: bad interface '" << args.interface << "': " << error << '\n';
        return exit_usage;
    }
    const auto protseq = output::canonical_protseq(args.protseq);
    if (!protseq)
    {
        std::cerr << "epmdump map: --protseq '" << output::sanitize_text(args.protseq)
                  << "' is not a protocol sequence we know: " << protseq_choices() << '\n';
        return exit_usage;
    }
    std::optional<run_auth> auth;
    if (const int status = prepare_auth(args.client.auth, secrets, "epmdump map", exit_no_credentials, auth)) return status;
    auto t = pattern->at(0, args.client.port);
    auto copts = to_client_options(args.client, t.port);
    apply_auth(copts, auth);
    const auto r = client::map(t, *interface, *protseq, copts);
    epm::enumeration e;
    e.target = r.target;
    e.address = r.address;
    e.port = r.port;
    e.elapsed_ms = r.elapsed_ms;
    e.transport = r.transport;
    e.entries = r.towers;
    if (auth) e.auth = auth->info;
    if (r.error)
    {
        e.fail(client::to_enumeration_error(*r.error));
    }
    output::format_options fo;
    fo.csv_bom = args.csv_bom;
    fo.auth_columns = auth.has_value();
    fo.transport_column = !r.transport.empty(); // the scan's rule: TCP CSV keeps its columns
    output::writer out(sink.stream(), *fmt, fo);
    out.write(e);
    if (!out.end()) return exit_some_failed; // main turns this into exit_output
    if (r.error) return exit_some_failed;
    if (!r.registered())
    {
        if (!args.quiet)
            std::cerr << "epmdump map: " << to_string(interface->id) << " v" << interface->major << "." << interface->minor
                      << " is not registered for " << *protseq << " (" << client::ept_status_text(r.status) << ")\n";
        return exit_some_failed;
    }
    return exit_ok;
}

} // namespace

CLI::App* add_map_command(CLI::App& app, int& exit_status, output::sink& out, argv_secrets& secrets)
{
    auto args = std::make_shared<map_args>();
    CLI::App* cmd = app.add_subcommand("map", "ept_map: where one interface is reached (exit 0 registered, 1 not or failed)");
    cmd->add_option("host", args->host, "HOST, HOST:PORT or [IPv6]:PORT")->required();
    cmd->add_option("interface", args->interface, "UUID[:MAJOR[.MINOR]]")->required();
    cmd->add_option("--protseq", args->protseq, "Protocol sequence to map (ncacn_ip_tcp, ncacn_np, ncalrpc, ncacn_http, ...)")
        ->capture_default_str();
    add_client_options(*cmd, args->client);
    cmd->add_option("-f,--format", args->format, "rpcdump, impacket, json, csv or summary")->capture_default_str();
    cmd->add_flag("-q,--quiet", args->quiet, "No 'not registered' note on stderr");
    add_csv_bom_flag(*cmd, args->csv_bom);
    // Its own statuses: a subcommand would otherwise show the scan's footer, which it inherits.
    cmd->footer("Exit status: 0 the interface is registered for the protocol sequence, 1 it is not or the\n"
                "host could not be asked (connect, bind, fault, timeout, authentication), 2 usage error, 3 output\n"
                "could not be written, 4 credentials could not be acquired (-U, -k).");
    cmd->callback([args, &exit_status, &out, &secrets] { exit_status = run_map(*args, secrets, out); });
    return cmd;
}

} // namespace epmdump::app
