#pragma once
// The client API: enumerate one endpoint mapper (ept_lookup), map one interface (ept_map).
// Each comes as an asynchronous operation taking any Asio completion token (use_awaitable,
// use_future, a callback, deferred) and as a blocking call with its own io_context. Failures
// are values (host_result::error), never exceptions.
//
// Executors and threads:
// - The operation's sockets and timers run on the executor given first, or, without one, on the
//   completion handler's associated executor (a coroutine's with use_awaitable, or one bound
//   with asio::bind_executor); a token with no I/O executor of its own needs the executor
//   overload: a plain callback does not compile without it, use_future throws
//   std::invalid_argument from the call.
// - The handler is invoked as Asio invokes handlers: on its associated executor, which defaults to
//   the operation's executor; never inside the initiating call.
// - One operation is driven by one coroutine: give it an executor that runs its handlers one at a
//   time (an io_context run by one thread, or a strand). Operations share nothing but the name
//   lookup threads of their execution context (at most detail::max_name_lookups at once).
// - The completion signature is void(std::exception_ptr, host_result) (map_result for map): the
//   pointer is set only when something threw (out of memory), as with asio::co_spawn.
// - Stopping early: pass an abort_group and call abort_all() on the operation's executor.
#include <epmdump/client/connection.hpp>
#include <epmdump/session/error.hpp>
#include <epmdump/session/lookup_session.hpp>
#include <epmdump/session/options.hpp>
#include <epmdump/session/rpc_session.hpp>
#include <epmdump/client/target.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution/executor.hpp>
#include <boost/asio/is_executor.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/system_executor.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace epmdump::client {

struct host_result
{
    epm::enumeration enumeration;  // target, address, port, status, error (kind + message), entries
    std::optional<failure> error;  // the typed form of enumeration.error
    session_stats stats;
    std::vector<lookup_page> pages;
};

struct map_result
{
    std::string target;
    std::string address;
    std::uint16_t port = 0;
    std::vector<epm::endpoint_entry> towers;
    std::uint32_t status = 0;       // rpc_s_ok, or ept_s_not_registered
    std::optional<failure> error;
    double elapsed_ms = 0;
    std::string transport; // "ncacn_np" when the mapper was asked over SMB (as enumeration::transport), else ""
    bool registered() const noexcept { return !error && !towers.empty(); }
};

// Drives a sans-I/O session over a connected connection until it is done.
boost::asio::awaitable<void> run_session(connection& c, rpc_session& s);

namespace detail {

// One authentication leg of `s` (next_action::kind::authenticate), run off the I/O thread within
// phase p's limits; the session's next action. Shared by the TCP and the SMB pipe drivers.
boost::asio::awaitable<next_action> run_auth_leg(connection& c, rpc_session& s, phase p);

// The coroutines behind the operations below.
boost::asio::awaitable<host_result> enumerate_op(target t, client_options options, std::shared_ptr<abort_group> group);
boost::asio::awaitable<map_result> map_op(target t, epm::syntax_id interface, std::string protseq,
                                          client_options options, std::shared_ptr<abort_group> group);

template <class T>
inline constexpr bool is_executor_v =
    boost::asio::execution::is_executor<T>::value || boost::asio::is_executor<T>::value;

// The executor a token-only call runs on: the handler's own, which must be an I/O executor.
// A plain callback's system_executor is refused at compile time; use_future's promise executor
// (its context is the system_context too, but its type does not say so) at run time.
template <class Handler>
auto io_executor_of(const Handler& handler)
{
    static_assert(!std::is_same_v<boost::asio::associated_executor_t<Handler>, boost::asio::system_executor>,
                  "this completion token has no I/O executor: pass an executor (or bind one) first");
    auto ex = boost::asio::get_associated_executor(handler);
    const boost::asio::execution_context* context = &boost::asio::query(ex, boost::asio::execution::context);
    if (context == &boost::asio::query(boost::asio::system_executor(), boost::asio::execution::context))
        throw std::invalid_argument("epmdump::client: this completion token has no I/O executor; pass one first");
    return ex;
}

// Spawns `make()`'s coroutine on `ex` and completes the handler with its result.
struct initiate_spawn
{
    template <class Handler, class Executor, class Make>
    void operator()(Handler&& handler, const Executor& ex, Make make) const
    {
        boost::asio::co_spawn(ex, make(), std::forward<Handler>(handler));
    }
    template <class Handler, class Make>
    void operator()(Handler&& handler, std::nullptr_t, Make make) const
    {
        const auto ex = io_executor_of(handler);
        boost::asio::co_spawn(ex, make(), std::forward<Handler>(handler));
    }
};

template <class Token>
inline constexpr bool is_plain_use_awaitable_v =
    std::is_same_v<std::decay_t<Token>, boost::asio::use_awaitable_t<>>;

} // namespace detail

