#include <epmdump/client/client.hpp>
#include <epmdump/session/map_session.hpp>
#include <epmdump/client/smb_transport.hpp>
#include <epmdump/client/verify.hpp>
#include <epmdump/client/detail/run_blocking.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <array>
#include <functional>
#include <exception>

namespace epmdump::client {

// Spelled here, not in the headers: a user's `using namespace` must not meet them.
namespace asio = boost::asio;
using steady_clock = std::chrono::steady_clock;
using detail::run_blocking;

namespace {

void set_failure(host_result& r, failure f)
{
    r.enumeration.fail(to_enumeration_error(f));
    r.error = std::move(f);
}

} // namespace

asio::awaitable<next_action> detail::run_auth_leg(connection& c, rpc_session& s, phase p)
{
    // The leg may wait for a KDC: off the I/O thread, its result kept by the work itself.
    auto leg = std::make_shared<std::optional<auth_result<security_context::leg>>>();
    // Named, not a temporary in the co_await expression (GCC 12 mishandles those).
    std::function<void()> work = [job = s.pending_auth(), leg] { *leg = job.run(); };
    auto f = co_await c.run_off_thread(std::move(work), p);
    co_return f ? s.on_io_failure(std::move(*f)) : s.on_authenticated(std::move(**leg));
}

asio::awaitable<void> run_session(connection& c, rpc_session& s)
{
    // Big enough for a whole 5840-byte fragment plus the next header in one read.
    std::array<std::byte, 16384> buffer;
    auto act = s.start();
    while (act.type != next_action::kind::done)
    {
        if (act.type == next_action::kind::write)
        {
            auto f = co_await c.write(act.data, act.phase);
            act = f ? s.on_io_failure(std::move(*f)) : s.on_written();
        }
        else if (act.type == next_action::kind::authenticate)
            act = co_await detail::run_auth_leg(c, s, act.phase);
        else
        {
            auto io = co_await c.read_some(buffer, act.phase);
            act = io.error ? s.on_io_failure(std::move(*io.error))
                           : s.on_read(std::span<const std::byte>(buffer.data(), io.bytes));
        }
    }
}

namespace {

// The target's own transport and pipe (a string binding, a port that implies one) over the run's.
void apply_target(const target& t, client_options& options)
{
    if (t.via) options.transport = *t.via;
    if (!t.pipe.empty()) options.pipe = t.pipe;
}

// One ept_lookup conversation over one transport (never automatic); connect failures included.
asio::awaitable<void> enumerate_once(host_result& r, const target& t, const client_options& options,
                                     steady_clock::time_point deadline, const std::shared_ptr<abort_group>& group)
{
    auto& e = r.enumeration;
    e.port = t.port != 0 ? t.port : default_port(options.transport);
    connection c(co_await asio::this_coro::executor, options.timeouts, deadline, group);
    if (auto f = co_await c.connect(t.host, e.port))
    {
        e.address = c.remote_address();
        set_failure(r, std::move(*f));
        co_return;
    }
    e.address = c.remote_address();
    lookup_session s(rpc_options_over_pipe(options), options.transport == transport::ncacn_http);
    s.set_auth_target(t.host);
    auto over = co_await run_session_over(c, options, t.host, e.port, s);
    if (over.error)
    {
        set_failure(r, std::move(*over.error));
        co_return;
    }
    e.auth = over.auth ? over.auth : s.authenticated();
    r.stats = s.stats();
    r.pages = s.pages();
    e.entries = s.take_entries();
    if (s.error())
        set_failure(r, *s.error());
    else
        e.status = epm::enumeration_status::ok;
}

} // namespace

asio::awaitable<host_result> detail::enumerate_op(target t, client_options options, std::shared_ptr<abort_group> group)
{
    const auto started = steady_clock::now();
    const auto deadline = started + options.timeouts.host;
    host_result r;
    auto& e = r.enumeration;
    apply_target(t, options);
    e.target = t.name();
    if (options.transport != transport::automatic)
    {
        co_await enumerate_once(r, t, options, deadline, group);
        if (options.transport == transport::ncacn_np) e.transport = to_string(transport::ncacn_np);
    }
    else
    {
        // TCP 135 first; SMB 445 only when nothing answered there (a filtered or closed port).
        auto tcp = options;
        tcp.transport = transport::ncacn_ip_tcp;
        co_await enumerate_once(r, t, tcp, deadline, group);
        e.transport = to_string(transport::ncacn_ip_tcp);
        if (r.error && try_smb_after(*r.error) && !(group && group->aborted()))
        {
            const std::string tcp_said = r.error->message();
            auto smb = options;
            smb.transport = transport::ncacn_np;
            host_result second;
            second.enumeration.target = e.target;
            auto on_445 = t;
            on_445.port = 0; // SMB's own port, whatever TCP was tried on
            co_await enumerate_once(second, on_445, smb, deadline, group);
            r = std::move(second);
            e.transport = to_string(transport::ncacn_np);
            if (r.error)
            {
                r.error->detail += (r.error->detail.empty() ? "" : "; ") + ("ncacn_ip_tcp 135 before it: " + tcp_said);
                e.error = to_enumeration_error(*r.error);
            }
        }
    }
    if (options.verify && !e.entries.empty() && !(group && group->aborted()))
        co_await async_verify(e.entries, e.address, options, deadline, group, t.host);
    e.elapsed_ms = ms_since(started);
    co_return r;
}

host_result enumerate(const target& t, const client_options& options)
{
    return run_blocking(detail::enumerate_op(t, options, {}));
}

asio::awaitable<map_result> detail::map_op(target t, epm::syntax_id interface, std::string protseq,
                                           client_options options, std::shared_ptr<abort_group> group)
{
    auto ex = co_await asio::this_coro::executor;
    const auto started = steady_clock::now();
    map_result r;
    apply_target(t, options);
    // map asks one mapper: auto takes its first choice (ncacn_ip_tcp on 135) unless a port says otherwise.
    if (options.transport == transport::automatic) options.transport = implied_transport(t.port).value_or(transport::ncacn_ip_tcp);
    r.target = t.name();
    r.port = t.port != 0 ? t.port : default_port(options.transport);
    if (options.transport == transport::ncacn_np) r.transport = to_string(transport::ncacn_np);
    connection c(ex, options.timeouts, started + options.timeouts.host, group);
    if (auto f = co_await c.connect(t.host, r.port))
    {
        r.address = c.remote_address();
        r.error = std::move(*f);
        r.elapsed_ms = ms_since(started);
        co_return r;
    }
    r.address = c.remote_address();
    map_session s(rpc_options_over_pipe(options), options.transport == transport::ncacn_http, interface,
                  std::move(protseq));
    s.set_auth_target(t.host);
    if (auto over = co_await run_session_over(c, options, t.host, r.port, s); over.error)
    {
        r.error = std::move(*over.error);
        r.elapsed_ms = ms_since(started);
        co_return r;
    }
    r.towers = s.towers();
    r.status = s.status();
    r.error = s.error();
    r.elapsed_ms = ms_since(started);
    co_return r;
}

map_result map(const target& t, const epm::syntax_id& interface, const std::string& protseq,
               const client_options& options)
{
    return run_blocking(detail::map_op(t, interface, protseq, options, {}));
}

} // namespace epmdump::client
