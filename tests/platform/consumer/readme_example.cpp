// The README's embedding example, compiled by the install test so that it stays true.
#include <epmdump/client/scanner.hpp>
#include <epmdump/client/target_list.hpp>
#include <epmdump/output/writer.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv)
{
    namespace client = epmdump::client;
    // TARGET [PORT]: a host, an address, HOST:PORT, a CIDR block or a range, as epmdump takes
    // them; PORT 0 means the endpoint mapper's own, 135.
    std::string error;
    const auto word = client::parse_target(argc > 1 ? argv[1] : "10.0.0.0/24", error);
    if (!word)
    {
        std::cerr << error << "\n";
        return 2;
    }
    const auto port = static_cast<std::uint16_t>(argc > 2 ? std::atoi(argv[2]) : 0);
    client::target_source targets({*word}, {/* list files, "-" for stdin */}, port);

    boost::asio::io_context io;
    client::scanner scan(io.get_executor(), {}); // 64 hosts at a time
    epmdump::output::writer out(std::cout, epmdump::output::format::json);
    bool all_answered = true;
    auto on_result = [&](client::host_result&& r) {
        all_answered = all_answered && !r.error;
        out.write(r.enumeration); // one JSON Lines object per host, as `epmdump --format json` prints it
    };
    boost::asio::co_spawn(io, scan.run([&] { return targets.next(); }, on_result), boost::asio::detached);
    io.run();
    out.end();
    return all_answered ? 0 : 1;
}
