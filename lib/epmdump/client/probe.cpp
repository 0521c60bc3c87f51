#include <epmdump/client/client.hpp>
#include <epmdump/client/probe.hpp>
#include <epmdump/client/detail/run_blocking.hpp>
#include <epmdump/client/smb_transport.hpp>
#include <epmdump/names/interface_names.hpp>
#include <epmdump/session/probe_session.hpp>
#include <epmdump/session/service_id.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <set>

namespace epmdump::client {

// Spelled here, not in the headers: a user's `using namespace` must not meet them.
namespace asio = boost::asio;
using steady_clock = std::chrono::steady_clock;
using detail::ms_since;

namespace {

bool stopped(const std::shared_ptr<abort_group>& group, steady_clock::time_point deadline)
{
    return (group && group->aborted()) || steady_clock::now() >= deadline;
}

// What the fallback offers: every (uuid, major) of the name table, minor 0 (a server accepts a
// minor up to its own). A version-agnostic entry is offered as 1.0 and 0.0, the two majors of
// 88 % of the table's versioned entries.
std::vector<epm::syntax_id> make_candidate_interfaces()
{
    std::vector<epm::syntax_id> out;
    std::set<epm::syntax_id> seen;
    auto push = [&](const uuid& id, std::uint16_t major) {
        const epm::syntax_id s{id, major, 0};
        if (seen.insert(s).second) out.push_back(s);
    };
    for (const auto& i : names::all_interfaces())
    {
        if (i.major >= 0) push(i.id, static_cast<std::uint16_t>(i.major));
        else
        {
            push(i.id, 1);
            push(i.id, 0);
        }
    }
    return out;
}

// Derived once from the constant name table: a port scan probes tens of thousands of ports.
const std::vector<epm::syntax_id>& candidate_interfaces()
{
    static const std::vector<epm::syntax_id> candidates = make_candidate_interfaces();
    return candidates;
}

void set_error(epm::port_probe& r, const failure& f) { r.error = to_enumeration_error(f); }

// The connection attempt failed: refused is closed, a connect timeout is filtered.
void connect_failed(epm::port_probe& r, const failure& f)
{
    if (f.code == client_errc::refused) r.state = epm::port_state::closed;
    else if (f.code == client_errc::timeout && f.phase == phase::connect) r.state = epm::port_state::filtered;
    else r.state = epm::port_state::error;
    set_error(r, f);
}

// The bytes start like a connection-oriented DCE/RPC header (rpc_vers 5, minor 0 or 1).
bool looks_like_dcerpc(std::span<const std::byte> b)
{
    return b.size() >= 2 && b[0] == std::byte{5} && (b[1] == std::byte{0} || b[1] == std::byte{1});
}

void take_rpc(epm::port_probe& r, const probe_session& s)
{
    r.state = epm::port_state::rpc;
    r.ncacn_http = r.ncacn_http || s.saw_banner();
    r.mgmt_answered = r.mgmt_answered || s.mgmt_answered();
    if (r.mgmt_refusal.empty()) r.mgmt_refusal = s.mgmt_refusal();
    if (s.principal()) r.principal = s.principal();
    if (s.authenticated()) r.auth = s.authenticated();
    r.accepts_any_interface = r.accepts_any_interface || s.accepts_any_interface();
    for (const auto& i : s.interfaces())
        if (std::find(r.interfaces.begin(), r.interfaces.end(), i) == r.interfaces.end()) r.interfaces.push_back(i);
    if (r.accepts_any_interface)
        std::erase_if(r.interfaces, [](const epm::served_interface& i) { return i.how != epm::found_by::inq_if_ids; });
    // A failure after the bind was answered (a reset mid-fallback, a fault): what was found stays.
    if (s.error() && !s.bind_refused()) set_error(r, *s.error());
}

void take_first_bytes(epm::port_probe& r, std::span<const std::byte> first)
{
    r.first_bytes.assign(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(std::min(first.size(), epm::max_first_bytes)));
    if (auto guess = recognize_service(r.first_bytes))
    {
        r.service = guess->kind;
        r.looks_like = std::move(guess->looks_like);
    }
}

// Reads on after the session gave up on bytes that are no DCE/RPC header, until they are
// recognised, max_first_bytes arrived, the peer closes or the bind timeout fires.
asio::awaitable<void> read_more(connection& c, std::vector<std::byte>& got)
{
    std::array<std::byte, epm::max_first_bytes> buffer;
    while (got.size() < epm::max_first_bytes && !recognize_service(got) && c.is_open())
    {
        auto io = co_await c.read_some(std::span(buffer).first(epm::max_first_bytes - got.size()), phase::bind);
        if (io.error) break;
        got.insert(got.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(io.bytes));
    }
}

// One protocol probe on a new connection: send its request, read what comes back (until the
// bytes are recognised, max_first_bytes arrive, the peer closes or the bind timeout fires).
asio::awaitable<bool> try_service_probe(epm::port_probe& r, const service_probe& probe, const probe_options& options,
                                        steady_clock::time_point deadline, const std::shared_ptr<abort_group>& group)
{
    auto ex = co_await asio::this_coro::executor;
    connection c(ex, options.base.timeouts, deadline, group);
    ++r.connections;
    if (co_await c.connect(r.address, r.port)) co_return false;
    if (!probe.request.empty() && co_await c.write(probe.request, phase::bind)) co_return false;
    std::vector<std::byte> got;
    co_await read_more(c, got);
    if (got.empty()) co_return false;
    ++r.round_trips;
    take_first_bytes(r, got);
    co_return r.service != epm::service_kind::unknown;
}

// What a port that did not answer the bind like a DCE/RPC server looks like.
asio::awaitable<void> identify(epm::port_probe& r, connection& c, const probe_session& s, const probe_options& options,
                               steady_clock::time_point deadline, const std::shared_ptr<abort_group>& group)
{
    r.state = epm::port_state::not_rpc;
    std::vector<std::byte> got(s.first_bytes().begin(), s.first_bytes().end());
    if (!got.empty()) co_await read_more(c, got);
    c.close();
    take_first_bytes(r, got);
    if (!r.first_bytes.empty())
    {
        if (r.looks_like.empty()) r.looks_like = "bytes that are no DCE/RPC answer";
        co_return;
    }
    const auto& f = s.error();
    const bool silent = f && f->code == client_errc::timeout;
    r.looks_like = silent ? "no answer to a DCE/RPC bind" : "closed the connection without answering a DCE/RPC bind";
    if (!options.identify) co_return;
    for (const auto& probe : service_probes_for(r.port))
    {
        if (stopped(group, deadline)) break;
        if (co_await try_service_probe(r, probe, options, deadline, group)) break;
    }
}

} // namespace

asio::awaitable<epm::port_probe> async_probe_port(std::string target, std::string address, std::uint16_t port,
                                                  probe_options options, steady_clock::time_point deadline,
                                                  std::shared_ptr<abort_group> group)
{
    auto ex = co_await asio::this_coro::executor;
    const auto started = steady_clock::now();
    epm::port_probe r;
    r.target = std::move(target);
    r.address = std::move(address);
    r.port = port;

    probe_settings settings;
    settings.fallback = options.fallback;
    settings.brute_versions = options.brute_versions;
    settings.optional_banner = true; // the bind goes out at once; an ncacn_http port greets first
    const bool expect_banner = options.base.transport == transport::ncacn_http;

    bool bind_refused = false;
    {
        connection c(ex, options.base.timeouts, deadline, group);
        ++r.connections;
        if (auto f = co_await c.connect(r.address, port))
        {
            connect_failed(r, *f);
            r.elapsed_ms = ms_since(started);
            co_return r;
        }
        // Only a port that accepted the connection needs them (most ports of a range refuse).
        if (options.fallback || options.brute_versions) settings.candidates = candidate_interfaces();
        probe_session s(rpc_options_over_pipe(options.base), expect_banner, settings);
        s.set_auth_target(r.target.empty() ? r.address : r.target);
        // ncacn_np: the pipe (options.base.pipe) in an SMB session; a pipe that cannot be opened is an error.
        auto over = co_await run_session_over(c, options.base, r.target.empty() ? r.address : r.target, port, s);
        if (over.error)
        {
            r.state = epm::port_state::error;
            set_error(r, *over.error);
            r.elapsed_ms = ms_since(started);
            co_return r;
        }
        r.round_trips += s.round_trips();
        const auto& f = s.error();
        // It spoke DCE/RPC: a bind_ack, a bind_nak, a fault to the bind, or a PDU we could not take.
        // An authentication refused or failed by the server (bytes came back) is an RPC answer too.
        const bool auth_refused = f && (f->code == client_errc::auth_failed || f->code == client_errc::access_denied);
        const bool spoke = s.bound() || s.bind_refused() ||
                           (f && f->code == client_errc::fault && f->phase == phase::bind) ||
                           (auth_refused && s.stats().bytes_received > 0) ||
                           (f && f->code == client_errc::protocol_violation && looks_like_dcerpc(s.first_bytes()));
        if (spoke)
        {
            take_rpc(r, s);
            if (over.auth) r.auth = over.auth; // an anonymous bind in an authenticated SMB session: the session's
            // A server that drops the connection after refusing mgmt (before any alter_context was
            // answered) gets the fallback on a new connection, as after a bind_nak.
            const bool dropped_after_refusal = s.bound() && !s.mgmt_answered() && s.interfaces().empty() &&
                                               !s.accepts_any_interface() && f && f->code == client_errc::reset;
            bind_refused = s.bind_refused() || dropped_after_refusal;
            if (dropped_after_refusal && r.mgmt_refusal.empty()) r.mgmt_refusal = "connection reset: " + f->message();
            if (dropped_after_refusal && options.fallback) r.error.reset();
        }
        else if (f && (f->code == client_errc::cancelled || auth_refused)) // cancelled, or our own context failed
        {
            r.state = epm::port_state::error;
            set_error(r, *f);
        }
        else if (options.base.transport != transport::ncacn_np) // a pipe that answered is SMB's, not unknown
            co_await identify(r, c, s, options, deadline, group);
        else
        {
            r.state = epm::port_state::error;
            set_error(r, f ? *f : failure{client_errc::not_dcerpc, phase::bind, {}, {}, "the pipe did not answer the bind"});
        }
    }
    // bind_nak ends the association (and some servers end the connection): offer the candidates
    // in a bind on a new connection.
    if (bind_refused && (options.fallback || options.brute_versions) && !stopped(group, deadline))
    {
        connection c(ex, options.base.timeouts, deadline, group);
        ++r.connections;
        if (!co_await c.connect(r.address, port))
        {
            settings.skip_mgmt = true;
            probe_session s(rpc_options_over_pipe(options.base), expect_banner || r.ncacn_http, settings);
            s.set_auth_target(r.target.empty() ? r.address : r.target);
            if (auto over = co_await run_session_over(c, options.base, r.target.empty() ? r.address : r.target, port, s);
                over.error)
                set_error(r, *over.error);
            r.round_trips += s.round_trips();
            take_rpc(r, s);
            if (s.error() && !s.bound()) set_error(r, *s.error());
        }
    }
    r.elapsed_ms = ms_since(started);
    co_return r;
}

epm::port_probe probe_port(const std::string& target, const std::string& address, std::uint16_t port,
                           const probe_options& options)
{
    return detail::run_blocking(
        async_probe_port(target, address, port, options, steady_clock::now() + options.base.timeouts.host));
}

} // namespace epmdump::client
