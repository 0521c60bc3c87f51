#pragma once
// RPC over HTTP v1 ([MS-RPCH] 2.1.1.1 / 3.2.1.5): a server on the ncacn_http port first sends
// the 14 ASCII bytes "ncacn_http/1.0"; DCE/RPC PDUs follow on the same stream. Sans-I/O.
#include <cstddef>
#include <span>
#include <string_view>

namespace epmdump::client {

inline constexpr std::string_view ncacn_http_banner = "ncacn_http/1.0";

class http_banner_reader
{
public:
    enum class state
    {
        need_more, // a correct prefix so far
        done,      // the whole banner arrived; bytes after it belong to DCE/RPC
        mismatch,  // something else answered (an HTTP server, a DCE/RPC PDU, ...)
    };

    // Consumes bytes of the banner from `in` (never past its end) and says where we are.
    state feed(std::span<const std::byte> in, std::size_t& consumed) noexcept;
    state current() const noexcept { return state_; }
    // What arrived so far (for "not a DCE/RPC server: got 'HTTP/1.1 400'" messages).
    std::string_view received() const noexcept { return {got_, got_size_}; }

private:
    state state_ = state::need_more;
    char got_[ncacn_http_banner.size()]{};
    std::size_t got_size_ = 0;
};

} // namespace epmdump::client
