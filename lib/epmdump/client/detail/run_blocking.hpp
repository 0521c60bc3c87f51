#pragma once
// The blocking forms of the client's operations: one io_context per call, run to completion.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

namespace epmdump::client::detail {

inline double ms_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Runs `op` on its own io_context; what it threw is rethrown here.
template <class T>
T run_blocking(boost::asio::awaitable<T> op)
{
    boost::asio::io_context io;
    std::optional<T> out;
    std::exception_ptr failed;
    boost::asio::co_spawn(io, std::move(op), [&](const std::exception_ptr& e, T value) {
        if (e) failed = e;
        else out = std::move(value);
    });
    io.run();
    if (failed) std::rethrow_exception(failed);
    return std::move(*out);
}

} // namespace epmdump::client::detail
