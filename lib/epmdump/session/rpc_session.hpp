#pragma once
// Sans-I/O connection-oriented DCE/RPC association: the ncacn_http banner, bind (with the
// bind-time feature negotiation context), then calls, each answered by a response or a fault.
// The driver (connection + run_session) only moves bytes: it asks next_action, writes or reads,
// and feeds back what happened. Operations (ept_lookup paging, ept_map, ping) derive from it.
#include <epmdump/session/error.hpp>
#include <epmdump/session/http_banner.hpp>
#include <epmdump/session/options.hpp>
#include <epmdump/session/security_context.hpp>
#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/negotiation.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>
#include <epmdump/ndr/drep.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace epmdump::client {

struct next_action
{
    enum class kind : std::uint8_t
    {
        write, // send `data` (valid until the next call into the session)
        read,  // read some bytes and hand them to on_read
        done,  // finished; see the session's result / error()
        // run pending_auth().run() off the I/O thread (it may wait for a KDC), within phase
        // auth's limits (the bind timeout and the host deadline), and hand its result to
        // on_authenticated
        authenticate,
    };
    kind type = kind::done;
    std::span<const std::byte> data;
    client::phase phase = phase::bind; // whose timeout applies
};

// What the wire showed, for tests and the JSON statistics.
struct session_stats
{
    std::uint16_t max_xmit_frag = 0;   // negotiated: what we may send (the server's max_recv_frag)
    std::uint16_t max_recv_frag = 0;   // what the server said it sends at most
    bool big_endian_server = false;    // the server's drep
    bool feature_negotiation_acked = false;
    std::uint64_t features = 0;        // bits the server acknowledged
    std::uint32_t calls = 0;           // requests sent (handle frees included)
    std::uint32_t response_fragments = 0;
    std::uint64_t bytes_received = 0;
};

// One leg of a context establishment, to run where blocking is allowed. It owns what it
// touches (the context is shared with the session), so a driver that gave up waiting can let
// it finish on its own.
class auth_job
{
public:
    auth_result<security_context::leg> run() const;

private:
    friend class rpc_session;
    struct slot
    {
        std::unique_ptr<security_context> context;
    };
    std::shared_ptr<const security_provider> provider_;
    std::string host_;
    std::shared_ptr<slot> slot_;
    std::vector<std::byte> server_token_;
};

class rpc_session
{
public:
    rpc_session(const client_options& options, bool expect_banner);
    virtual ~rpc_session();
    rpc_session(const rpc_session&) = delete;
    rpc_session& operator=(const rpc_session&) = delete;

    next_action start();
    next_action on_written();
    next_action on_read(std::span<const std::byte> bytes);
    // The driver's I/O failed (timeout, reset, ...): the operation decides what it keeps.
    next_action on_io_failure(failure f);

    // Authentication (options().security set). The host the context is for (the SPN's NAME):
    // call before start(); empty means the provider's own default.
    void set_auth_target(std::string host) { auth_host_ = std::move(host); }
    // After next_action::kind::authenticate: the leg to run, then its result.
    auth_job pending_auth() const;
    next_action on_authenticated(auth_result<security_context::leg> result);
    // What the association authenticated as, once the context is established.
    const std::optional<epm::auth_info>& authenticated() const noexcept { return authenticated_; }
    // The server echoed PFC_SUPPORT_HEADER_SIGN: headers and sec_trailers are signed too.
    bool header_signing() const noexcept { return header_signing_; }

    bool done() const noexcept { return done_; }
    // The port greeted with "ncacn_http/1.0" (expected, or found in optional-banner mode).
    bool saw_banner() const noexcept { return saw_banner_; }
    // The first bytes the server sent (at most epm::max_first_bytes), for naming a non-RPC answer.
    std::span<const std::byte> first_bytes() const noexcept { return first_bytes_; }
    const std::optional<failure>& error() const noexcept { return error_; }
    const session_stats& stats() const noexcept { return stats_; }

protected:
    // One call to make: opnum and its stub (NDR in our little-endian representation), or,
    // when `alter` is set, an alter_context offering those contexts instead (C706 §12.6.4.1).
    struct call
    {
        std::uint16_t opnum = 0;
        std::vector<std::byte> stub;
        client::phase phase = phase::lookup;
        std::uint16_t context_id = 0;
        std::optional<std::vector<dcerpc::presentation_context>> alter;
    };
    using step = std::optional<call>; // nullopt: finished

