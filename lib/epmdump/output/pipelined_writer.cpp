#include <epmdump/output/pipelined_writer.hpp>

#include <cstdint>
#include <exception>
#include <string>
#include <utility>

namespace epmdump::output {

struct pipelined_writer::job
{
    enum class state : std::uint8_t { queued, rendering, rendered };
    epm::enumeration table;
    std::size_t sequence = 0; // tables given before this one
    bool target_headers = false;
    std::string text;
    std::exception_ptr failure;
    state at = state::queued;
};

pipelined_writer::pipelined_writer(writer& out, unsigned threads) : out_(out), given_(out.enumerations_written())
{
    if (out.output_format() == format::summary) threads = 0;
    // Two tables per thread keep every thread busy while the front one is written.
    max_pending_ = 2 * (std::size_t{threads} + 1);
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

pipelined_writer::~pipelined_writer()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    queued_.notify_all();
    for (auto& t : threads_) t.join();
}

bool pipelined_writer::write(epm::enumeration&& e)
{
    if (threads_.empty())
    {
        ++given_;
        out_.set_target_headers(target_headers_);
        return out_.write(e);
    }
    auto j = std::make_unique<job>();
    j->table = std::move(e);
    j->sequence = given_++;
    j->target_headers = target_headers_;
    {
        std::lock_guard lock(mutex_);
        if (!spare_texts_.empty())
        {
            j->text = std::move(spare_texts_.back());
            spare_texts_.pop_back();
        }
        jobs_.push_back(std::move(j));
    }
    queued_.notify_one();
    return write_rendered(false);
}

bool pipelined_writer::drain() { return write_rendered(true); }

pipelined_writer::job* pipelined_writer::next_queued() noexcept
{
    for (auto& j : jobs_)
        if (j->at == job::state::queued) return j.get();
    return nullptr;
}

void pipelined_writer::render(job& j) const noexcept
{
    try
    {
        out_.render(j.text, j.table, j.sequence, j.target_headers);
    }
    catch (...)
    {
        j.failure = std::current_exception();
    }
}

bool pipelined_writer::write_rendered(bool all)
{
    std::unique_lock lock(mutex_);
    while (!jobs_.empty())
    {
        job& front = *jobs_.front();
        if (front.at != job::state::rendered)
        {
            if (!all && jobs_.size() < max_pending_) break;
            // Full, or draining: render a waiting table here rather than sit idle.
            if (job* q = next_queued())
            {
                q->at = job::state::rendering;
                lock.unlock();
                render(*q);
                lock.lock();
                q->at = job::state::rendered;
                continue;
            }
            rendered_.wait(lock, [&] { return front.at == job::state::rendered; });
        }
        auto done = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        if (done->failure) std::rethrow_exception(done->failure);
        if (!out_.put_rendered(done->text)) return false;
        lock.lock();
        // Its buffer serves a later table: a table's text (~130 KB for 346 JSON entries) grown
        // afresh each time cost page faults and copies that one thread's reused buffer does not.
        done->text.clear();
        if (spare_texts_.size() < max_pending_) spare_texts_.push_back(std::move(done->text));
    }
    return out_.ok();
}

void pipelined_writer::run()
{
    std::unique_lock lock(mutex_);
    for (;;)
    {
        job* j = nullptr;
        queued_.wait(lock, [&] { return stopping_ || (j = next_queued()) != nullptr; });
        if (stopping_) return;
        j->at = job::state::rendering;
        lock.unlock();
        render(*j);
        lock.lock();
        j->at = job::state::rendered;
        rendered_.notify_all();
    }
}

} // namespace epmdump::output
