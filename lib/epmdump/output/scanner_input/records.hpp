#pragma once
// The per-format parts of scanner_input::reader: one line of a line format in, its ports out;
// and nmap XML's own streaming parser.
#include "scanner_input.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace epmdump::output::scanner_input::detail {

// Where a line starts, for the ports and errors it gives.
struct line_place
{
    std::uint64_t line = 0;
    std::uint64_t offset = 0;
};

// nullopt when the line is fine (ports appended to `out`), else what is wrong with it.
std::optional<error> parse_grepable_line(std::string_view line, line_place at, std::span<const std::uint16_t> wanted,
                                         std::vector<open_port>& out);
std::optional<error> parse_masscan_list_line(std::string_view line, line_place at, std::span<const std::uint16_t> wanted,
                                             std::vector<open_port>& out);
// `state` carries "[" seen / "]" seen across lines.
struct json_state
{
    bool opened = false;
    bool closed = false;
};
std::optional<error> parse_masscan_json_line(std::string_view line, line_place at, std::span<const std::uint16_t> wanted,
                                             json_state& state, std::vector<open_port>& out);
std::optional<error> finish_masscan_json(const json_state& state, line_place at);

// An IPv4 or IPv6 literal's characters, at most 64 bytes: what a scanner writes as an address.
bool looks_like_address(std::string_view text) noexcept;
bool wanted_port(std::span<const std::uint16_t> wanted, std::uint16_t port) noexcept;
// "135" -> 135; nullopt unless 1-65535 in decimal digits.
std::optional<std::uint16_t> parse_port(std::string_view text) noexcept;

// nmap -oX, streamed through expat (or, built without it, an error at the first byte).
class xml_parser
{
public:
    explicit xml_parser(std::vector<std::uint16_t> wanted);
    ~xml_parser();
    xml_parser(const xml_parser&) = delete;
    xml_parser& operator=(const xml_parser&) = delete;
    std::optional<error> feed(std::span<const std::byte> bytes, bool last, std::vector<open_port>& out);

    struct state;

private:
    std::unique_ptr<state> state_;
};

} // namespace epmdump::output::scanner_input::detail
