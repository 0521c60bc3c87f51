#pragma once
// Validators for numeric and size options: a human message with the word given and the range
// that is allowed ("--timeout: expected seconds > 0, got 'abc'"), never CLI11's raw limits.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace epmdump::app {

// A finite decimal number > 0 (seconds, rates per second); `what` names the unit in messages.
CLI::Validator positive_number(std::string what);
// A finite decimal number >= 0.
CLI::Validator non_negative_number(std::string what);
// A whole number in [low, high].
CLI::Validator whole_number_in(std::uint64_t low, std::uint64_t high);
// A byte count, optionally with a unit (k, KiB, MB, G, ...: powers of 1024), at most 2^64 - 1
// bytes; a transform: the option receives the count in bytes.
CLI::Validator byte_size();

// "ncacn_ip_tcp, ncadg_ip_udp, ... (or tcp, udp, np, lrpc, http)": what --protseq takes.
std::string protseq_choices();

// The size byte_size() reads (nullopt: not a size, or past 2^64 - 1 bytes).
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

} // namespace epmdump::app
