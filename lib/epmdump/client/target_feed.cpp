#include <epmdump/client/target_feed.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <variant>

namespace epmdump::client {

namespace asio = boost::asio;

// The loop's side: the timer next() sleeps on, woken by the reader through a posted handler.
struct target_feed::waker
{
    explicit waker(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
};

// Owned by the feed and the reader thread together, so a detached reader never touches freed memory.
struct target_feed::shared
{
    std::unique_ptr<target_source> source;
    asio::any_io_executor ex;
    std::size_t capacity = 0;
    std::mutex mutex;
    std::condition_variable room;
    std::deque<std::variant<target, std::string>> queue; // a target or a warning
    bool finished = false;    // the reader has read everything
    bool stopped = false;     // the feed is gone or stopped: the reader quits at its next item
    bool loop_waiting = false;
    std::weak_ptr<waker> wake;

    // Reader thread: queue an item, waiting for room; false once stopped.
    bool push(std::variant<target, std::string> item)
    {
        std::unique_lock lock(mutex);
        room.wait(lock, [&] { return stopped || queue.size() < capacity; });
        if (stopped) return false;
        queue.push_back(std::move(item));
        notify_locked();
        return true;
    }

    // Posting under the lock: stop() and the destructor take it before the io_context can go.
    void notify_locked()
    {
        if (!loop_waiting || stopped) return;
        loop_waiting = false;
        asio::post(ex, [w = wake] {
            if (auto k = w.lock()) k->timer.cancel();
        });
    }

    void run()
    {
        source->set_warning_handler([this](const std::string& w) { push(w); });
        while (auto t = source->next())
            if (!push(std::move(*t))) return;
        std::lock_guard lock(mutex);
        finished = true;
        notify_locked();
    }
};

target_feed::target_feed(const asio::any_io_executor& ex, std::unique_ptr<target_source> source,
                         warning_handler on_warning, std::size_t capacity)
    : shared_(std::make_shared<shared>()), waker_(std::make_shared<waker>(ex))
{
    shared_->source = std::move(source);
    shared_->ex = ex;
    shared_->capacity = std::max<std::size_t>(1, capacity);
    shared_->wake = waker_;
    on_warning_ = std::move(on_warning);
    // The thread keeps the shared state alive; it is detached in the destructor when a read
    // still blocks (a pipe that never closes), and joined otherwise.
    thread_ = std::thread([s = shared_] { s->run(); });
}

target_feed::~target_feed()
{
    bool finished = false;
    {
        std::lock_guard lock(shared_->mutex);
        shared_->stopped = true;
        finished = shared_->finished;
    }
    shared_->room.notify_all();
    if (finished) thread_.join();
    else thread_.detach();
}

void target_feed::stop()
{
    {
        std::lock_guard lock(shared_->mutex);
        shared_->stopped = true;
    }
    shared_->room.notify_all();
    waker_->timer.cancel();
}

const target_source& target_feed::source() const noexcept { return *shared_->source; }

asio::awaitable<std::optional<target>> target_feed::next()
{
    for (;;)
    {
        std::optional<std::variant<target, std::string>> item;
        {
            std::lock_guard lock(shared_->mutex);
            if (shared_->stopped) co_return std::nullopt;
            if (!shared_->queue.empty())
            {
                item = std::move(shared_->queue.front());
                shared_->queue.pop_front();
            }
            else if (shared_->finished)
                co_return std::nullopt;
            else
            {
                shared_->loop_waiting = true;
                waker_->timer.expires_at(asio::steady_timer::time_point::max());
            }
        }
        if (!item)
        {
            boost::system::error_code ec;
            co_await waker_->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        shared_->room.notify_one();
        if (auto* t = std::get_if<target>(&*item)) co_return std::move(*t);
        if (on_warning_) on_warning_(std::get<std::string>(*item));
    }
}

} // namespace epmdump::client
