#pragma once
// Port scanners' output as scan targets: nmap XML (-oX) and grepable (-oG), masscan JSON (-oJ)
// and list (-oL). Sans-I/O: bytes in as they arrive, in any cuts; the open TCP ports asked for
// out, one per host and port, with the line they came from; bad input is a typed error with its
// line and byte offset. Memory is bounded by max_scanner_record, never by the file's size.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::output::scanner_input {

enum class format : std::uint8_t
{
    nmap_xml,      // nmap -oX
    nmap_grepable, // nmap -oG
    masscan_json,  // masscan -oJ: one object per line between "[" and "]"
    masscan_list,  // masscan -oL
};
// "nmap XML (-oX)", ...
std::string_view to_string(format f) noexcept;

// Which scanner wrote a file, from its first line (as the scanners write it: "<?xml",
// "# Nmap ", "#masscan", "[" alone or "{"); nullopt: none of them (a plain target list).
std::optional<format> detect(std::string_view first_line) noexcept;

// Longest line (-oG, -oL, -oJ) or XML start tag we hold: an -oG line names every open port of its
// host, and a host with all 65,535 open (a tarpit) writes about 2 MB.
inline constexpr std::size_t max_scanner_record = std::size_t{4} << 20;

enum class errc : std::uint8_t
{
    record_too_long,  // a line or XML token longer than max_scanner_record
    bad_record,       // a line that is not this format (e.g. nmap -oN text given as -oG)
    bad_xml,          // not well-formed XML, or not nmap's (a DTD with entities)
    truncated,        // the input ends inside a record or before the XML document does
    no_xml_support,   // this build has no XML parser (expat): only -oG is read
};
std::string_view to_string(errc e) noexcept;

struct error
{
    errc code{};
    std::uint64_t line = 0;   // 1-based line the problem is on
    std::uint64_t offset = 0; // byte offset in the input
    std::string detail;       // what was expected; our words, no input bytes
};

// One open TCP port the scanner saw on a host.
struct open_port
{
    std::string address;   // as the scanner wrote it (IPv4 or IPv6 literal, at most 64 bytes)
    std::uint16_t port = 0;
    std::uint64_t line = 0; // where the host's record starts
};

class reader
{
public:
    // `ports`: the open TCP ports to report (any others are skipped); a host's ports come out in
    // this order when the format groups them (nmap), else in the file's order (masscan).
    reader(format f, std::vector<std::uint16_t> ports);
    ~reader();
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;

    // The next bytes of the input; ports found are appended to `out`. After an error every call
    // returns that error again.
    std::optional<error> feed(std::span<const std::byte> bytes, std::vector<open_port>& out);
    // The end of the input.
    std::optional<error> finish(std::vector<open_port>& out);

    format kind() const noexcept;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

// Whether this build reads nmap XML (expat was found).
bool xml_supported() noexcept;

} // namespace epmdump::output::scanner_input
