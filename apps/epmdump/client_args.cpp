#include "client_args.hpp"

#include "option_checks.hpp"

#ifdef EPMDUMP_HAVE_SMB2_OPENSSL
#include <epmdump/smb2_openssl/openssl_crypto.hpp>
#endif

#include <chrono>
#include <iostream>

namespace epmdump::app {

namespace {

client::timeouts::duration seconds(double s)
{
    return std::chrono::duration_cast<client::timeouts::duration>(std::chrono::duration<double>(s));
}

} // namespace

void add_client_options(CLI::App& cmd, client_args& args)
{
    cmd.add_option("-p,--port", args.port, "Endpoint mapper port (default 135; 593 for ncacn_http; 445 or 139 for ncacn_np)")
        ->check(whole_number_in(1, 65535));
    cmd.add_option("--transport", args.transport,
                   "ncacn_ip_tcp (tcp), ncacn_http (http), ncacn_np (smb: \\pipe\\epmapper over SMB 2/3) or auto "
                   "(TCP 135, then SMB 445 when 135 does not answer); default: what the port implies (593 http, 445/139 smb)")
        ->check(CLI::IsMember({"ncacn_ip_tcp", "ncacn_http", "ncacn_np", "tcp", "http", "smb", "np", "auto"}));
    cmd.add_option("--connect-timeout", args.connect_timeout, "Seconds to connect, per resolved address")
        ->capture_default_str()
        ->check(positive_number("seconds"));
    cmd.add_option("--timeout", args.timeout, "Seconds to resolve a name, and for the banner, the bind and each call")
        ->capture_default_str()
        ->check(positive_number("seconds"));
    cmd.add_option("--host-timeout", args.host_timeout, "Seconds for everything done with one host")
        ->capture_default_str()
        ->check(positive_number("seconds"));
    cmd.add_flag("--no-feature-negotiation", args.no_feature_negotiation,
                 "Do not offer the bind-time feature negotiation context");
    add_auth_options(cmd, args.auth);
}

client::client_options to_client_options(const client_args& args, std::uint16_t target_port)
{
    client::client_options o;
    const std::uint16_t port = target_port != 0 ? target_port : args.port;
    if (!args.transport.empty())
        o.transport = *client::parse_transport(args.transport);
    else if (const auto implied = client::implied_transport(port))
        o.transport = *implied; // as impacket does for -port 593, 445 and 139
    o.timeouts.connect = seconds(args.connect_timeout);
    o.timeouts.banner = o.timeouts.bind = o.timeouts.call = seconds(args.timeout);
    o.timeouts.host = seconds(args.host_timeout);
    o.timeouts.resolve = seconds(args.timeout);
    o.feature_negotiation = !args.no_feature_negotiation;
    o.authenticate_pipe_bind = !args.auth.level.empty(); // ncacn_np: the bind too, at the level asked
#ifdef EPMDUMP_HAVE_SMB2_OPENSSL
    o.smb_crypto = smb2::openssl_crypto(); // without it: unsigned SMB 2.x sessions only
#endif
    return o;
}

} // namespace epmdump::app
