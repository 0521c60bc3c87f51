// The bounded name lookup threads: a silent name server may hold a few threads, never one per
// host. The blocking resolve is replaced by one that waits on a gate, so the test controls when
// "getaddrinfo" returns; the real one answers "localhost" from /etc/hosts.
#include <epmdump/client/detail/name_lookup.hpp>

#include <boost/asio/io_context.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using epmdump::client::detail::lookup_answer;
using epmdump::client::detail::name_lookup;
using epmdump::client::detail::name_lookup_pool;

namespace {

// A resolver that blocks until opened, counting who got in and how many were inside at once.
struct gate
{
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    std::size_t inside = 0, most_inside = 0, resolved = 0;

    name_lookup_pool::resolve_fn resolver()
    {
        return [this](const std::string&, std::uint16_t port) {
            std::unique_lock lock(mutex);
            most_inside = std::max(most_inside, ++inside);
            cv.notify_all();
            cv.wait(lock, [&] { return open; });
            --inside;
            ++resolved;
            return lookup_answer{{}, {{boost::asio::ip::address_v4::loopback(), port}}};
        };
    }
    void wait_inside(std::size_t n)
    {
        std::unique_lock lock(mutex);
        cv.wait_for(lock, std::chrono::seconds(10), [&] { return inside == n; });
    }
    void release()
    {
        std::lock_guard lock(mutex);
        open = true;
        cv.notify_all();
    }
};

bool wait_answered(const std::vector<std::shared_ptr<name_lookup>>& lookups)
{
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until)
    {
        if (std::all_of(lookups.begin(), lookups.end(), [](const auto& l) { return l->answer().has_value(); }))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

bool wait_no_threads(const name_lookup_pool& pool)
{
    for (int i = 0; i < 10000 && pool.threads() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return pool.threads() == 0;
}

} // namespace

TEST_CASE("fifty stalled lookups hold three threads, the rest wait their turn and all answer when the server does")
{
    gate g;
    name_lookup_pool pool(3, g.resolver());
    std::vector<std::shared_ptr<name_lookup>> lookups;
    for (int i = 0; i < 50; ++i) lookups.push_back(pool.start("host" + std::to_string(i), 135));
    g.wait_inside(3);
    CHECK(pool.threads() == 3);
    CHECK(pool.queued() == 47);
    CHECK_FALSE(lookups.back()->answer());
    g.release();
    REQUIRE(wait_answered(lookups));
    CHECK(g.most_inside == 3);
    CHECK(g.resolved == 50);
    CHECK(lookups.back()->answer()->endpoints.front().port() == 135);
    CHECK(wait_no_threads(pool)); // no idle thread stays behind
}

TEST_CASE("a queued lookup whose caller left at its deadline is never resolved")
{
    gate g;
    name_lookup_pool pool(1, g.resolver());
    auto first = pool.start("stalled", 135);
    g.wait_inside(1);
    std::vector<std::shared_ptr<name_lookup>> kept;
    for (int i = 0; i < 10; ++i)
    {
        auto l = pool.start("host" + std::to_string(i), 135);
        if (i == 9) kept.push_back(l); // the other nine callers gave up
    }
    g.release();
    kept.push_back(first);
    REQUIRE(wait_answered(kept));
    CHECK(wait_no_threads(pool));
    CHECK(g.resolved == 2);
}

TEST_CASE("closing the pool answers the queued lookups operation_aborted and starts no thread after")
{
    gate g;
    name_lookup_pool pool(1, g.resolver());
    auto running = pool.start("stalled", 135);
    g.wait_inside(1);
    auto queued = pool.start("queued", 135);
    pool.close();
    REQUIRE(queued->answer());
    CHECK(queued->answer()->error == boost::asio::error::operation_aborted);
    auto late = pool.start("late", 135);
    REQUIRE(late->answer());
    CHECK(late->answer()->error == boost::asio::error::operation_aborted);
    g.release();
    REQUIRE(wait_answered({running}));
    CHECK(wait_no_threads(pool));
    CHECK(g.resolved == 1);
}

TEST_CASE("the io_context's lookup threads resolve localhost with the system resolver")
{
    boost::asio::io_context io;
    auto l = name_lookup::start(io.get_executor(), "localhost", 135);
    REQUIRE(wait_answered({l}));
    CHECK_FALSE(l->answer()->error);
    REQUIRE_FALSE(l->answer()->endpoints.empty());
    CHECK(l->answer()->endpoints.front().address().is_loopback());
    CHECK(l->answer()->endpoints.front().port() == 135);
}
