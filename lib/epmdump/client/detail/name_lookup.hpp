#pragma once
// Name resolution on a thread of its own per lookup. Asio's resolver runs every lookup of an
// io_context on one background thread and cannot cut a lookup short, so one silent DNS server
// would hold each host past its resolve timeout and queue every other host's lookup behind it.
// Here the caller polls the answer and may leave at its deadline; the lookup thread touches
// nothing but the shared state, so it may outlive the caller and the io_context.
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::client::detail {

struct lookup_answer
{
    boost::system::error_code error;
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
};

class name_lookup
{
public:
    // Starts resolving host:port (numeric port, every address family).
    static std::shared_ptr<name_lookup> start(const std::string& host, std::uint16_t port);

    // The answer once the lookup has ended.
    std::optional<lookup_answer> answer() const;

private:
    void finish(lookup_answer a);

    mutable std::mutex mutex_;
    std::optional<lookup_answer> answer_;
};

} // namespace epmdump::client::detail
