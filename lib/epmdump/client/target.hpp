#pragma once
// One host to talk to, as the scanner hands it to the client.
#include <epmdump/session/options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace epmdump::client {

struct target
{
    target() = default;
    target(std::string h, std::uint16_t p = 0, std::string l = {}) : host(std::move(h)), port(p), label(std::move(l)) {}
    // A literal is a target too: enumerate("10.0.0.5", {}) needs two conversions without this one.
    target(const char* h, std::uint16_t p = 0) : target(std::string(h), p) {}

    std::string host;       // IPv4/IPv6 literal (no brackets) or a DNS name
    std::uint16_t port = 0; // 0: the transport's default (135 / 593)
    std::string label;      // what to call it in results; empty: host
    std::optional<client::transport> via; // overrides client_options::transport for this host
    std::string pipe;       // ncacn_np:HOST[\pipe\NAME]: overrides client_options::pipe
    friend bool operator==(const target&, const target&) = default;

    const std::string& name() const noexcept { return label.empty() ? host : label; }
};

} // namespace epmdump::client
