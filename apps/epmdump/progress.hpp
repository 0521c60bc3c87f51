#pragma once
// The progress line on stderr while a scan runs: done/total, answered, failed, rate, ETA.
// Drawn only when stderr is a terminal (and not with -q); redrawn in place with '\r'.
#include <cstdint>
#include <iosfwd>
#include <string>

namespace epmdump::app {

struct progress_counts
{
    std::uint64_t done = 0;
    std::uint64_t total = 0;
    bool total_known = true;  // false while a list on stdin is still being read
    std::uint64_t answered = 0;
    std::uint64_t failed = 0;
    double elapsed_seconds = 0;
    const char* unit = "hosts"; // what is counted: "hosts" (scan), "ports" (probe)
    std::uint64_t excluded = 0; // targets --exclude skipped: out of the total, never done
};

// "12/256 done, 10 answered, 2 failed, 35.0 hosts/s, ETA 0:07" (no newline; "ports/s" for probe);
// with exclusions the total is the scope less them, and ", 44 excluded" follows the failures.
std::string render_progress(const progress_counts& c);

class progress_line
{
public:
    progress_line(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}
    ~progress_line() { clear(); }
    progress_line(const progress_line&) = delete;
    progress_line& operator=(const progress_line&) = delete;

    bool enabled() const noexcept { return enabled_; }
    void draw(const progress_counts& c);
    // Blanks the line (before results go to the same terminal, and at the end).
    void clear();

private:
    std::ostream& out_;
    bool enabled_;
    std::size_t drawn_ = 0; // characters on the line now
};

} // namespace epmdump::app
