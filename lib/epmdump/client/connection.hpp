#pragma once
// One TCP conversation with a deadline per phase and one for the whole host. The only code in the
// client that touches a socket: sessions hand it bytes to write and take the bytes it reads.
// A watchdog timer closes the socket when the current deadline passes, so every pending
// operation ends at once and the failure says which phase ran out of time (the pattern of
// Asio's blocking_tcp_client example, driven by coroutines here).
#include <epmdump/session/error.hpp>
#include <epmdump/session/options.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace epmdump::client {

class abort_group;

namespace detail {
struct connection_core;
}

// Something that can be stopped from outside (Ctrl-C): the scanner aborts every live one.
class abortable
{
public:
    virtual ~abortable() = default;
    virtual void abort(client_errc reason) = 0;
};

// Every connection of a scan joins one group; abort_all() ends them (on the group's executor).
class abort_group
{
public:
    void join(const std::shared_ptr<abortable>& member);
    void abort_all(client_errc reason = client_errc::cancelled);
    bool aborted() const noexcept { return aborted_; }
    client_errc reason() const noexcept { return reason_; }

private:
    std::vector<std::weak_ptr<abortable>> members_;
    bool aborted_ = false;
    client_errc reason_ = client_errc::cancelled;
};

// An I/O outcome: bytes moved, or the typed failure that ended the conversation.
struct io_outcome
{
    std::size_t bytes = 0;
    std::optional<failure> error;
};

class connection
{
public:
    connection(const boost::asio::any_io_executor& ex, const client::timeouts& t,
               std::chrono::steady_clock::time_point host_deadline,
               const std::shared_ptr<abort_group>& group = {});
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Resolves `host` (an IP literal is used as is) and tries every address in turn, each with
    // the connect timeout. A name that resolves to nothing is resolve_failed.
    boost::asio::awaitable<std::optional<failure>> connect(const std::string& host, std::uint16_t port);

    // Writes all of `data`; the phase's timeout starts now.
    boost::asio::awaitable<std::optional<failure>> write(std::span<const std::byte> data, phase p);
    // Reads what is available (at least one byte) into `buffer`.
    boost::asio::awaitable<io_outcome> read_some(std::span<std::byte> buffer, phase p);

    // Runs `work` on the auth threads of this connection's execution context (it may block: a
    // KDC) and waits for it within phase p's limits: its timeout, the host deadline, an abort.
    // On a failure the work is left to finish alone, so it must own what it touches.
    boost::asio::awaitable<std::optional<failure>> run_off_thread(std::function<void()> work, phase p);

    // Starts the phase's timer without an I/O call (a read that spans several calls keeps it).
    void begin_phase(phase p);

    void close() noexcept;
    bool is_open() const noexcept;
    // The address we are connected to, or the last one tried when connect() failed, as text
    // without brackets ("10.0.0.1", "::1"); empty when no address was tried (a failed lookup).
    std::string remote_address() const;
    std::uint16_t remote_port() const;
    const boost::asio::ip::tcp::endpoint& remote_endpoint() const noexcept;

private:
    std::shared_ptr<detail::connection_core> core_;
};

// EMFILE / ENFILE / ENOBUFS: this process (or system) is out of sockets, the host is not at fault.
bool out_of_descriptors(const boost::system::error_code& ec) noexcept;

// The one place socket errors become client failures.
failure classify(const boost::system::error_code& ec, phase p, bool eof_is_reset = true);

} // namespace epmdump::client
