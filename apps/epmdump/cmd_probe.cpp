// epmdump probe TARGET[:PORT[,PORT...]]... [--ports LIST] [--registered]: ask each port what it
// serves (client/probe_scan.hpp schedules host x port probes; this file parses and prints).
#include "auth_setup.hpp"
#include "client_args.hpp"
#include "commands.hpp"
#include "fd_limit.hpp"
#include "misplaced_word.hpp"
#include "option_checks.hpp"
#include "progress.hpp"
#include "run_controls.hpp"

#include <epmdump/client/port_list.hpp>
#include <epmdump/client/probe_scan.hpp>
#include <epmdump/client/target_feed.hpp>
#include <epmdump/client/target_list.hpp>
#include <epmdump/output/probe_writer.hpp>
#include <epmdump/output/sanitize.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <utility>

namespace epmdump::app {

namespace {

namespace asio = boost::asio;

struct probe_args
{
    std::vector<std::string> targets;
    std::vector<std::string> lists;
    client_args client;
    std::string ports;
    bool registered = false;
    std::size_t concurrency = 64;
    std::size_t per_host = 8;
    double rate = 0;
    bool no_identify = false;
    bool no_fallback = false;
    bool brute_versions = false;
    std::string format = "rpcdump";
    bool csv_bom = false;
    bool quiet = false;
};

// A command-line word: hosts (a name, an address, a block) and the ports given with them.
struct probe_word
{
    client::target_pattern hosts;
    client::port_list ports;
};

// "HOST", "HOST:PORT", "HOST:PORT,PORT-PORT", "[IPv6]:PORTS", "10.0.0.0/24:135,445".
std::optional<probe_word> parse_probe_word(std::string_view word, std::string& error)
{
    std::string whole_error;
    if (auto p = client::parse_target(word, whole_error))
    {
        probe_word w{*p, {}};
        // ncacn_np:HOST[\pipe\NAME] probes that pipe over SMB 445 unless a port is given.
        const std::uint16_t port = p->port != 0 ? p->port : p->via == client::transport::ncacn_np ? 445 : 0;
        if (port != 0) w.ports.add(client::port_range{port, port});
        w.hosts.port = 0;
        return w;
    }
    const auto colon = word.rfind(':');
    const std::string_view host = colon == std::string_view::npos ? word : word.substr(0, colon);
    const bool unbracketed_v6 = host.find(':') != std::string_view::npos && host.front() != '[';
    if (colon == std::string_view::npos || unbracketed_v6)
    {
        error = unbracketed_v6 ? "an IPv6 address with ports goes in brackets: [ADDRESS]:PORT,PORT" : whole_error;
        return std::nullopt;
    }
    auto p = client::parse_target(host, error);
    if (!p) return std::nullopt;
    std::string list_error;
    auto ports = client::port_list::parse(word.substr(colon + 1), list_error);
    if (!ports || p->port != 0)
    {
        error = "bad port list: " + (ports ? std::string("a port twice") : list_error);
        return std::nullopt;
    }
    p->port = 0;
    return probe_word{*p, std::move(*ports)};
}

struct probe_plan
{
    output::format format{};
    output::format_options format_options;
    client::probe_scan_options scan;
    std::vector<probe_word> words;
    client::port_list ports; // --ports, for every target
    std::unique_ptr<client::target_source> lists;
    std::uint64_t known_ports = 0; // without lists or --registered: every port to probe
    bool smb = false;        // an ncacn_np: word: the run probes a pipe over SMB
    std::string pipe;        // its pipe (empty: \pipe\epmapper)
};

std::optional<probe_plan> make_probe_plan(const probe_args& args)
{
    probe_plan plan;
    const auto fmt = output::parse_format(args.format);
    if (!fmt || *fmt == output::format::impacket || *fmt == output::format::summary)
    {
        std::cerr << "epmdump probe: " << (!fmt ? "unknown format, use"
                                              : *fmt == output::format::impacket ? "impacket's layout lists a mapper's entries, not ports: use"
                                                                                 : "the summary lists hosts' roles, not ports: use")
                  << " rpcdump, json or csv (got " << client::quote_word(args.format) << ")\n";
        return std::nullopt;
    }
    plan.format = *fmt;
    if (!check_csv_bom(args.csv_bom, *fmt)) return std::nullopt;
    plan.format_options.csv_bom = args.csv_bom;
    if (!args.ports.empty())
    {
        std::string error;
        auto p = client::port_list::parse(args.ports, error);
        if (!p)
        {
            std::cerr << "epmdump probe: --ports " << client::quote_word(args.ports) << ": " << error << '\n';
            return std::nullopt;
        }
        plan.ports = std::move(*p);
    }
    if (args.targets.empty() && args.lists.empty())
    {
        std::cerr << "epmdump probe: no targets (give HOST[:PORT,...], CIDR blocks, ranges, or -iL FILE); see --help\n";
        return std::nullopt;
    }
    for (const auto& w : args.targets)
    {
        if (auto hint = misplaced_word(w, false); !hint.empty())
        {
            std::cerr << "epmdump probe: " << hint << '\n';
            return std::nullopt;
        }
        std::string error;
        auto p = parse_probe_word(w, error);
        if (!p)
        {
            std::cerr << "epmdump probe: bad target " << client::quote_word(w) << ": " << error << '\n';
            return std::nullopt;
        }
        if (p->ports.empty() && plan.ports.empty() && !args.registered)
        {
            std::cerr << "epmdump probe: no ports for " << client::quote_word(w)
                      << ": give TARGET:PORT[,PORT...], --ports LIST or --registered\n";
            return std::nullopt;
        }
        // One run probes one pipe over SMB: the options are the run's, not the word's.
        if (p->hosts.via == client::transport::ncacn_np)
        {
            if (!plan.pipe.empty() && plan.pipe != p->hosts.pipe)
            {
                std::cerr << "epmdump probe: one pipe per run (" << output::sanitize_text(plan.pipe) << " and "
                          << output::sanitize_text(p->hosts.pipe) << ")\n";
                return std::nullopt;
            }
            plan.smb = true;
            plan.pipe = p->hosts.pipe;
        }
        auto all = p->ports;
        all.add(plan.ports);
        plan.known_ports += p->hosts.count * all.size();
        plan.words.push_back(std::move(*p));
    }
    plan.lists = std::make_unique<client::target_source>(std::vector<client::target_pattern>{}, args.lists, 0);
    if (!plan.lists->list_error().empty())
    {
        std::cerr << "epmdump probe: " << plan.lists->list_error() << '\n';
        return std::nullopt;
    }
    const auto fit = fit_concurrency_to_descriptors(args.concurrency, 1);
    if (!fit.notice.empty()) std::cerr << "epmdump probe: " << fit.notice << '\n';
    auto& s = plan.scan;
    s.concurrency = fit.concurrency;
    s.per_host = args.per_host;
    s.rate = args.rate;
    s.probe.base = to_client_options(args.client);
    if (plan.smb) s.probe.base.transport = client::transport::ncacn_np;
    if (!plan.pipe.empty()) s.probe.base.pipe = plan.pipe;
    s.probe.identify = !args.no_identify;
    s.probe.fallback = !args.no_fallback;
    s.probe.brute_versions = args.brute_versions;
    return plan;
}

struct probe_outcome
{
    client::probe_scan_summary summary;
    bool interrupted = false;
    std::map<std::string, std::uint64_t> failed_by_kind; // ports in state error, hosts not probed
    bool list_failed = false;
    std::uint64_t bad_entries = 0; // bad words in lists, list entries without ports
    bool output_ok = true;
};

probe_outcome run_probe_loop(const probe_args& args, probe_plan& plan, output::sink& sink,
                             const std::optional<epm::auth_info>& run_auth_info)
{
    probe_outcome outcome;
    progress_line progress(std::cerr, !args.quiet && stderr_is_a_terminal());
    auto warn = [&](const std::string& warning) {
        progress.clear();
        std::cerr << "epmdump probe: " << warning << '\n';
    };
    asio::io_context io;
    client::target_feed feed(io.get_executor(), std::move(plan.lists), warn);
    client::probe_scanner scanner(io.get_executor(), plan.scan);
    output::probe_writer out(sink.stream(), plan.format, plan.format_options);
    out.begin();

    // Command-line words first, each block expanded one host at a time, then the lists.
    std::size_t word = 0;
    std::uint64_t index = 0;
    bool lists_done = false;
    auto pull = [&]() -> asio::awaitable<std::optional<client::probe_job>> {
        while (word < plan.words.size())
        {
            const auto& w = plan.words[word];
            if (index < w.hosts.count)
            {
                client::probe_job job{w.hosts.at(index++, 0), w.ports, args.registered};
                job.host.port = args.client.port; // the endpoint mapper's, for --registered
                job.ports.add(plan.ports);
                co_return job;
            }
            ++word;
            index = 0;
        }
        while (auto t = co_await feed.next())
        {
            client::probe_job job{*t, plan.ports, args.registered};
            if (t->port != 0) job.ports.add(client::port_range{t->port, t->port});
            job.host.port = args.client.port;
            if (job.ports.empty() && !job.registered)
            {
                ++outcome.bad_entries;
                warn("no ports for " + client::quote_word(t->name()) + " from a list: give HOST:PORT there, or --ports/--registered");
                continue;
            }
            co_return job;
        }
        lists_done = true;
        co_return std::nullopt;
    };

    const auto started = std::chrono::steady_clock::now();
    const bool total_known = !args.registered && args.lists.empty();
    auto counts = [&] {
        const auto& s = scanner.summary();
        return progress_counts{s.ports_finished + s.ports_cancelled, total_known ? plan.known_ports : s.ports_known,
                               total_known || lists_done, s.ports_finished - s.ports_error, s.ports_error,
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), "ports"};
    };
    run_controls controls(io, progress, counts, [&] {
        feed.stop();
        scanner.stop();
    });

