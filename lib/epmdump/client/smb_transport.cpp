#include <epmdump/client/smb_transport.hpp>
#include <epmdump/client/client.hpp>

#include <epmdump/smb2/pipe_session.hpp>

#include <array>
#include <functional>
#include <random>

namespace epmdump::client {

namespace asio = boost::asio;

namespace {

// The client's word for the SMB session's failure: refusals stay refusals, a broken server is a
// protocol violation, what is not SMB2 is not a DCE/RPC pipe server.
client_errc code_of(smb2::errc e) noexcept
{
    switch (e)
    {
    case smb2::errc::access_denied: return client_errc::access_denied;
    case smb2::errc::auth_failed:
    case smb2::errc::bad_signature: // as a DCE/RPC verifier that does not verify: auth_failed, bad_verifier
    case smb2::errc::signing_unavailable:
    case smb2::errc::encryption_unavailable: return client_errc::auth_failed;
    case smb2::errc::protocol_violation:
    case smb2::errc::credits_exhausted:
    case smb2::errc::limit_exceeded: return client_errc::protocol_violation;
    case smb2::errc::no_dialect:
    case smb2::errc::not_smb2:
    case smb2::errc::netbios_refused: return client_errc::not_dcerpc;
    case smb2::errc::pipe_not_found: return client_errc::bind_rejected;
    case smb2::errc::timeout: return client_errc::timeout;
    case smb2::errc::reset: return client_errc::reset;
    case smb2::errc::server_status:
    case smb2::errc::io_error:
    case smb2::errc::usage: return client_errc::io_error;
    }
    return client_errc::io_error;
}

smb2::errc smb_code_of(client_errc e) noexcept
{
    if (e == client_errc::timeout) return smb2::errc::timeout;
    if (e == client_errc::reset) return smb2::errc::reset;
    return smb2::errc::io_error;
}

// The one random source of a conversation: the SMB client GUID, the preauth salt, the nonce seed.
template <std::size_t N>
void fill_random(std::array<std::byte, N>& out)
{
    std::random_device device;
    for (auto& b : out) b = static_cast<std::byte>(device() & 0xff);
}

// Moves one pipe_session's bytes over one connection and remembers the I/O failure that ended
// it (our typed timeout says more than the session's copy of it).
class pipe_driver
{
public:
    pipe_driver(connection& c, smb2::pipe_session& p) : c_(c), p_(p) {}

    // Runs the session until it is ready, has a message or is done. `rpc_phase`: the timeout of
    // a transceive (the DCE/RPC call's); the steps before the pipe is open count as phase::pipe.
    asio::awaitable<smb2::next_action> drive(smb2::next_action act, phase rpc_phase)
    {
        rpc_phase_ = rpc_phase;
        while (act.type == smb2::next_action::kind::write || act.type == smb2::next_action::kind::read ||
               act.type == smb2::next_action::kind::authenticate)
        {
            const phase p = phase_of(act.phase, rpc_phase);
            if (act.type == smb2::next_action::kind::write)
            {
                auto f = co_await c_.write(act.data, p);
                act = f ? fail(std::move(*f)) : p_.on_written();
            }
            else if (act.type == smb2::next_action::kind::authenticate)
            {
                auto leg = std::make_shared<std::optional<auth_result<security_context::leg>>>();
                std::function<void()> work = [job = p_.pending_auth(), leg] { *leg = job.run(); };
                auto f = co_await c_.run_off_thread(std::move(work), phase::auth);
                act = f ? fail(std::move(*f)) : p_.on_authenticated(std::move(**leg));
            }
            else
            {
                auto io = co_await c_.read_some(buffer_, p);
                act = io.error ? fail(std::move(*io.error))
                               : p_.on_read(std::span<const std::byte>(buffer_.data(), io.bytes));
            }
        }
        co_return act;
    }

    // Why the session stopped, as the client says it.
    failure why() const
    {
        if (io_failure_) return *io_failure_;
        if (!p_.error()) return failure{client_errc::protocol_violation, phase::pipe, {}, {}, "the SMB session ended early"};
        const auto& e = *p_.error();
        failure f{code_of(e.code), phase_of(e.phase, rpc_phase_), e.status, e.codec, "SMB " + e.message()};
        f.auth = e.code == smb2::errc::bad_signature ? std::optional(epm::auth_errc::bad_verifier) : e.auth;
        return f;
    }

private:
    static phase phase_of(smb2::phase p, phase rpc_phase) noexcept
    {
        if (p == smb2::phase::transceive) return rpc_phase;
        if (p == smb2::phase::auth) return phase::auth;
        return phase::pipe;
    }

    smb2::next_action fail(failure f)
    {
        const auto code = smb_code_of(f.code);
        auto detail = f.message();
        io_failure_ = std::move(f);
        return p_.on_io_failure(code, std::move(detail));
    }

