// epmdump TARGET... : enumerate live endpoint mappers (the default command, on the top-level app).
// Targets stream through the scanner and results stream out as each host finishes.
#include "audit_args.hpp"
#include "auth_setup.hpp"
#include "campaign_args.hpp"
#include "client_args.hpp"
#include "commands.hpp"
#include "fd_limit.hpp"
#include "misplaced_word.hpp"
#include "option_checks.hpp"
#include "progress.hpp"
#include "run_controls.hpp"

#include <epmdump/client/scanner.hpp>
#include <epmdump/client/target_feed.hpp>
#include <epmdump/client/target_list.hpp>
#include <epmdump/output/sanitize.hpp>
#include <epmdump/output/writer.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <utility>

namespace epmdump::app {

namespace {

namespace asio = boost::asio;

struct scan_args
{
    std::vector<std::string> targets;
    std::vector<std::string> lists;
    client_args client;
    std::size_t concurrency = 64;
    double rate = 0;
    std::uint32_t max_ents = 500;
    bool ping = false;
    std::string format = "rpcdump";
    bool csv_bom = false;
    std::vector<std::string> uuids;
    std::vector<std::string> protseqs;
    bool towers = false;
    bool quiet = false;
    audit_args audit; // --exclude, --excludefile
    campaign_args campaign; // --shards, --shard, --seed, --resume
};

// What the arguments ask for, checked: everything the event loop needs.
struct scan_plan
{
    output::format format{};
    output::format_options format_options;
    client::scan_options scan;
    std::unique_ptr<client::target_source> targets;
    std::optional<epm::auth_info> auth; // every host record shows the identity it was asked with
};

// nullopt when the arguments are a usage error (said on stderr).
std::optional<scan_plan> make_scan_options(const scan_args& args)
{
    scan_plan plan;
    const auto fmt = output::parse_format(args.format);
    if (!fmt)
    {
        std::cerr << "epmdump: unknown format '" << args.format << "' (rpcdump, impacket, json, csv, summary)\n";
        return std::nullopt;
    }
    plan.format = *fmt;
    if (!check_csv_bom(args.csv_bom, *fmt)) return std::nullopt;
    output::format_options& fo = plan.format_options;
    fo.json_towers = args.towers;
    fo.csv_bom = args.csv_bom;
    for (const auto& u : args.uuids)
        if (!fo.filter.add_interface(u))
        {
            std::cerr << "epmdump: --uuid '" << u << "' is not a UUID\n";
            return std::nullopt;
        }
    for (const auto& p : args.protseqs)
        if (!fo.filter.add_protseq(p))
        {
            std::cerr << "epmdump: --protseq '" << output::sanitize_text(p) << "' is not a protocol sequence we know: "
                      << protseq_choices() << '\n';
            return std::nullopt;
        }
    auto lists = target_lists(args.lists, args.audit);
    if (args.targets.empty() && lists.empty())
    {
        std::cerr << "epmdump: no targets (give HOST..., CIDR blocks, ranges, -iL FILE, --from-nmap FILE or --from-masscan FILE); see --help\n";
        return std::nullopt;
    }
    std::vector<client::target_pattern> words;
    for (const auto& w : args.targets)
    {
        // A capture or a mistyped subcommand is a usage error here, never a name sent to DNS.
        if (auto hint = misplaced_word(w, &w == &args.targets.front()); !hint.empty())
        {
            std::cerr << "epmdump: " << hint << '\n';
            return std::nullopt;
        }
        std::string error;
        auto p = client::parse_target(w, error);
        if (!p)
        {
            std::cerr << "epmdump: bad target " << client::quote_word(w) << ": " << error << '\n';
            return std::nullopt;
        }
        words.push_back(std::move(*p));
    }
    // rpcdump: a "# target:" header on every table when more than one target can answer,
    // decided before the first result (a list counts as several, whatever it holds).
    fo.target_headers = !lists.empty() || words.size() > 1 || (words.size() == 1 && words.front().count > 1);
    auto copts = to_client_options(args.client);
    copts.limits.max_ents = args.max_ents;
    copts.verify = args.ping;
    const auto scanner_ports = client::scanner_ports(
        args.client.transport.empty() ? std::nullopt : client::parse_transport(args.client.transport), args.client.port);
    // CSV: a transport column only when the run may answer over SMB, so TCP CSV keeps its shape.
    fo.transport_column = copts.transport == client::transport::ncacn_np || copts.transport == client::transport::automatic ||
                          std::any_of(words.begin(), words.end(), [](const client::target_pattern& w) {
                              return w.via == client::transport::ncacn_np || client::implied_transport(w.port) == client::transport::ncacn_np;
                          });

    std::string exclusion_error;
    auto exclusions = make_exclusions(args.audit, exclusion_error);
    if (!exclusion_error.empty())
    {
        std::cerr << "epmdump: " << exclusion_error << '\n';
        return std::nullopt;
    }
    plan.targets = std::make_unique<client::target_source>(std::move(words), std::move(lists), args.client.port, scanner_ports);
    plan.targets->set_exclusions(std::move(exclusions));
    if (std::string campaign_error; !apply_campaign(args.campaign, *plan.targets, campaign_error))
    {
        std::cerr << "epmdump: " << campaign_error << '\n';
        return std::nullopt;
    }
    if (!plan.targets->list_error().empty())
    {
        std::cerr << "epmdump: " << plan.targets->list_error() << '\n';
        return std::nullopt;
    }
    // A scanner's output (--from-nmap, --from-masscan, or found in an -iL file) may give SMB
    // targets (445, 139) whatever the words say.
    if (plan.targets->scanner_lists() &&
        std::any_of(scanner_ports.begin(), scanner_ports.end(),
                    [](std::uint16_t p) { return client::implied_transport(p) == client::transport::ncacn_np; }))
        fo.transport_column = true;
    const auto fit = fit_concurrency_to_descriptors(args.concurrency, args.ping ? copts.verify_concurrency : 1);
    if (!fit.notice.empty()) std::cerr << "epmdump: " << fit.notice << '\n';
    plan.scan.concurrency = fit.concurrency;
    plan.scan.rate = args.rate;
    plan.scan.client = copts;
    return plan;
}

// How the event loop ended.
struct scan_outcome
{
    client::scan_summary summary;
    bool interrupted = false;
    std::map<std::string, std::uint64_t> failed_by_kind; // for the summary on stderr
    bool list_failed = false;       // a piped list turned out empty or not text
    std::uint64_t bad_entries = 0;  // bad words in lists, unreadable lists
    std::uint64_t excluded = 0;     // targets --exclude kept from the scan
    std::uint64_t resumed = 0;      // targets --resume found done
};

// The scan itself: targets in, results out as each host finishes, Ctrl-C and the progress line.
scan_outcome run_event_loop(const scan_args& args, scan_plan& plan, output::sink& sink, bool& output_ok)
{
    const bool transport_given = !args.client.transport.empty();
    scan_outcome outcome;
    progress_line progress(std::cerr, !args.quiet && stderr_is_a_terminal());
    auto warn = [&](const std::string& warning) {
        progress.clear();
        std::cerr << "epmdump: " << warning << '\n';
    };

    asio::io_context io;
    client::target_feed feed(io.get_executor(), std::move(plan.targets), warn);
    const client::target_source& source = feed.source();
    client::scanner scanner(io.get_executor(), plan.scan);
    output::writer out(sink.stream(), plan.format, plan.format_options);
    out.begin();

    const auto started = std::chrono::steady_clock::now();
    auto counts = [&] {
        const auto& s = scanner.summary();
        progress_counts c{s.finished, source.total(), source.total_known(), s.answered, s.failed,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()};
        c.excluded = source.excluded();
        return c;
    };
    run_controls controls(io, progress, counts, [&] {
        feed.stop();
        scanner.stop();
    });

    auto pull = [&]() -> asio::awaitable<std::optional<client::target>> {
        auto t = co_await feed.next();
        if (t && !transport_given && !t->via) t->via = client::implied_transport(t->port);
        co_return t;
    };
    // Results and the progress line share the screen only when stdout is the terminal too:
    // then the line is lifted off before each result and put back after it.
    const bool shared_screen = progress.enabled() && stdout_is_a_terminal();
    auto emit = [&](client::host_result&& r) {
        const auto& e = r.enumeration;
        if (e.status != epm::enumeration_status::ok && !(r.error && r.error->code == client::client_errc::cancelled))
            ++outcome.failed_by_kind[std::string(epm::to_string(e.error ? e.error->kind : epm::failure_kind::incomplete))];
        if (plan.auth && !r.enumeration.auth) r.enumeration.auth = plan.auth;
        if (shared_screen) progress.clear();
        // Output lost (full disk, closed pipe): no point scanning more hosts; main reports it (3).
        if (!out.write(r.enumeration)) scanner.stop();
        if (shared_screen) progress.draw(counts());
    };
    std::exception_ptr failed;
    asio::co_spawn(io, scanner.run(client::scanner::async_source_fn(pull), emit), [&](std::exception_ptr e, client::scan_summary) {
        failed = e;
        controls.finish();
    });
    io.run();
    outcome.interrupted = controls.interrupted();
    progress.clear();
    out.end();
    if (failed) std::rethrow_exception(failed);
    outcome.summary = scanner.summary();
    outcome.list_failed = !source.list_error().empty();
    outcome.bad_entries = source.bad_entries();
    outcome.excluded = source.excluded();
    outcome.resumed = source.resumed();
    output_ok = out.ok();
    return outcome;
}

int run_scan(const scan_args& args, argv_secrets& secrets, output::sink& sink)
{
    auto plan = make_scan_options(args);
    if (!plan) return exit_usage;
    std::optional<run_auth> auth;
    if (const int status = prepare_auth(args.client.auth, secrets, "epmdump", exit_no_credentials, auth)) return status;
    apply_auth(plan->scan.client, auth);
    if (auth)
    {
        plan->auth = auth->info;
        plan->format_options.auth_columns = true;
    }
    bool output_ok = true;
    const auto outcome = run_event_loop(args, *plan, sink, output_ok);
    const auto& s = outcome.summary;
    if (!output_ok) return exit_some_failed; // main turns this into exit_output
    if (outcome.interrupted && !args.quiet)
        std::cerr << "epmdump: interrupted: " << s.finished << " done, " << s.cancelled << " stopped in flight (written with error kind cancelled)\n";
    // Output redirected to a file shows nothing of a failed host on the console: say how many.
    if (s.failed > 0 && !args.quiet)
    {
        std::cerr << "epmdump: " << s.failed << " of " << s.finished << (s.finished == 1 ? " host" : " hosts") << " failed (";
        const char* sep = "";
        for (const auto& [kind, n] : outcome.failed_by_kind) std::cerr << std::exchange(sep, ", ") << n << ' ' << kind;
        std::cerr << ")\n";
    }
    if (outcome.excluded > 0 && !args.quiet)
        std::cerr << "epmdump: " << outcome.excluded << (outcome.excluded == 1 ? " target" : " targets")
                  << " excluded (--exclude, --excludefile), never contacted\n";
    if (outcome.resumed > 0 && !args.quiet)
        std::cerr << "epmdump: " << outcome.resumed << (outcome.resumed == 1 ? " target" : " targets")
                  << " already done in the --resume file, skipped\n";
    if (outcome.list_failed) return exit_usage; // a piped list turned out empty or not text
    if (s.started == 0 && outcome.bad_entries > 0)
    {
        std::cerr << "epmdump: no target to scan\n";
        return exit_usage;
    }
    if (outcome.interrupted || s.failed > 0 || outcome.bad_entries > 0) return exit_some_failed;
    return exit_ok;
}

} // namespace

// "-iL FILE" is nmap's spelling; CLI11 only has one-letter short options, so it is renamed
// before parsing.
void rewrite_nmap_style_options(int argc, char** argv)
{
    static char input_list[] = "--input-list";
    for (int i = 1; i < argc; ++i)
    {
        if (std::strcmp(argv[i], "--") == 0) break;
        if (std::strcmp(argv[i], "-iL") == 0) argv[i] = input_list;
    }
}

void add_scan_command(CLI::App& app, int& exit_status, output::sink& out, argv_secrets& secrets)
{
    auto args = std::make_shared<scan_args>();
    app.add_option("targets", args->targets,
                   "Hosts to enumerate: NAME, IPv4, IPv6, HOST:PORT, [IPv6]:PORT, CIDR (10.0.0.0/24), range (10.0.0.1-20)");
    app.add_option("--input-list", args->lists,
                   "Read targets from FILE, one or more per line, '#' comments ('-' = stdin); also -iL. nmap -oX/-oG and "
                   "masscan -oJ/-oL output is recognised and read as --from-nmap/--from-masscan read it")
        ->allow_extra_args(false);
    add_client_options(app, args->client);
    add_audit_options(app, args->audit);
    add_campaign_options(app, args->campaign);
    app.add_option("-c,--concurrency", args->concurrency, "Hosts in flight at once")->capture_default_str()->check(whole_number_in(1, 4096));
    app.add_option("--rate", args->rate, "At most this many new hosts per second (0: no limit)")->check(non_negative_number("hosts per second"));
    app.add_option("--max-ents", args->max_ents, "Entries asked for per ept_lookup call")->capture_default_str()->check(whole_number_in(1, 500));
    app.add_flag("--ping,--verify", args->ping, "Connect to every ncacn_ip_tcp endpoint and bind its interfaces");
    app.add_option("-f,--format", args->format, "rpcdump, impacket, json (JSON Lines), csv or summary (roles and findings per host, totals)")->capture_default_str();
    app.add_option("--uuid", args->uuids, "Only entries of this interface UUID (repeatable)")->allow_extra_args(false);
    app.add_option("--protseq", args->protseqs, "Only entries of this protocol sequence, e.g. ncacn_ip_tcp (repeatable)")
        ->allow_extra_args(false);
    app.add_flag("--towers", args->towers, "json: add each entry's raw tower as hex");
    add_csv_bom_flag(app, args->csv_bom);
    app.add_flag("-q,--quiet", args->quiet, "No progress line and no failure or interruption summary on stderr");
    app.footer("Exit status: 0 every target answered, 1 some failed (or were interrupted), 2 usage error\n"
               "(including a target list that is missing, a directory, empty or not text, and scanner output that\n"
               "is malformed or cut short), 3 output could not\n"
               "be written (full disk, closed pipe: the scan stops), 4 credentials could not be acquired (-U, -k:\n"
               "no host was tried).\n"
               "Passwords: --password-file FILE, EPMDUMP_PASSWORD or a prompt on a terminal (-U USER%PASSWORD ends up\n"
               "in the shell's history).\n"
               "A concurrency above what the open-file limit allows is lowered, with a notice on stderr.\n"
               "With no arguments at all, epmdump replays its bundled capture.");
    app.callback([args, &app, &exit_status, &out, &secrets] {
        // The scan is the top-level command: it runs only when no subcommand did.
        if (!app.get_subcommands().empty()) return;
        exit_status = run_scan(*args, secrets, out);
    });
}

} // namespace epmdump::app
