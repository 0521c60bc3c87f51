#pragma once
// A test's driver for smb2::pipe_session over a blocking TCP socket (POSIX): connect, then
// write/read as the session asks, with a per-read timeout. The product's transport is Asio's
// (lib/epmdump/client); this one exists so the sans-I/O session meets a real server in a test.
#include <epmdump/smb2/pipe_session.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

namespace epmdump::test {

struct blocking_socket
{
    int fd = -1;
    explicit blocking_socket(const std::string& address, std::uint16_t port)
    {
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(port);
        if (inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) return;
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
        {
            ::close(fd);
            fd = -1;
        }
    }
    ~blocking_socket()
    {
        if (fd >= 0) ::close(fd);
    }
    blocking_socket(const blocking_socket&) = delete;
    blocking_socket& operator=(const blocking_socket&) = delete;
};

// What the pipe said to each message `on_ready` chose to send; stops at done.
struct drive_result
{
    std::vector<std::vector<std::byte>> answers;
    bool io_failed = false;
};

// on_ready(session, answers so far) returns the next action (transceive/close...).
inline drive_result drive(smb2::pipe_session& s, blocking_socket& sock,
                          const std::function<smb2::next_action(smb2::pipe_session&, const drive_result&)>& on_ready,
                          int timeout_ms = 5000)
{
    drive_result result;
    auto action = s.start();
    for (int steps = 0; steps < 1000; ++steps)
    {
        switch (action.type)
        {
        case smb2::next_action::kind::write:
        {
            std::size_t at = 0;
            while (at < action.data.size())
            {
                const auto n = ::send(sock.fd, action.data.data() + at, action.data.size() - at, MSG_NOSIGNAL);
                if (n <= 0)
                {
                    result.io_failed = true;
                    action = s.on_io_failure(smb2::errc::reset, "send failed");
                    break;
                }
                at += static_cast<std::size_t>(n);
            }
            if (at == action.data.size()) action = s.on_written();
            break;
        }
        case smb2::next_action::kind::read:
        {
            pollfd p{sock.fd, POLLIN, 0};
            if (::poll(&p, 1, timeout_ms) <= 0)
            {
                action = s.on_io_failure(smb2::errc::timeout, "no answer within the test's timeout");
                break;
            }
            std::vector<std::byte> buf(65536);
            const auto n = ::recv(sock.fd, buf.data(), buf.size(), 0);
            if (n <= 0)
            {
                result.io_failed = true;
                action = s.on_io_failure(smb2::errc::reset, "the server closed the connection");
                break;
            }
            action = s.on_read(std::span<const std::byte>(buf.data(), static_cast<std::size_t>(n)));
            break;
        }
        case smb2::next_action::kind::authenticate: action = s.on_authenticated(s.pending_auth().run()); break;
        case smb2::next_action::kind::message:
            result.answers.emplace_back(action.data.begin(), action.data.end());
            action = on_ready(s, result);
            break;
        case smb2::next_action::kind::ready: action = on_ready(s, result); break;
        case smb2::next_action::kind::done: return result;
        }
    }
    return result;
}

} // namespace epmdump::test
