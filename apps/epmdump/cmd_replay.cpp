// epmdump replay FILE...: endpoint tables from pcap/pcapng captures, as a live scan prints them.
#include "commands.hpp"
#include "file_arguments.hpp"
#include "option_checks.hpp"

#include <epmdump/capture/replay.hpp>
#include <epmdump/client/detail/utf8_path.hpp>
#include <epmdump/output/pipelined_writer.hpp>
#include <epmdump/output/sanitize.hpp>
#include <epmdump/output/writer.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace epmdump::app {

using client::detail::path_from_utf8;

namespace {

// `-` reads the capture from standard input, named so in messages and output.
constexpr std::string_view stdin_argument = "-";
constexpr const char* stdin_name = "(stdin)";

struct replay_args
{
    std::vector<std::string> files;
    std::string format = "rpcdump";
    bool csv_bom = false;
    bool summary = false;
    bool bundled = false;            // files name captures compiled into the executable
    double idle_timeout = 300;       // seconds of capture time; 0: never
    unsigned threads = 0;            // 0: the default (default_threads())
    capture::replay_options limits; // memory caps, each settable on the command line
};

// Thrown from the conversation sink when stdout fails: the replay stops at the first failed write.
struct output_failed
{
};

// Decoding is one thread's work; rendering the tables (most of the CPU for JSON and CSV) takes
// the others. Past four, the decoding thread cannot feed them.
unsigned default_threads()
{
    return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
}

int run_replay(const replay_args& args, output::sink& sink)
{
    const auto fmt = output::parse_format(args.format);
    if (!fmt)
    {
        std::cerr << "epmdump replay: unknown format '" << args.format << "' (rpcdump, impacket, json, csv, summary)\n";
        return exit_usage;
    }
    if (!check_csv_bom(args.csv_bom, *fmt)) return exit_usage;
    if (std::count(args.files.begin(), args.files.end(), "-") > 1)
    {
        std::cerr << "epmdump replay: standard input ('-') can be read only once\n";
        return exit_usage;
    }
    // Tables are written, never kept: entries stay as their response stubs, read as views.
    capture::replay_options limits = args.limits;
    limits.conversation.keep_stubs = true;
    output::format_options fo;
    fo.csv_bom = args.csv_bom;
    output::writer text_writer(sink.stream(), *fmt, fo);
    text_writer.begin();
    // Tables are rendered beside the decoding and written in the order their conversations ended.
    output::pipelined_writer out(text_writer, (args.threads == 0 ? default_threads() : args.threads) - 1);
    // rpcdump: a "# target:" header on every table when there are several. Several files say so
    // up front; one file's first table is held until a second one (or the file's end) decides.
    out.set_target_headers(args.files.size() > 1);
    std::optional<epm::enumeration> held;
    auto put = [&](epm::enumeration&& e) {
        if (*fmt != output::format::rpcdump || args.files.size() > 1) return out.write(std::move(e));
        if (out.enumerations_given() == 0 && !held)
        {
            held = std::move(e);
            return true;
        }
        if (held)
        {
            out.set_target_headers(true);
            const bool ok = out.write(std::move(*held));
            held.reset();
            if (!ok) return false;
        }
        return out.write(std::move(e));
    };
    int status = exit_ok;
    const expanded_files expanded = expand_wildcards(args.files); // cmd.exe leaves *.pcap to us
    for (const auto& pattern : expanded.unmatched)
    {
        std::cerr << "epmdump replay: " << output::sanitize_text(pattern) << ": no file matches this pattern\n";
        status = exit_some_failed;
    }
    for (const auto& file : expanded.files)
    {
        if (!text_writer.ok()) break;
        // Each file on its own: a bad one is reported and the others still run. Conversations are
        // written as they end, so memory holds only the open ones, whatever the capture's size.
        std::size_t conversations = 0, entries = 0, file_not_ok = 0;
        const auto on_conversation = [&](capture::replayed_conversation&& c) {
            ++conversations;
            entries += c.enumeration.entry_count();
            if (c.enumeration.status != epm::enumeration_status::ok) ++file_not_ok;
            if (!put(std::move(c.enumeration))) throw output_failed{};
        };
        capture::file_replay r;
        try
        {
            r = args.bundled ? (file == bundled_capture_name()
                                    ? capture::replay_file(open_bundled_capture(), file, limits, on_conversation)
                                    : capture::file_replay{file, {}, capture::capture_error{file, 0, "no such bundled capture"}, {}})
                : file == stdin_argument ? capture::replay_file(open_stdin_binary(), stdin_name, limits, on_conversation)
                                         : capture::replay_file(path_from_utf8(file), limits, on_conversation);
        }
        catch (const output_failed&)
        {
            break; // main reports the write error (exit status 3)
        }
        // The file's tables go out before its messages, as they did when written one by one.
        if (!out.drain()) break;
        // File names are bytes we did not write: escaped like server strings, so no name can
        // drive the terminal through stderr.
        const std::string name = output::sanitize_text(r.file);
        // Same rule as a live scan: exit 0 only when every table is whole, so a script notices a
        // fault, a cut capture or a cap that stopped a decode without reading the output.
        if (file_not_ok > 0) status = exit_some_failed;
        if (r.error)
        {
            std::cerr << "epmdump replay: " << output::sanitize_text(r.error->to_string()) << '\n';
            status = exit_some_failed;
        }
        // A file with nothing for us is no failure, but a script's author must not read silence as a table.
        if (!r.error && conversations == 0)
            std::cerr << "epmdump replay: " << name << ": no endpoint-mapper traffic (" << r.stats.reassembly.packets
                      << " packets read)\n";
        if (r.stats.reassembly.unsupported_link > 0)
            std::cerr << "epmdump replay: " << name << ": " << r.stats.reassembly.unsupported_link
                      << " frame(s) of a link type replay does not decode (Ethernet, SLL, SLL2, raw IP, loopback)\n";
        // What SMB hid from the pipe decoding: said, as a sealed DCE/RPC stub is, never silently empty.
        const auto& smb = r.stats.smb;
        if (smb.encrypted_messages > 0)
            std::cerr << "epmdump replay: " << name << ": " << smb.encrypted_connections
                      << " SMB connection(s) on TCP 139/445 encrypted (" << smb.encrypted_messages
                      << " SMB 3 TRANSFORM_HEADER message(s)): not decodable\n";
        if (smb.smb1_connections > 0)
            std::cerr << "epmdump replay: " << name << ": " << smb.smb1_connections << " SMB1 connection(s) ("
                      << smb.smb1_messages << " message(s), " << smb.smb1_pipe_transactions
                      << " named-pipe transaction(s)) not decoded: replay reads SMB 2/3\n";
        if (smb.compressed_messages > 0)
            std::cerr << "epmdump replay: " << name << ": " << smb.compressed_messages
                      << " compressed SMB 3 message(s) not decoded\n";
        if (smb.dropped_pipes > 0 || smb.dropped_requests > 0)
            std::cerr << "epmdump replay: " << name << ": " << smb.dropped_pipes << " named pipe(s) and "
                      << smb.dropped_requests << " SMB request(s) over replay's per-connection caps not followed\n";
        if (smb.unopened_pipe_messages > 0)
            std::cerr << "epmdump replay: " << name << ": " << smb.unopened_pipe_messages
                      << " SMB pipe message(s) on a FileId whose CREATE is not in the capture (or was over the pipe cap): not decoded\n";
        // The last-resort cap loses what came after: said even without --summary.
        if (r.stats.reassembly.evicted > 0)
            std::cerr << "epmdump replay: " << name << ": " << r.stats.reassembly.evicted
                      << " connection(s) closed early by --max-connections (the least recently seen; their tables "
                         "end there)\n";
        if (args.summary)
        {
            std::cerr << name << ": " << r.stats.reassembly.packets << " packets, "
                      << r.stats.reassembly.connections << " TCP connections, " << r.stats.rpc_conversations
                      << " DCE/RPC, " << conversations << " endpoint-mapper conversation(s) (" << file_not_ok
                      << " not ok), " << entries
                      << " entries; " << r.stats.reassembly.gaps << " gap(s), " << r.stats.reassembly.evicted
                      << " connection(s) closed by --max-connections, peak " << r.stats.reassembly.peak_pending_bytes
                      << " bytes buffered; SMB: " << smb.connections << " connection(s), " << smb.pipes
                      << " named pipe(s) opened, " << smb.signed_messages << " signed message(s) (not verified), "
                      << smb.unopened_pipe_messages << " pipe message(s) on a FileId no CREATE opened\n";
        }
    }
    if (held) out.write(std::move(*held));
    out.drain();
    text_writer.end();
    return status;
}

} // namespace

