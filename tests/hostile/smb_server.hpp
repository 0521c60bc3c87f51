#pragma once
// A hostile SMB2 server on loopback for the ncacn_np driver: it answers NEGOTIATE (2.0.2),
// SESSION_SETUP (the test mechanism's legs, or a null session), TREE_CONNECT and CREATE as a
// server would, then misbehaves the way its script says. It never speaks DCE/RPC: every case
// ends before an answer to the bind would matter. One thread, blocking sockets, 127.0.0.1 only.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace epmdump::test {

enum class smb_misdeed : std::uint8_t
{
    no_credits,         // NEGOTIATE grants 0 credits: no request may follow
    credits_withdrawn,  // one credit per answer, then the final SESSION_SETUP grants 0: no TREE_CONNECT may follow
    huge_ioctl_output,  // the IOCTL answer claims 4 GiB - 256 octets of output
    pending_forever,    // the IOCTL gets an interim STATUS_PENDING, and nothing after it
    bad_signature,      // signing required; the last SESSION_SETUP answer is signed with garbage
};

class smb_server
{
public:
    explicit smb_server(smb_misdeed what);
    ~smb_server();
    smb_server(const smb_server&) = delete;
    smb_server& operator=(const smb_server&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    // Messages the client sent (after the client finished).
    int requests() const noexcept { return requests_.load(); }

private:
    void serve();
    void answer(int fd);

    smb_misdeed what_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

} // namespace epmdump::test
