#include <epmdump/client/detail/name_lookup.hpp>

#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/query.hpp>

#include <algorithm>
#include <deque>
#include <exception>
#include <system_error>
#include <thread>

namespace epmdump::client::detail {

namespace asio = boost::asio;

std::optional<lookup_answer> name_lookup::answer() const
{
    std::lock_guard lock(mutex_);
    return answer_;
}

void name_lookup::finish(lookup_answer a)
{
    std::lock_guard lock(mutex_);
    answer_ = std::move(a);
}

lookup_answer resolve_blocking(const std::string& host, std::uint16_t port)
{
    lookup_answer a;
    try
    {
        // A private io_context: a synchronous resolve never runs it, and the caller's may be
        // gone by the time getaddrinfo returns.
        asio::io_context ctx;
        asio::ip::tcp::resolver resolver(ctx);
        const auto results =
            resolver.resolve(host, std::to_string(port), asio::ip::tcp::resolver::numeric_service, a.error);
        for (const auto& r : results) a.endpoints.push_back(r.endpoint());
    }
    catch (const std::exception&)
    {
        a.error = asio::error::no_memory;
    }
    return a;
}

// Shared by the pool and its detached threads; the last one out frees it.
struct name_lookup_pool::state
{
    std::size_t max_threads = 1;
    resolve_fn resolve;
    mutable std::mutex mutex;
    std::deque<std::weak_ptr<name_lookup>> queue; // weak: a caller that left drops its lookup
    std::size_t threads = 0;
    bool closed = false;

    // The next lookup someone still waits for, or null when the thread should end.
    std::shared_ptr<name_lookup> next()
    {
        std::lock_guard lock(mutex);
        while (!closed && !queue.empty())
        {
            auto l = queue.front().lock();
            queue.pop_front();
            if (l) return l;
        }
        --threads;
        return nullptr;
    }

    static void work(const std::shared_ptr<state>& self)
    {
        while (auto l = self->next()) l->finish(self->resolve(l->host(), l->port()));
    }
};

name_lookup_pool::name_lookup_pool(std::size_t max_threads, resolve_fn resolve) : state_(std::make_shared<state>())
{
    state_->max_threads = std::max<std::size_t>(1, max_threads);
    state_->resolve = resolve ? std::move(resolve) : resolve_fn(resolve_blocking);
}

name_lookup_pool::~name_lookup_pool() { close(); }

std::shared_ptr<name_lookup> name_lookup_pool::start(const std::string& host, std::uint16_t port)
{
    auto lookup = std::make_shared<name_lookup>(host, port);
    std::unique_lock lock(state_->mutex);
    if (state_->closed)
    {
        lock.unlock();
        lookup->finish({asio::error::operation_aborted, {}});
        return lookup;
    }
    state_->queue.push_back(lookup);
    if (state_->threads >= state_->max_threads) return lookup; // a running thread takes it in turn
    ++state_->threads;
    lock.unlock();
    try
    {
        std::thread([s = state_] { state::work(s); }).detach();
    }
    catch (const std::system_error&)
    {
        // No thread to be had: this lookup fails now; queued ones wait for a running thread.
        lock.lock();
        --state_->threads;
        std::erase_if(state_->queue, [&](const std::weak_ptr<name_lookup>& w) { return w.lock() == lookup; });
        lock.unlock();
        lookup->finish({asio::error::no_memory, {}});
    }
    return lookup;
}

std::size_t name_lookup_pool::queued() const
{
    std::lock_guard lock(state_->mutex);
    return state_->queue.size();
}

std::size_t name_lookup_pool::threads() const
{
    std::lock_guard lock(state_->mutex);
    return state_->threads;
}

void name_lookup_pool::close()
{
    std::deque<std::weak_ptr<name_lookup>> dropped;
    {
        std::lock_guard lock(state_->mutex);
        state_->closed = true;
        dropped.swap(state_->queue);
    }
    for (auto& w : dropped)
        if (auto l = w.lock()) l->finish({asio::error::operation_aborted, {}});
}

asio::execution_context::id name_lookup_service::id;

name_lookup_service::name_lookup_service(asio::execution_context& ctx) : asio::execution_context::service(ctx) {}

void name_lookup_service::shutdown() { pool_.close(); }

std::shared_ptr<name_lookup> name_lookup::start(const asio::any_io_executor& ex, const std::string& host,
                                                std::uint16_t port)
{
    auto& ctx = asio::query(ex, asio::execution::context);
    return asio::use_service<name_lookup_service>(ctx).pool().start(host, port);
}

} // namespace epmdump::client::detail