    const bool shared_screen = progress.enabled() && stdout_is_a_terminal();
    auto emit = [&](epm::probe_report&& r) {
        if (run_auth_info && !r.probe.auth) r.probe.auth = run_auth_info;
        const auto& p = r.probe;
        const bool cancelled = p.error && p.error->kind == epm::failure_kind::cancelled;
        if (p.state == epm::port_state::error && !cancelled)
            ++outcome.failed_by_kind[std::string(epm::to_string(p.error ? p.error->kind : epm::failure_kind::unspecified))];
        if (shared_screen) progress.clear();
        // Output lost (full disk, closed pipe): no point probing more; main reports it (3).
        if (!out.write(r)) scanner.stop();
        if (shared_screen) progress.draw(counts());
    };
    std::exception_ptr failed;
    asio::co_spawn(io, scanner.run(pull, emit), [&](std::exception_ptr e, client::probe_scan_summary) {
        failed = e;
        controls.finish();
    });
    io.run();
    outcome.interrupted = controls.interrupted();
    progress.clear();
    out.end();
    if (failed) std::rethrow_exception(failed);
    outcome.summary = scanner.summary();
    outcome.list_failed = !feed.source().list_error().empty();
    outcome.bad_entries += feed.source().bad_entries();
    outcome.output_ok = out.ok();
    return outcome;
}

int run_probe(const probe_args& args, argv_secrets& secrets, output::sink& sink)
{
    auto plan = make_probe_plan(args);
    if (!plan) return exit_usage;
    std::optional<run_auth> auth;
    if (const int status = prepare_auth(args.client.auth, secrets, "epmdump probe", exit_no_credentials, auth)) return status;
    apply_auth(plan->scan.probe.base, auth);
    plan->format_options.auth_columns = auth.has_value();
    const auto outcome = run_probe_loop(args, *plan, sink, auth ? std::optional<epm::auth_info>(auth->info) : std::nullopt);
    const auto& s = outcome.summary;
    if (!outcome.output_ok) return exit_some_failed; // main turns this into exit_output
    if (outcome.interrupted && !args.quiet)
        std::cerr << "epmdump probe: interrupted: " << s.ports_finished << " ports done, " << s.ports_cancelled
                  << " stopped in flight (written with error kind cancelled)\n";
    const std::uint64_t failures = s.ports_error + s.hosts_failed;
    if (failures > 0 && !args.quiet)
    {
        // Output redirected to a file shows nothing of a failure on the console: say how many.
        std::cerr << "epmdump probe: ";
        if (s.ports_error > 0)
            std::cerr << s.ports_error << " of " << s.ports_finished << (s.ports_finished == 1 ? " port" : " ports") << " ended in error"
                      << (s.hosts_failed > 0 ? ", " : "");
        if (s.hosts_failed > 0)
            std::cerr << s.hosts_failed << " of " << s.hosts_started << (s.hosts_started == 1 ? " host" : " hosts") << " not probed";
        std::cerr << " (";
        const char* sep = "";
        for (const auto& [kind, n] : outcome.failed_by_kind) std::cerr << std::exchange(sep, ", ") << n << ' ' << kind;
        std::cerr << ")\n";
    }
    if (outcome.list_failed) return exit_usage; // a piped list turned out empty or not text
    if (s.hosts_started == 0 && outcome.bad_entries > 0)
    {
        std::cerr << "epmdump probe: no target to probe\n";
        return exit_usage;
    }
    if (outcome.interrupted || failures > 0 || outcome.bad_entries > 0) return exit_some_failed;
    return exit_ok;
}

} // namespace

