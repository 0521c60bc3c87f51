// The README's embedding example, compiled by the install test so that it stays true.
#include <epmdump/client/client.hpp>
#include <epmdump/output/writer.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv)
{
    namespace client = epmdump::client;
    // HOST [PORT]: PORT 0 means the endpoint mapper's own, 135.
    const client::target t(argc > 1 ? argv[1] : "127.0.0.1", static_cast<std::uint16_t>(argc > 2 ? std::atoi(argv[2]) : 0));
    const client::host_result r = client::enumerate(t, {});
    if (r.error) std::cerr << r.error->message() << "\n";
    epmdump::output::writer out(std::cout, epmdump::output::format::json);
    out.write(r.enumeration); // one JSON Lines object, as `epmdump --format json` prints it
    return r.error ? 1 : 0;
}
