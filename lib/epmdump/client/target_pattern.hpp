#pragma once
// The target grammar: host names, IPv4/IPv6 literals, HOST:PORT, [IPv6]:PORT, CIDR blocks
// (10.0.0.0/24, [fd00::/120]) and ranges (10.0.0.1-20, 10.0.0.1-10.0.1.5). A block is a first
// address and a count, expanded one target at a time, so memory does not grow with its size.
#include <epmdump/client/target.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace epmdump::client {

// Largest block one word may name (a /8); more is almost certainly a typo.
inline constexpr std::uint64_t max_block_size = std::uint64_t{1} << 24;

// One parsed word: a single name, or `count` consecutive addresses from `first`.
struct target_pattern
{
    std::string name;                  // DNS name or a literal with a zone id; empty for blocks
    bool v6 = false;
    std::array<std::uint8_t, 16> first{}; // network order; IPv4 uses the first 4 bytes
    std::uint64_t count = 1;
    std::uint16_t port = 0;            // 0: not given in the word
    std::optional<client::transport> via; // a string binding's protocol sequence (ncacn_np:HOST)
    std::string pipe;                  // ncacn_np:HOST[\pipe\NAME]: the pipe

    // The i-th target (i < count), port filled from `default_port` when the word gave none.
    target at(std::uint64_t i, std::uint16_t default_port) const;
};

// nullopt with `error` set when the word is not a target. A string binding
// (PROTSEQ:HOST[ENDPOINT], C706 Appendix I style) names the transport too: ncacn_ip_tcp:HOST[135],
// ncacn_http:HOST[593], ncacn_np:HOST[\pipe\epmapper].
std::optional<target_pattern> parse_target(std::string_view word, std::string& error);

} // namespace epmdump::client