CLI::App* add_probe_command(CLI::App& app, int& exit_status, output::sink& out, argv_secrets& secrets)
{
    auto args = std::make_shared<probe_args>();
    CLI::App* cmd = app.add_subcommand("probe", "Ask ports what they serve (mgmt inq_if_ids, or known interfaces offered)");
    cmd->add_option("targets", args->targets,
                    "HOST[:PORT[,PORT|FIRST-LAST...]]: NAME, IPv4, [IPv6], CIDR (10.0.0.0/24), range (10.0.0.1-20)");
    cmd->add_option("--input-list", args->lists, "Read targets from FILE, one or more per line, '#' comments ('-' = stdin); also -iL")
        ->allow_extra_args(false);
    cmd->add_option("--ports", args->ports, "Ports to probe on every target: PORT, FIRST-LAST, comma-separated (1024-65535,135)");
    cmd->add_flag("--registered", args->registered,
                  "Also every ncacn_ip_tcp port the host's endpoint mapper registers, each compared with its registration");
    add_client_options(*cmd, args->client);
    cmd->add_option("-c,--concurrency", args->concurrency, "Probes in flight at once, over all hosts")
        ->capture_default_str()
        ->check(whole_number_in(1, 4096));
    cmd->add_option("--per-host", args->per_host, "Probes in flight at once on one host")->capture_default_str()->check(whole_number_in(1, 4096));
    cmd->add_option("--rate", args->rate, "At most this many new probes per second (0: no limit)")->check(non_negative_number("probes per second"));
    cmd->add_flag("--no-identify", args->no_identify, "Do not send protocol probes to a silent non-RPC port to name its service");
    cmd->add_flag("--no-fallback", args->no_fallback, "When mgmt is refused, do not offer the known interfaces one by one");
    cmd->add_flag("--brute-versions", args->brute_versions, "Also offer other major versions of each interface found");
    cmd->add_option("-f,--format", args->format, "rpcdump (text), json (JSON Lines) or csv")->capture_default_str();
    add_csv_bom_flag(*cmd, args->csv_bom);
    cmd->add_flag("-q,--quiet", args->quiet, "No progress line and no failure or interruption summary on stderr");
    cmd->footer("-p/--port is the endpoint mapper's port for --registered (default 135); --host-timeout bounds each\n"
                "port's probe. Every port started is reported: rpc, not_rpc, closed, filtered or error.\n"
                "Exit status: 0 every port was probed (whatever its state), 1 some port ended in state error, a\n"
                "host's name did not resolve or (--registered) its endpoint mapper could not be enumerated, or the\n"
                "run was interrupted, 2 usage error, 3 output could not be written (the probe stops), 4\n"
                "credentials could not be acquired (-U, -k).");
    cmd->callback([args, &exit_status, &out, &secrets] { exit_status = run_probe(*args, secrets, out); });
    return cmd;
}

} // namespace epmdump::app
