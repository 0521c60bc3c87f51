#pragma once
// Sans-I/O SMB 2/3 client for one named pipe, in the style of client::rpc_session: the driver
// moves bytes (asks next_action, writes or reads, feeds back what happened) and the session does
// NEGOTIATE -> SESSION_SETUP legs -> TREE_CONNECT \\SERVER\IPC$ -> CREATE the pipe, then, when
// ready, transceives pipe messages (IOCTL FSCTL_PIPE_TRANSCEIVE, READ for the rest of an
// overflowing answer, WRITE + READ for a message beyond the IOCTL limit), and on close() does
// CLOSE -> LOGOFF. Credits and message ids are tracked (never beyond what was granted); an
// interim STATUS_PENDING answer keeps the session reading (the driver's deadline decides when to
// give up); every signed response is verified; encryption is used when the session or the share
// requires it. Bytes written include the Direct TCP / NetBIOS framing.
#include <epmdump/session/security_context.hpp>
#include <epmdump/smb2/constants.hpp>
#include <epmdump/smb2/create.hpp>
#include <epmdump/smb2/crypto.hpp>
#include <epmdump/smb2/error.hpp>
#include <epmdump/smb2/framing.hpp>
#include <epmdump/smb2/keys.hpp>
#include <epmdump/smb2/negotiate.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace epmdump::smb2 {

struct pipe_options
{
    std::string server;              // the name in \\SERVER\IPC$ (a host name or an address)
    std::string pipe = "epmapper";   // the pipe's name, without "\pipe\"
    std::vector<dialect> dialects{dialect::smb2_0_2, dialect::smb2_1, dialect::smb3_0, dialect::smb3_0_2,
                                  dialect::smb3_1_1};
    // Port 139: a NetBIOS session request first (RFC 1002), to `netbios_called` ("*SMBSERVER"
    // when empty) from `netbios_calling`.
    bool netbios = false;
    std::string netbios_called;
    std::string netbios_calling = "EPMDUMP";
    // Signing, encryption and the preauth hash need it; null: only sessions the server lets run
    // unsigned (an anonymous session on a server that does not require signing).
    std::shared_ptr<const crypto_provider> crypto;
    // Encrypt even when the server does not require it (3.x with a common cipher).
    bool want_encryption = false;
    // Randomness the session may not make itself (sans-I/O: no global state): the client GUID,
    // the 3.1.1 preauth salt and the seed of the encryption nonces (a counter follows it).
    guid_bytes client_guid{};
    std::array<std::byte, 32> salt{};
    std::array<std::byte, 8> nonce_seed{};
    // Caps beside the negotiated sizes: one answer (IOCTL output + READs) and one message on the wire.
    std::uint32_t max_answer = 4u * 1024 * 1024;
    std::uint32_t max_message = hard_max_message;
    std::uint32_t max_transceive = default_max_transceive; // IOCTL MaxOutputResponse we ask for
    std::uint16_t credits_wanted = 64;                        // CreditRequest in each request
};

struct next_action
{
    enum class kind : std::uint8_t
    {
        write,        // send `data` (valid until the next call into the session), then on_written()
        read,         // read some bytes and hand them to on_read()
        authenticate, // run pending_auth().run() off the I/O thread, then on_authenticated()
        ready,        // the pipe is open: call transceive(), write_message(), read_message() or close()
        message,      // `data` is one whole answer of the pipe (valid until the next call); then as ready
        done,         // finished (after close(), or failed): see error()
    };
    kind type = kind::done;
    std::span<const std::byte> data;
    smb2::phase phase = phase::negotiate; // whose timeout applies
};

// What the wire showed, for tests, logs and the JSON statistics.
struct session_info
{
    smb2::dialect dialect = dialect::smb2_0_2;
    std::uint16_t server_security_mode = 0;
    std::uint32_t server_capabilities = 0;
    std::uint32_t max_transact_size = 0;
    std::uint32_t max_read_size = 0;
    std::uint32_t max_write_size = 0;
    std::uint16_t session_flags = 0;           // is_guest / is_null / encrypt_data
    std::uint32_t share_flags = 0;
    bool signing = false;                      // messages are signed and verified
    bool encryption = false;                   // messages go in TRANSFORM_HEADERs
    std::optional<signing_algorithm> signing_algorithm_used;
    smb2::cipher cipher = cipher::none;
    smb2::file_id file_id;
    std::uint64_t session_id = 0;
    std::uint32_t tree_id = 0;
    std::uint32_t requests = 0;                // messages sent
    std::uint32_t round_trips = 0;             // writes followed by a read
    std::uint32_t pending_interims = 0;        // STATUS_PENDING answers seen
    epm::auth_type mechanism = epm::auth_type::none; // what authenticated the session (negotiate: the one SPNEGO chose)
};

// One leg of the security context, to run where blocking is allowed; it owns what it touches.
class pipe_auth_job
{
public:
    client::auth_result<client::security_context::leg> run() const;

private:
    friend class pipe_session;
    struct slot
    {
        std::unique_ptr<client::security_context> context;
    };
    std::shared_ptr<slot> slot_;
    std::vector<std::byte> server_token_;
};

class pipe_session
{
public:
    // `context` null: an anonymous (null) session.
    pipe_session(pipe_options options, std::unique_ptr<client::security_context> context);
    ~pipe_session();
    pipe_session(const pipe_session&) = delete;
    pipe_session& operator=(const pipe_session&) = delete;

    next_action start();
    next_action on_written();
    next_action on_read(std::span<const std::byte> bytes);
    next_action on_io_failure(errc code, std::string detail); // timeout / reset / io_error

    pipe_auth_job pending_auth() const;
    next_action on_authenticated(client::auth_result<client::security_context::leg> result);

    // When ready: one pipe message out and its answer back (IOCTL, or WRITE then READ beyond the
    // IOCTL limit); the answer arrives as next_action::kind::message.
    next_action transceive(std::span<const std::byte> message);
    // A message with no answer expected (rpc_auth3): WRITE only; the next action is ready.
    next_action write_message(std::span<const std::byte> message);
    // Read one more message (an answer the peer sends unasked, or the next fragment): READ.
    next_action read_message();
    // CLOSE the pipe, then LOGOFF; done after that.
    next_action close();

    bool done() const noexcept;
    bool is_ready() const noexcept;
    const std::optional<failure>& error() const noexcept;
    const session_info& info() const noexcept;

    struct impl; // the state machine (pipe_session.cpp)

private:
    std::unique_ptr<impl> impl_;
};

} // namespace epmdump::smb2
