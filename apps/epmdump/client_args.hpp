#pragma once
// Command-line knobs shared by the live commands (scan, map, probe, exchange): transport, port,
// timeouts, authentication.
#include "auth_args.hpp"

#include <epmdump/session/options.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace epmdump::app {

struct client_args
{
    std::uint16_t port = 0;          // 0: the transport's default
    std::string transport;           // "" : ncacn_http when the port is 593, else ncacn_ip_tcp
    double connect_timeout = 3;      // seconds, per address
    double timeout = 5;              // seconds, banner / bind / each call
    double host_timeout = 30;        // seconds, the whole host
    bool no_feature_negotiation = false;
    auth_args auth;
};

void add_client_options(CLI::App& cmd, client_args& args);

// The client options the values ask for (CLI11's checks have already refused bad ones); the
// authentication is added by apply_auth (auth_setup.hpp), once its provider is made.
client::client_options to_client_options(const client_args& args, std::uint16_t target_port = 0);

} // namespace epmdump::app
