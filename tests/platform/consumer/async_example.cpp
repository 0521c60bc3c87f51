// The README's asynchronous example: one io_context, async_enumerate with a future and with a
// callback, as an embedder without coroutines writes it. Built by the install test, which sets
// no C++ standard itself.
//   async_example HOST PORT   prints "future: KIND" and "callback: KIND" (KIND "ok" or error.kind)
#include <epmdump/client/client.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

std::string kind(const epmdump::client::host_result& r)
{
    return r.enumeration.error ? std::string(to_string(r.enumeration.error->kind)) : std::string("ok");
}

} // namespace

int main(int argc, char** argv)
{
    namespace asio = boost::asio;
    namespace client = epmdump::client;
    if (argc != 3)
    {
        std::cerr << "usage: async_example HOST PORT\n";
        return 2;
    }
    const client::target t(argv[1], static_cast<std::uint16_t>(std::atoi(argv[2])));
    asio::io_context io;

    auto future = client::async_enumerate(io.get_executor(), t, {}, asio::use_future);
    client::async_enumerate(io.get_executor(), t, {}, [](std::exception_ptr e, client::host_result r) {
        if (e) std::rethrow_exception(e);
        std::cout << "callback: " << kind(r) << "\n";
    });
    io.run(); // both run side by side on this thread
    std::cout << "future: " << kind(future.get()) << "\n";
}
