#include <epmdump/client/probe_scan.hpp>

namespace epmdump::client {

probe_scanner::probe_scanner(boost::asio::any_io_executor ex, probe_scan_options options)
    : probe_scanner(std::move(ex), std::move(options),
                    [](std::string target, std::string address, std::uint16_t port, probe_options o,
                       std::chrono::steady_clock::time_point deadline, std::shared_ptr<abort_group> group) {
                        return async_probe_port(std::move(target), std::move(address), port, std::move(o), deadline,
                                                std::move(group));
                    })
{
}

} // namespace epmdump::client