    connection& c_;
    smb2::pipe_session& p_;
    std::optional<failure> io_failure_;
    phase rpc_phase_ = phase::bind;
    std::array<std::byte, 16384> buffer_;
};

smb2::pipe_options pipe_options_for(const client_options& options, const std::string& host, std::uint16_t port)
{
    smb2::pipe_options o;
    o.server = host;
    std::string_view pipe = options.pipe.empty() ? epmapper_pipe : std::string_view(options.pipe);
    if (pipe.starts_with("\\pipe\\") || pipe.starts_with("\\PIPE\\")) pipe.remove_prefix(6);
    o.pipe = std::string(pipe);
    o.netbios = port == 139;
    o.crypto = options.smb_crypto;
    // Without the primitives 3.1.1 cannot even negotiate (its preauth hash): offer 2.x only.
    if (!o.crypto) o.dialects = {smb2::dialect::smb2_0_2, smb2::dialect::smb2_1};
    // Pipe messages are DCE/RPC fragments: an answer never needs more than what we let it grow to.
    o.max_answer = std::max<std::uint32_t>(options.limits.max_response, 1u << 16) + 65536;
    fill_random(o.client_guid);
    fill_random(o.salt);
    fill_random(o.nonce_seed);
    return o;
}

// The SMB session's identity in the record, when the DCE/RPC bind inside it is anonymous:
// the level says what protected the messages (encryption: privacy; signing: integrity).
epm::auth_info smb_auth(const client_options& options, const smb2::session_info& info, const std::string& principal)
{
    epm::auth_info a;
    a.type = options.security ? options.security->type() : epm::auth_type::none;
    a.level = info.encryption ? epm::auth_level::privacy : info.signing ? epm::auth_level::integrity : epm::auth_level::connect;
    a.principal = principal;
    // As over TCP: only negotiate names the mechanism it carried.
    if (a.type == epm::auth_type::negotiate) a.mechanism = info.mechanism;
    return a;
}

} // namespace

bool try_smb_after(const failure& tcp) noexcept
{
    return tcp.phase == phase::connect &&
           (tcp.code == client_errc::refused || tcp.code == client_errc::unreachable || tcp.code == client_errc::timeout);
}

client_options rpc_options_over_pipe(const client_options& options)
{
    auto o = options;
    if (options.transport == transport::ncacn_np && !options.authenticate_pipe_bind) o.security = nullptr;
    return o;
}

asio::awaitable<pipe_outcome> run_session_over(connection& c, const client_options& options, const std::string& host,
                                               std::uint16_t port, rpc_session& s)
{
    pipe_outcome out;
    if (options.transport != transport::ncacn_np)
    {
        co_await run_session(c, s);
        co_return out;
    }
    std::unique_ptr<security_context> context;
    if (options.security)
    {
        // Only names the principal (no KDC yet): the first leg, off the I/O thread, asks for the ticket.
        // SESSION_SETUP's token is GSS-API's own (SPNEGO, not the bind's DCE style).
        auto made = options.security->new_session_context(host);
        if (!made)
        {
            failure f{client_errc::auth_failed, phase::pipe, {}, {}, made.error().detail};
            f.auth = made.error().reason;
            out.error = std::move(f);
            co_return out;
        }
        context = std::move(*made);
    }
    const std::string principal = options.security ? options.security->principal() : std::string();
    smb2::pipe_session p(pipe_options_for(options, host, port), std::move(context));
    pipe_driver d(c, p);
    auto act = co_await d.drive(p.start(), phase::bind);
    if (act.type != smb2::next_action::kind::ready)
    {
        out.error = d.why();
        co_return out;
    }
    if (!options.authenticate_pipe_bind && options.security) out.auth = smb_auth(options, p.info(), principal);

    // The DCE/RPC session over the pipe: a PDU with an answer to come is transceived, one
    // followed by another PDU first is written alone, and more answer fragments are read.
    auto r = s.start();
    std::vector<std::byte> pdu;
    while (r.type != next_action::kind::done)
    {
        if (r.type == next_action::kind::write)
        {
            pdu.assign(r.data.begin(), r.data.end());
            const phase call_phase = r.phase;
            auto next = s.on_written(); // what the session wants after this PDU decides how it goes out
            if (next.type == next_action::kind::read)
            {
                act = co_await d.drive(p.transceive(pdu), call_phase);
                r = act.type == smb2::next_action::kind::message ? s.on_read(act.data) : s.on_io_failure(d.why());
            }
            else
            {
                act = co_await d.drive(p.write_message(pdu), call_phase);
                r = act.type == smb2::next_action::kind::ready ? next : s.on_io_failure(d.why());
            }
        }
        else if (r.type == next_action::kind::authenticate)
            r = co_await detail::run_auth_leg(c, s, r.phase);
        else
        {
            act = co_await d.drive(p.read_message(), r.phase);
            r = act.type == smb2::next_action::kind::message ? s.on_read(act.data) : s.on_io_failure(d.why());
        }
    }
    // CLOSE and LOGOFF, as a polite client does; their failure changes nothing that was learnt.
    if (p.is_ready()) co_await d.drive(p.close(), phase::pipe);
    co_return out;
}

} // namespace epmdump::client
