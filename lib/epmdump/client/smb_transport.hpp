#pragma once
// ncacn_np: DCE/RPC over a named pipe of an SMB 2/3 server ([MS-RPCE] 2.1.1.2), the sans-I/O
// smb2::pipe_session driven over one connection. Each PDU the rpc_session writes is one pipe
// message: FSCTL_PIPE_TRANSCEIVE when an answer follows, WRITE when another PDU follows first
// (rpc_auth3, the first fragments of a long request); the answer is fed back, and a response
// longer than one transceive is READ on.
#include <epmdump/client/connection.hpp>
#include <epmdump/epm/auth_info.hpp>
#include <epmdump/session/error.hpp>
#include <epmdump/session/options.hpp>
#include <epmdump/session/rpc_session.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace epmdump::client {

struct pipe_outcome
{
    // A failure before the DCE/RPC session could start (negotiate, session setup, tree connect,
    // create); the session's own is in its error().
    std::optional<failure> error;
    // ncacn_np with an anonymous bind in an authenticated SMB session: the SMB session's identity.
    std::optional<epm::auth_info> auth;
};

// Runs `s` over `c` (connected) as `options.transport` says: the TCP stream itself, or over
// ncacn_np a pipe (options.pipe, default \pipe\epmapper) opened in an SMB session for `host`
// (the name the user gave: the SMB session's SPN and the tree's \\HOST\IPC$), then closed.
// The SMB session authenticates with options.security (none: a null session); `port` 139 asks
// for a NetBIOS session first.
boost::asio::awaitable<pipe_outcome> run_session_over(connection& c, const client_options& options,
                                                      const std::string& host, std::uint16_t port, rpc_session& s);

// The options the DCE/RPC session over the transport is made with: over ncacn_np the bind is
// anonymous inside the authenticated SMB session (as impacket's rpcdump does) unless
// options.authenticate_pipe_bind asks for it too.
client_options rpc_options_over_pipe(const client_options& options);

// What answered for a transport::automatic run: TCP 135 unless it did not answer (no connection:
// refused, unreachable, timed out), then SMB 445. True: try SMB.
bool try_smb_after(const failure& tcp) noexcept;

} // namespace epmdump::client
