#pragma once
// One host to talk to, as the scanner hands it to the client.
#include <cstdint>
#include <string>

namespace epmdump::client {

struct target
{
    std::string host;       // IPv4/IPv6 literal (no brackets) or a DNS name
    std::uint16_t port = 0; // 0: the transport's default (135 / 593)
    std::string label;      // what to call it in results; empty: host
    friend bool operator==(const target&, const target&) = default;

    const std::string& name() const noexcept { return label.empty() ? host : label; }
};

} // namespace epmdump::client
