#pragma once
// A port scanner's output read as a target list (--from-nmap, --from-masscan, or detected in
// -iL): read in slices as it arrives, parsed by output::scanner_input, one target per host at
// the first port of `ports` the scanner saw open on it.
#include <epmdump/client/target_pattern.hpp>
#include <epmdump/output/scanner_input/scanner_input.hpp>
#include <epmdump/session/options.hpp>

#include <cstdint>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace epmdump::client {

// What a list file is said to be: anything (-iL: a plain list or a scanner's output, detected),
// or nmap's (-oX, -oG) or masscan's (-oJ, -oL) output.
enum class list_kind : std::uint8_t { any, nmap, masscan };

struct list_file
{
    std::string path; // "-": standard input
    list_kind kind = list_kind::any;
};

// The open ports that make a host a target: those of the transport asked for (none: every
// transport's, 135 first), or only `port` when one is given.
std::vector<std::uint16_t> scanner_ports(std::optional<transport> asked, std::uint16_t port);

// The scanner format of a list whose first line is `first_line`: nullopt for a plain list
// (`kind` any), or with `error` set when the file is not what `kind` says.
std::optional<output::scanner_input::format> scanner_format_of(list_kind kind, std::string_view first_line, std::string& error);

class scanner_list
{
public:
    // `first_line`: the line already read from `in` (to tell the format), without its newline.
    scanner_list(std::streambuf& in, output::scanner_input::format f, std::string_view first_line, std::vector<std::uint16_t> ports,
                 std::string shown_name);

    struct item
    {
        enum class kind : std::uint8_t { target, bad_address, end, failed } what = kind::end;
        target_pattern pattern; // target
        std::string message;    // bad_address, failed: "FILE:LINE: ..." (escaped)
    };
    // Blocks only while `in` has nothing at all to give.
    item next();

private:
    bool read_more();

    std::streambuf& in_;
    output::scanner_input::reader reader_;
    std::string shown_;
    std::vector<output::scanner_input::open_port> ready_;
    std::size_t ready_index_ = 0;
    // Hosts already handed out: masscan writes one line per port, in random order. It grows with
    // the hosts found open, never with the scope or the file.
    std::unordered_set<std::string> seen_;
    bool ended_ = false;
    std::optional<output::scanner_input::error> failed_;
};

} // namespace epmdump::client
