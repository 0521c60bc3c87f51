#include <epmdump/client/connection.hpp>
#include <epmdump/client/detail/auth_threads.hpp>
#include <epmdump/client/detail/name_lookup.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>

namespace epmdump::client {

// Spelled here, not in the headers: a user's `using namespace` must not meet them.
namespace asio = boost::asio;
using steady_clock = std::chrono::steady_clock;

namespace detail {

// Shared with the watchdog's completion handler, which may run after the connection is gone.
struct connection_core final : abortable, std::enable_shared_from_this<connection_core>
{
    connection_core(const asio::any_io_executor& ex, const client::timeouts& t, steady_clock::time_point deadline)
        : socket(ex), lookup_wait(ex), timer(ex), timeouts(t), host_deadline(deadline)
    {
    }

    asio::ip::tcp::socket socket;
    asio::steady_timer lookup_wait; // paces the polls of a name lookup; shut() wakes it
    asio::steady_timer timer;
    client::timeouts timeouts;
    steady_clock::time_point host_deadline;
    asio::ip::tcp::endpoint remote;

    bool attempted = false; // `remote` names an address we tried
    phase current = phase::connect;
    std::chrono::milliseconds current_budget{};
    bool expired = false;          // the watchdog fired
    bool expired_by_host = false;  // ... because of the host deadline
    std::optional<client_errc> aborted;
    std::uint64_t generation = 0;

    std::chrono::milliseconds budget(phase p) const noexcept
    {
        switch (p)
        {
        case phase::resolve: return timeouts.resolve;
        case phase::connect: return timeouts.connect;
        case phase::banner: return timeouts.banner;
        case phase::bind:
        case phase::pipe: // each SMB exchange before the pipe is open
        case phase::auth: return timeouts.bind; // a leg's KDC wait counts as binding
        default: return timeouts.call;
        }
    }

    void arm(phase p)
    {
        current = p;
        current_budget = budget(p);
        const auto now = steady_clock::now();
        auto deadline = now + current_budget;
        expired_by_host = host_deadline <= deadline;
        deadline = std::min(deadline, host_deadline);
        timer.expires_at(deadline);
        const auto gen = ++generation;
        timer.async_wait([weak = weak_from_this(), gen](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (ec || !self || self->generation != gen) return;
            self->expired = true;
            self->shut();
        });
    }

    // cancel() reports a failure only by throwing; a timer left running fires into a stale
    // generation (or a poll that checks again) and does nothing, so callers can stay noexcept.
    static void cancel_quietly(asio::steady_timer& t) noexcept
    {
        try
        {
            t.cancel();
        }
        catch (const boost::system::system_error&)
        {
        }
    }

    void disarm() noexcept
    {
        ++generation;
        cancel_quietly(timer);
    }

    void shut() noexcept
    {
        boost::system::error_code ignored;
        socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        cancel_quietly(lookup_wait);
    }

    void abort(client_errc reason) override
    {
        if (aborted) return;
        aborted = reason;
        shut();
        disarm();
    }

