// epmdump_test_server: the scripted endpoint mapper as a process, for measuring scans by hand.
//   epmdump_test_server [ENTRIES [FIRST_ADDRESS [COUNT [PORT]]]]
// serves ENTRIES (default 53) sample entries on COUNT (default 1) consecutive IPv4 loopback
// addresses from FIRST_ADDRESS (default 127.0.0.1), all on PORT (default: a free one). Prints
// "PORT=<n>" and runs until SIGINT/SIGTERM.
#include "support/scripted_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    namespace asio = boost::asio;
    const std::size_t entries = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 53;
    const auto first = asio::ip::make_address_v4(argc > 2 ? argv[2] : "127.0.0.1");
    const std::size_t count = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1;
    const auto port = static_cast<std::uint16_t>(argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 0);
    if (first.to_bytes()[0] != 127 || count == 0 || count > 65536)
    {
        std::cerr << "loopback addresses only (127.0.0.0/8), 1-65536 of them\n";
        return 2;
    }
    std::vector<std::string> addresses;
    for (std::size_t i = 0; i < count; ++i) addresses.push_back(asio::ip::address_v4(first.to_uint() + static_cast<std::uint32_t>(i)).to_string());
    epmdump::test::server_script script;
    script.entries = epmdump::test::sample_entries(entries);
    epmdump::test::scripted_server server(script, addresses, port);
    std::cout << "PORT=" << server.port() << std::endl;
    asio::io_context io;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) { io.stop(); });
    io.run();
    const auto log = server.log();
    std::cerr << "connections=" << log.connections << " lookups=" << log.lookups << "\n";
}