using enumerate_signature = void(std::exception_ptr, host_result);
using map_signature = void(std::exception_ptr, map_result);

// Enumerates one endpoint mapper on `ex`. `group` (may be empty) stops it early.
template <class Executor, class Token>
    requires detail::is_executor_v<Executor>
auto async_enumerate(const Executor& ex, target t, const client_options& options, std::shared_ptr<abort_group> group,
                     Token&& token)
{
    return boost::asio::async_initiate<Token, enumerate_signature>(
        detail::initiate_spawn{}, token, ex,
        [t = std::move(t), options, group = std::move(group)]() mutable {
            return detail::enumerate_op(std::move(t), options, std::move(group));
        });
}

template <class Executor, class Token>
    requires detail::is_executor_v<Executor>
auto async_enumerate(const Executor& ex, target t, client_options options, Token&& token)
{
    return async_enumerate(ex, std::move(t), options, {}, std::forward<Token>(token));
}

// On the completion handler's executor; without a token, an awaitable for co_await.
template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_convertible_v<Token, std::shared_ptr<abort_group>>)
auto async_enumerate(target t, const client_options& options, std::shared_ptr<abort_group> group, Token&& token = {})
{
    // co_await in the caller's coroutine, no second frame: as before the tokens came.
    if constexpr (detail::is_plain_use_awaitable_v<Token>)
        return detail::enumerate_op(std::move(t), options, std::move(group));
    else
        return boost::asio::async_initiate<Token, enumerate_signature>(
            detail::initiate_spawn{}, token, nullptr,
            [t = std::move(t), options, group = std::move(group)]() mutable {
                return detail::enumerate_op(std::move(t), options, std::move(group));
            });
}

template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_convertible_v<Token, std::shared_ptr<abort_group>>)
auto async_enumerate(target t, client_options options, Token&& token = {})
{
    return async_enumerate(std::move(t), options, std::shared_ptr<abort_group>{},
                           std::forward<Token>(token));
}

// Blocking: runs the operation on a private io_context in the calling thread.
host_result enumerate(const target& t, const client_options& options);

// Asks one endpoint mapper where `interface` listens over `protseq` (ept_map), on `ex`.
template <class Executor, class Token>
    requires detail::is_executor_v<Executor>
auto async_map(const Executor& ex, target t, epm::syntax_id interface, std::string protseq, const client_options& options,
               std::shared_ptr<abort_group> group, Token&& token)
{
    return boost::asio::async_initiate<Token, map_signature>(
        detail::initiate_spawn{}, token, ex,
        [t = std::move(t), interface, protseq = std::move(protseq), options,
         group = std::move(group)]() mutable {
            return detail::map_op(std::move(t), interface, std::move(protseq), options, std::move(group));
        });
}

template <class Executor, class Token>
    requires detail::is_executor_v<Executor>
auto async_map(const Executor& ex, target t, epm::syntax_id interface, std::string protseq, client_options options,
               Token&& token)
{
    return async_map(ex, std::move(t), interface, std::move(protseq), options, {},
                     std::forward<Token>(token));
}

template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_convertible_v<Token, std::shared_ptr<abort_group>>)
auto async_map(target t, epm::syntax_id interface, std::string protseq, const client_options& options,
               std::shared_ptr<abort_group> group, Token&& token = {})
{
    if constexpr (detail::is_plain_use_awaitable_v<Token>)
        return detail::map_op(std::move(t), interface, std::move(protseq), options, std::move(group));
    else
        return boost::asio::async_initiate<Token, map_signature>(
            detail::initiate_spawn{}, token, nullptr,
            [t = std::move(t), interface, protseq = std::move(protseq), options,
             group = std::move(group)]() mutable {
                return detail::map_op(std::move(t), interface, std::move(protseq), options,
                                      std::move(group));
            });
}

template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_convertible_v<Token, std::shared_ptr<abort_group>>)
auto async_map(target t, epm::syntax_id interface, std::string protseq, client_options options, Token&& token = {})
{
    return async_map(std::move(t), interface, std::move(protseq), options,
                     std::shared_ptr<abort_group>{}, std::forward<Token>(token));
}

map_result map(const target& t, const epm::syntax_id& interface, const std::string& protseq,
               const client_options& options);

} // namespace epmdump::client