    // A failed operation's cause: our own deadline or abort first, then the socket's word.
    failure explain(const boost::system::error_code& ec, bool eof_is_reset = true) const
    {
        if (aborted) return failure{*aborted, current, {}, {}, "stopped by the user"};
        if (expired)
        {
            failure f{client_errc::timeout, current, {}, {}, {}};
            // Name the limit that fired: the phase's whole budget (bytes may have been arriving), or the host's.
            f.detail = expired_by_host ? "host deadline of " + std::to_string(timeouts.host.count()) + " ms reached"
                                       : std::string(to_string(current)) + " not finished within its limit of " +
                                             std::to_string(current_budget.count()) + " ms";
            return f;
        }
        return classify(ec, current, eof_is_reset);
    }
};

} // namespace detail

void abort_group::join(const std::shared_ptr<abortable>& member)
{
    // Forget the members that have ended so the list stays as long as the concurrency.
    std::erase_if(members_, [](const std::weak_ptr<abortable>& w) { return w.expired(); });
    members_.push_back(member);
    if (aborted_) member->abort(reason_);
}

void abort_group::abort_all(client_errc reason)
{
    if (!aborted_)
    {
        aborted_ = true;
        reason_ = reason;
    }
    for (auto& w : members_)
    {
        if (auto m = w.lock()) m->abort(reason_);
    }
    members_.clear();
}

bool out_of_descriptors(const boost::system::error_code& ec) noexcept
{
    return ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system ||
           ec == asio::error::no_buffer_space;
}

failure classify(const boost::system::error_code& ec, phase p, bool eof_is_reset)
{
    namespace e = asio::error;
    failure f{client_errc::io_error, p, {}, {}, ec.message()};
    if (ec == e::connection_refused)
        f.code = client_errc::refused;
    else if (ec == e::host_unreachable || ec == e::network_unreachable || ec == e::network_down)
        f.code = client_errc::unreachable;
    else if (ec == e::connection_reset || ec == e::broken_pipe || ec == e::connection_aborted ||
             ec == e::network_reset)
        f.code = client_errc::reset;
    else if (ec == e::eof)
    {
        f.code = eof_is_reset ? client_errc::reset : client_errc::not_dcerpc;
        f.detail = "the server closed the connection";
    }
    else if (ec == e::timed_out)
        f.code = client_errc::timeout;
    else if (ec == e::host_not_found || ec == e::host_not_found_try_again || ec == e::no_data ||
             ec == e::service_not_found || ec == e::no_recovery)
        f.code = client_errc::resolve_failed;
    else if (ec == e::operation_aborted)
        f.code = client_errc::cancelled;
    // The code says it all for the common cases; keep the system's text for the rest.
    if (f.code != client_errc::io_error && f.code != client_errc::resolve_failed && ec != e::eof) f.detail.clear();
    return f;
}

connection::connection(const asio::any_io_executor& ex, const client::timeouts& t, steady_clock::time_point host_deadline,
                       const std::shared_ptr<abort_group>& group)
    : core_(std::make_shared<detail::connection_core>(ex, t, host_deadline))
{
    if (group) group->join(core_);
}

connection::~connection()
{
    core_->disarm();
    core_->shut();
}

void connection::begin_phase(phase p) { core_->arm(p); }

void connection::close() noexcept
{
    core_->disarm();
    core_->shut();
}

bool connection::is_open() const noexcept { return core_->socket.is_open(); }

std::string connection::remote_address() const
{
    if (!core_->attempted) return {};
    auto a = core_->remote.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
    return a.to_string();
}

std::uint16_t connection::remote_port() const { return core_->remote.port(); }

const asio::ip::tcp::endpoint& connection::remote_endpoint() const noexcept { return core_->remote; }

namespace {

using endpoints = std::vector<asio::ip::tcp::endpoint>;

// The addresses to try: `host` itself when it is a literal, else what the name resolves to.
asio::awaitable<std::optional<failure>> resolve(std::shared_ptr<detail::connection_core> core, const std::string& host,
                                                std::uint16_t port, endpoints& candidates)
{
    boost::system::error_code ec;
    const auto literal = asio::ip::make_address(host, ec);
    if (!ec)
    {
        candidates.emplace_back(literal, port);
        co_return std::nullopt;
    }
    core->arm(phase::resolve);
    // Polled, from 1 ms up to every 32 ms: a quick answer costs little waiting, and at the
    // deadline or an abort we leave the lookup to end on its own thread.
    const auto lookup = detail::name_lookup::start(core->socket.get_executor(), host, port);
    std::optional<detail::lookup_answer> answer;
    auto pause = std::chrono::milliseconds(1);
    while (!(answer = lookup->answer()) && !core->aborted && !core->expired)
    {
        core->lookup_wait.expires_after(pause);
        co_await core->lookup_wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        pause = std::min(pause * 2, std::chrono::milliseconds(32));
    }
    core->disarm();
    if (!answer || core->aborted || core->expired) co_return core->explain(ec);
    if (answer->error)
    {
        auto f = classify(answer->error, phase::resolve);
        if (f.code == client_errc::io_error) f.code = client_errc::resolve_failed;
        co_return f;
    }
    candidates = std::move(answer->endpoints);
    if (candidates.empty()) co_return failure{client_errc::resolve_failed, phase::resolve, {}, {}, "no address"};
    co_return std::nullopt;
}

// Opens a socket for `ep`; out of descriptors is our shortage, not the host's: wait for other
// conversations to free some, without charging the wait to this host's deadline.
asio::awaitable<boost::system::error_code> open_socket(detail::connection_core& core, const asio::ip::tcp::endpoint& ep)
{
    boost::system::error_code ec;
    core.socket.close(ec);
    core.socket.open(ep.protocol(), ec);
    for (auto pause = std::chrono::milliseconds(5); out_of_descriptors(ec) && !core.aborted;
         pause = std::min(pause * 2, std::chrono::milliseconds(200)))
    {
        const auto waited_from = steady_clock::now();
        boost::system::error_code ignored;
        core.lookup_wait.expires_after(pause);
        co_await core.lookup_wait.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        core.host_deadline += steady_clock::now() - waited_from;
        core.socket.open(ep.protocol(), ec);
    }
    co_return ec;
}

// Tries every address in turn, each with the connect timeout, until one connects.
asio::awaitable<std::optional<failure>> connect_any(std::shared_ptr<detail::connection_core> core, const endpoints& candidates)
{
    boost::system::error_code ec;
    std::optional<failure> last;
    std::string earlier; // "127.0.0.1 refused, ...": what the addresses before the last one did
    for (std::size_t i = 0; i < candidates.size(); ++i)
    {
        if (last && candidates.size() > 1)
        {
            if (!earlier.empty()) earlier += ", ";
            earlier += candidates[i - 1].address().to_string() + " " + std::string(to_string(last->code));
        }
        const auto& ep = candidates[i];
        core->expired = false;
        core->remote = ep; // the address a failure is reported for
        core->attempted = true;
        ec = co_await open_socket(*core, ep);
        if (core->aborted) co_return core->explain({});
        if (ec)
        {
            last = classify(ec, phase::connect);
            continue;
        }
        core->arm(phase::connect);
        co_await core->socket.async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec && !core->aborted && core->socket.is_open())
        {
            core->disarm();
            core->remote = ep;
            asio::ip::tcp::no_delay nd(true);
            core->socket.set_option(nd, ec);
            co_return std::nullopt;
        }
        last = core->explain(ec);
        if (candidates.size() > 1) last->detail += " (" + ep.address().to_string() + ")";
        core->disarm();
        // Out of host time, or stopped: later addresses cannot help.
        if (core->aborted || (core->expired && core->expired_by_host)) break;
    }
    core->shut();
    if (last && !earlier.empty()) last->detail += "; before it: " + earlier;
    co_return last;
}

} // namespace

