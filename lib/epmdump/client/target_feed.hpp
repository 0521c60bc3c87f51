#pragma once
// Targets for a scan, read on their own thread: a list on a pipe whose producer pauses
// (`nmap ... | epmdump -iL -`) must never hold the event loop, or every host in flight would
// stall and time out. The reader thread fills a bounded queue; the loop awaits the next target.
#include <epmdump/client/target_list.hpp>

#include <epmdump/client/target.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace epmdump::client {

class target_feed
{
public:
    using warning_handler = std::function<void(const std::string&)>;

    // Starts reading at once. `on_warning` runs on `ex`, in order with the targets around it.
    target_feed(const boost::asio::any_io_executor& ex, std::unique_ptr<target_source> source,
                warning_handler on_warning, std::size_t capacity = 1024);
    ~target_feed();
    target_feed(const target_feed&) = delete;
    target_feed& operator=(const target_feed&) = delete;

    // The next target, or nullopt at the end of all lists or after stop(). One caller at a time.
    boost::asio::awaitable<std::optional<target>> next();
    // Takes no more targets (call on the executor); a reader blocked on a silent pipe is left to
    // end with the process.
    void stop();

    // The source's counters (atomics, updated by the reader thread).
    const target_source& source() const noexcept;

private:
    struct shared;
    struct waker;
    std::shared_ptr<shared> shared_;
    std::shared_ptr<waker> waker_;
    warning_handler on_warning_;
    std::thread thread_;
};

} // namespace epmdump::client
