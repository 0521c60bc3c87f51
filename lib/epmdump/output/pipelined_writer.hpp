#pragma once
// Tables rendered on threads of their own and written in the order they were given: while a
// replay decodes the next conversations on the calling thread, the formatting of the finished
// ones (about two thirds of a JSON replay's CPU) runs beside it. The output is byte for byte
// what writer::write() gives for the same tables. Memory stays bounded: at most max_pending()
// tables wait; when they do, the caller renders one itself instead of waiting.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/output/writer.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace epmdump::output {

class pipelined_writer
{
public:
    // `threads`: rendering threads besides the caller's; 0 (or format::summary, whose totals
    // need every table in turn) writes each table in write() itself.
    pipelined_writer(writer& out, unsigned threads);
    pipelined_writer(const pipelined_writer&) = delete;
    pipelined_writer& operator=(const pipelined_writer&) = delete;
    // Stops the threads; tables not written by then are dropped (call drain() to keep them).
    ~pipelined_writer();

    // Queues the table and writes those already rendered, in order. False once the stream has
    // failed. An exception thrown while rendering a table comes out of the write() or drain()
    // that would have written it.
    bool write(epm::enumeration&& e);
    // Writes every queued table; false when the stream failed.
    bool drain();

    // For the tables queued from now on (writer::set_target_headers).
    void set_target_headers(bool on) noexcept { target_headers_ = on; }
    // Tables given so far, written or not.
    std::size_t enumerations_given() const noexcept { return given_; }
    std::size_t max_pending() const noexcept { return max_pending_; }

private:
    struct job;
    bool write_rendered(bool all);
    job* next_queued() noexcept; // with mutex_ held
    void render(job& j) const noexcept;
    void run();

    writer& out_;
    std::size_t given_ = 0;
    bool target_headers_ = false;
    std::size_t max_pending_ = 0;
    std::mutex mutex_;
    std::condition_variable queued_;   // a job to render, or stopping_
    std::condition_variable rendered_; // a job rendered
    std::deque<std::unique_ptr<job>> jobs_; // in the order given; the front is written next
    std::vector<std::string> spare_texts_;  // written tables' buffers, their capacity kept
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

} // namespace epmdump::output