asio::awaitable<std::optional<failure>> connection::connect(const std::string& host, std::uint16_t port)
{
    auto core = core_;
    if (core->aborted) co_return core->explain({});
    endpoints candidates;
    if (auto f = co_await resolve(core, host, port, candidates)) co_return f;
    co_return co_await connect_any(core, candidates);
}

asio::awaitable<std::optional<failure>> connection::run_off_thread(std::function<void()> work, phase p)
{
    auto core = core_;
    if (core->aborted) co_return core->explain({});
    auto finished = std::make_shared<std::atomic<bool>>(false);
    auto& context = asio::query(core->socket.get_executor(), asio::execution::context);
    auto& pool = asio::use_service<detail::auth_threads>(context).pool();
    asio::post(pool, [work = std::move(work), finished, weak = std::weak_ptr<detail::connection_core>(core),
                      ex = core->socket.get_executor()]() {
        work();
        finished->store(true);
        // Wake the waiting coroutine now rather than at its next poll.
        asio::post(ex, [weak] {
            if (auto c = weak.lock()) detail::connection_core::cancel_quietly(c->lookup_wait);
        });
    });
    core->arm(p);
    // Polled as a name lookup is (1 ms up to 32 ms), and woken when the work ends.
    boost::system::error_code ec;
    auto pause = std::chrono::milliseconds(1);
    while (!finished->load() && !core->aborted && !core->expired)
    {
        core->lookup_wait.expires_after(pause);
        co_await core->lookup_wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        pause = std::min(pause * 2, std::chrono::milliseconds(32));
    }
    const bool failed = !finished->load() || core->aborted || core->expired;
    auto f = failed ? std::optional<failure>(core->explain({})) : std::nullopt;
    core->disarm();
    co_return f;
}

asio::awaitable<std::optional<failure>> connection::write(std::span<const std::byte> data, phase p)
{
    auto core = core_;
    if (core->aborted) co_return core->explain({});
    core->arm(p);
    boost::system::error_code ec;
    co_await asio::async_write(core->socket, asio::buffer(data.data(), data.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec || core->aborted || core->expired) co_return core->explain(ec);
    co_return std::nullopt;
}

asio::awaitable<io_outcome> connection::read_some(std::span<std::byte> buffer, phase p)
{
    auto core = core_;
    if (core->aborted) co_return io_outcome{0, core->explain({})};
    if (p != core->current) core->arm(p);
    boost::system::error_code ec;
    const std::size_t n = co_await core->socket.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec || core->aborted || core->expired) co_return io_outcome{n, core->explain(ec, p != phase::banner)};
    co_return io_outcome{n, std::nullopt};
}

} // namespace epmdump::client
