#pragma once
// Internal to the readers: line splitting and the small parsing helpers they share.
#include <epmdump/output/reader.hpp>

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace epmdump::output::detail {

// Lines without their "\n" / "\r\n", numbered from 1; a leading UTF-8 BOM is dropped.
class line_splitter
{
public:
    explicit line_splitter(std::string_view text) noexcept;
    bool next(std::string_view& line) noexcept;
    std::size_t number() const noexcept { return number_; }

private:
    std::string_view rest_;
    std::size_t number_ = 0;
    bool done_ = false;
};

std::string_view trim_left(std::string_view s) noexcept;
std::string_view trim_right(std::string_view s) noexcept;
std::string_view trim(std::string_view s) noexcept;
bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept;

// A protocol-sequence token: letters, digits and '_' only.
bool is_protseq_token(std::string_view s) noexcept;

// "ncacn_ip_tcp(Connection-oriented TCP/IP)" -> "ncacn_ip_tcp".
std::optional<std::string_view> rpcdump_section(std::string_view line) noexcept;

// An rpcdump entry line (without its indentation): "HOST[ENDPOINT] [UUID] ANNOTATION :STATUS".
// nullopt when the line has no "[uuid]" field; bad_line / bad_uuid for a malformed one.
struct rpcdump_line_result
{
    bool is_entry = false;
    epm::endpoint_entry entry;
    std::optional<read_error> error; // line number left 0: the caller sets it
};
rpcdump_line_result parse_rpcdump_entry(std::string_view line);

// "kind: message" when kind is a machine word ([a-z0-9_]+), else kind "" and the whole text.
epm::enumeration_error split_error(std::string_view text);
// The error a dump names with `kind` (a JSON error.kind or a "KIND: " prefix).
epm::enumeration_error error_of(std::string_view kind, std::string message);

// "16" -> 16; nullopt for anything but 1-9 decimal digits.
std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept;

// "3.0" -> {3, 0}; nullopt unless MAJOR.MINOR with both parts 0-65535.
std::optional<std::pair<std::uint16_t, std::uint16_t>> parse_version(std::string_view s) noexcept;

void add_warning(dump& d, std::size_t line, std::string_view text);

read_error make_error(read_errc code, std::size_t line, std::string detail);

} // namespace epmdump::output::detail