CLI::App* add_replay_command(CLI::App& app, int& exit_status, output::sink& out)
{
    auto args = std::make_shared<replay_args>();
    CLI::App* cmd = app.add_subcommand("replay", "Endpoint tables from pcap/pcapng captures (TCP, any port)");
    cmd->add_option("files", args->files, "Capture files (pcap or pcapng; on Windows * and ? expand); - reads standard input")->required();
    cmd->add_option("--format,-f", args->format, "rpcdump, impacket, json, csv or summary (roles and findings per host, totals)")->capture_default_str();
    cmd->footer("Exit status: 0 every conversation's table is complete, 1 some are not (fault, cut capture, cap, no\n"
                "answer to the bind or a call, a listing cut between pages) or a file could not be read to its end\n"
                "(missing, a directory, not a capture: said on stderr, the other files still run), 2 usage error,\n"
                "3 output could not be written (full disk, closed pipe).\n"
                "A capture without endpoint-mapper traffic is said on stderr and is no failure.");
    add_csv_bom_flag(*cmd, args->csv_bom);
    cmd->add_flag("--summary", args->summary, "Per-file packet, connection and entry counts on stderr");
    cmd->add_option("--threads", args->threads,
                    "Threads: one decodes the capture, the others render the tables (default: the CPUs, at most 4; "
                    "1: all on one thread). The output is the same")
        ->check(whole_number_in(1, 64));
    // What a bare `epmdump` runs (main.cpp): hidden, as it is not for typing.
    cmd->add_flag("--bundled", args->bundled, "FILE names a capture compiled into the executable")->group("");
    // Memory caps (sizes take units: 64KiB, 8MiB, 1G). Past a cap the affected direction is
    // marked incomplete from there on; other conversations are unaffected.
    auto& limits = args->limits;
    cmd->add_option("--max-buffered", limits.reassembly.max_pending_per_direction,
                    "Out-of-order TCP bytes held per direction before it is cut as a gap")
        ->transform(byte_size())
        ->capture_default_str()
        ->group("Limits");
    cmd->add_option("--max-buffered-total", limits.reassembly.max_pending_total,
                    "Out-of-order TCP bytes held over all connections")
        ->transform(byte_size())
        ->capture_default_str()
        ->group("Limits");
    cmd->add_option("--max-connections", limits.reassembly.max_connections,
                    "TCP connections tracked at once (the least recently seen is closed)")
        ->check(whole_number_in(1, std::numeric_limits<std::size_t>::max()))
        ->capture_default_str()
        ->group("Limits");
    cmd->add_option("--idle-timeout", args->idle_timeout,
                    "Seconds of capture time without a packet after which a connection is closed and its "
                    "table written as it stands (0: never)")
        ->check(non_negative_number("seconds"))
        ->capture_default_str()
        ->group("Limits");
    cmd->add_option("--max-message", limits.conversation.max_message,
                    "Bytes of one call's joined fragments (a larger call is not decoded)")
        ->transform(byte_size())
        ->capture_default_str()
        ->group("Limits");
    cmd->add_option("--max-pending-calls", limits.conversation.max_pending_calls,
                    "Requests per conversation waiting for their response")
        ->check(whole_number_in(1, std::numeric_limits<std::size_t>::max()))
        ->capture_default_str()
        ->group("Limits");
    cmd->callback([args, &exit_status, &out] {
        args->limits.reassembly.idle_timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::duration<double>(std::min(args->idle_timeout, 1e9))); // int64 ns hold ~292 years
        exit_status = run_replay(*args, out);
    });
    return cmd;
}

} // namespace epmdump::app
