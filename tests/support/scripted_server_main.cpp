// epmdump_test_server: the scripted endpoint mapper as a process, for measuring scans by hand
// and for end-to-end tests that need a server of their own.
//   epmdump_test_server [ENTRIES [FIRST_ADDRESS [COUNT [PORT]]]]
// serves ENTRIES (default 53) sample entries on COUNT (default 1) consecutive IPv4 loopback
// addresses from FIRST_ADDRESS (default 127.0.0.1), all on PORT (default: a free one).
//   epmdump_test_server --mgmt UUID:MAJOR.MINOR[,UUID:MAJOR.MINOR...] [OPTIONS]
// an RPC server (no endpoint mapper) serving those interfaces: its binds accept them and mgmt
// inq_if_ids lists them (mgmt last). OPTIONS:
//   --refuse windows|samba3|samba4  refuse mgmt instead (fault nca_s_unk_if on the call; context
//                                   rejected abstract_syntax_not_supported; reason_not_specified)
//   --liar                          accept every interface offered
//   --principal NAME                answer inq_princ_name with NAME (default: fault, as Samba)
//   --address A (127.0.0.1)         --port P (default: a free one)
//   epmdump_test_server --http [--address A] [--port P]
// a non-RPC server: answers whatever it is sent with "HTTP/1.1 400 Bad Request" and closes.
// Every form prints "PORT=<n>" and runs until SIGINT/SIGTERM; 2 on a usage error.
#include "support/scripted_server.hpp"

#include <epmdump/mgmt/mgmt.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace {

namespace asio = boost::asio;
using epmdump::test::server_script;

// "UUID:MAJOR.MINOR"
std::optional<epmdump::epm::syntax_id> parse_interface(std::string_view text)
{
    const auto colon = text.find(':');
    const auto dot = text.find('.', colon);
    if (colon == std::string_view::npos || dot == std::string_view::npos) return std::nullopt;
    const auto id = epmdump::parse_uuid(text.substr(0, colon));
    if (!id) return std::nullopt;
    const std::string major(text.substr(colon + 1, dot - colon - 1));
    const std::string minor(text.substr(dot + 1));
    if (major.empty() || minor.empty()) return std::nullopt;
    return epmdump::epm::syntax_id{*id, static_cast<std::uint16_t>(std::strtoul(major.c_str(), nullptr, 10)),
                                   static_cast<std::uint16_t>(std::strtoul(minor.c_str(), nullptr, 10))};
}

int usage(const char* why)
{
    std::cerr << "epmdump_test_server: " << why << " (see the comment at the top of scripted_server_main.cpp)\n";
    return 2;
}

int run(const server_script& script, const std::vector<std::string>& addresses, std::uint16_t port)
{
    epmdump::test::scripted_server server(script, addresses, port);
    std::cout << "PORT=" << server.port() << std::endl;
    asio::io_context io;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) { io.stop(); });
    io.run();
    const auto log = server.log();
    std::cerr << "connections=" << log.connections << " lookups=" << log.lookups << " mgmt_calls=" << log.mgmt_calls
              << " alters=" << log.alters << "\n";
    return 0;
}

// The --mgmt and --http forms.
int run_flags(int argc, char** argv)
{
    server_script script;
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
    bool mgmt = false;
    bool http = false;
    bool refused = false;
    for (int i = 1; i < argc; ++i)
    {
        const std::string_view arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--http") http = true;
        else if (arg == "--liar") script.accept_any_interface = true;
        else if (arg == "--mgmt" && has_value)
        {
            mgmt = true;
            std::string_view list = argv[++i];
            while (!list.empty())
            {
                const auto comma = list.find(',');
                const auto one = parse_interface(list.substr(0, comma));
                if (!one) return usage("bad interface in --mgmt");
                script.accepted.push_back(*one);
                script.mgmt_if_ids.push_back(*one);
                list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            }
        }
        else if (arg == "--refuse" && has_value)
        {
            const std::string_view style = argv[++i];
            refused = true;
            if (style == "windows") script.mgmt = epmdump::test::mgmt_style::unk_if;
            else if (style == "samba3") script.mgmt = epmdump::test::mgmt_style::absent;
            else if (style == "samba4") script.mgmt = epmdump::test::mgmt_style::not_specified;
            else return usage("--refuse takes windows, samba3 or samba4");
        }
        else if (arg == "--principal" && has_value) script.principal = argv[++i];
        else if (arg == "--address" && has_value) address = argv[++i];
        else if (arg == "--port" && has_value) port = static_cast<std::uint16_t>(std::strtoul(argv[++i], nullptr, 10));
        else return usage("unknown or incomplete option");
    }
    if (mgmt == http) return usage("give one of --mgmt and --http");
    if (asio::ip::make_address_v4(address).to_bytes()[0] != 127) return usage("loopback addresses only (127.0.0.0/8)");
    if (http)
    {
        const std::string_view reply = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        for (char c : reply) script.answer_to_anything.push_back(static_cast<std::byte>(c));
    }
    else
    {
        if (!refused) script.mgmt = epmdump::test::mgmt_style::answers;
        script.mgmt_if_ids.push_back(epmdump::mgmt::mgmt_interface());
    }
    return run(script, {address}, port);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc > 1 && std::string_view(argv[1]).starts_with("--")) return run_flags(argc, argv);
    const std::size_t entries = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 53;
    const auto first = asio::ip::make_address_v4(argc > 2 ? argv[2] : "127.0.0.1");
    const std::size_t count = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1;
    const auto port = static_cast<std::uint16_t>(argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 0);
    if (first.to_bytes()[0] != 127 || count == 0 || count > 65536) return usage("loopback addresses only (127.0.0.0/8), 1-65536 of them");
    std::vector<std::string> addresses;
    for (std::size_t i = 0; i < count; ++i) addresses.push_back(asio::ip::address_v4(first.to_uint() + static_cast<std::uint32_t>(i)).to_string());
    server_script script;
    script.entries = epmdump::test::sample_entries(entries);
    return run(script, addresses, port);
}