    // The contexts to offer. Default: the operation's abstract syntax with NDR 2.0 (context 0),
    // plus the feature negotiation context when enabled.
    virtual std::vector<dcerpc::presentation_context> contexts() const = 0;
    // The bind was answered and negotiate() found it consistent with our offer; at least one
    // of our contexts is accepted unless requires_accepted_context() is false. Returns the first call.
    virtual step on_bound(const dcerpc::negotiation& n) = 0;
    virtual bool requires_accepted_context() const noexcept { return true; }
    // The answer to an alter_context step, negotiated against what it offered. Default: a
    // protocol violation (nobody asked).
    virtual step on_altered(const dcerpc::negotiation& n);
    // A whole response stub, in the server's data representation.
    virtual step on_response(std::span<const std::byte> stub, ndr::drep rep) = 0;
    // A fault for the current call. Default: the operation fails with `fault`.
    virtual step on_fault(std::uint32_t status);
    // The conversation ended in failure (I/O, protocol, fault...). The operation may rewrite it
    // or clear it (a failed handle free does not spoil a finished enumeration). Default: keep.
    virtual void on_failed(std::optional<failure>& f);

    step fail(failure f);
    // Optional-banner mode (call before start()): the bind goes out at once, and the first bytes
    // read may be "ncacn_http/1.0" before the answer (a port not known to be ncacn_http).
    void allow_banner() noexcept { optional_banner_ = true; }
    const client_options& options() const noexcept { return options_; }
    client::phase current_phase() const noexcept { return phase_; }
    // Offer NDR 2.0 for `abstract` in context `id`, then (optionally) feature negotiation.
    std::vector<dcerpc::presentation_context> default_contexts(const dcerpc::syntax_id& abstract) const;

private:
    next_action send(std::vector<std::byte> bytes, client::phase p);
    next_action read(client::phase p);
    next_action finish();
    next_action handle_message(const dcerpc::message& m);
    bool feed_framer(std::span<const std::byte> bytes);
    next_action on_bind_reply(const dcerpc::message& m);
    next_action on_call_reply(const dcerpc::message& m);
    next_action next_call(step s);
    // Authentication legs, protection and the typed refusals ([MS-RPCE] 3.3.1.5.2, 2.2.2.11).
    bool securing() const noexcept { return options_.security != nullptr; }
    bool protecting() const noexcept;
    next_action ask_authenticate();
    next_action send_auth_leg(std::vector<std::byte> token);
    next_action enter_calls();
    dcerpc::sec_trailer our_trailer() const;
    std::optional<failure> check_verifier(const std::optional<dcerpc::auth_verifier>& v, bool required) const;
    std::optional<failure> refusal(std::uint32_t status, bool nak) const;
    bool unprotect_fragment(const dcerpc::pdu_frame& frame, dcerpc::pdu_frame& out);
    std::optional<std::vector<std::byte>> protect_request(const call& c, std::uint16_t xmit);

    client_options options_;
    bool expect_banner_;
    bool optional_banner_ = false;
    bool saw_banner_ = false;
    std::vector<std::byte> first_bytes_;
    http_banner_reader banner_;
    dcerpc::pdu_framer framer_;
    dcerpc::message_assembler assembler_;
    std::vector<std::byte> out_;
    dcerpc::bind_params offered_;        // the last bind or alter_context we sent
    bool altering_ = false;              // an alter_context is waiting for its answer
    client::phase phase_ = phase::bind;
    enum class state : std::uint8_t { idle, banner, binding, calling, finished } state_ = state::idle;
    std::uint32_t call_id_ = 0;
    std::uint16_t max_xmit_ = 0;
    bool done_ = false;
    bool pending_finish_ = false;
    std::optional<failure> error_;
    session_stats stats_;

    std::string auth_host_;
    std::shared_ptr<auth_job::slot> auth_slot_ = std::make_shared<auth_job::slot>();
    std::vector<std::byte> server_token_; // for the next leg
    bool auth_started_ = false;
    bool auth_complete_ = false;
    bool auth_alter_pending_ = false;     // an alter_context carrying a token awaits its answer
    bool calls_after_write_ = false;      // rpc_auth3 is going out: no answer, then the calls
    bool header_signing_ = false;
    std::optional<dcerpc::negotiation> bound_; // the bind's, kept while the legs run
    std::optional<epm::auth_info> authenticated_;
    std::vector<std::byte> unsealed_;     // one response fragment, checked and unsealed
};

} // namespace epmdump::client
