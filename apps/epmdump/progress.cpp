#include "progress.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace epmdump::app {

std::string render_progress(const progress_counts& c)
{
    const std::uint64_t total = c.total >= c.excluded ? c.total - c.excluded : 0;
    std::string line = std::to_string(c.done) + "/" + std::to_string(total) + (c.total_known ? "" : "+") + " done, " +
                       std::to_string(c.answered) + " answered, " + std::to_string(c.failed) + " failed";
    if (c.excluded > 0) line += ", " + std::to_string(c.excluded) + " excluded";
    const double rate = c.elapsed_seconds > 0 ? static_cast<double>(c.done) / c.elapsed_seconds : 0;
    char buf[64];
    std::snprintf(buf, sizeof buf, ", %.1f %s/s", rate, c.unit);
    line += buf;
    if (c.total_known && rate > 0 && total >= c.done)
    {
        const auto left = static_cast<std::uint64_t>(std::ceil(static_cast<double>(total - c.done) / rate));
        std::snprintf(buf, sizeof buf, ", ETA %llu:%02llu", static_cast<unsigned long long>(left / 60),
                      static_cast<unsigned long long>(left % 60));
        line += buf;
    }
    return line;
}

void progress_line::draw(const progress_counts& c)
{
    if (!enabled_) return;
    const std::string line = "epmdump: " + render_progress(c);
    // Spaces over the rest of a longer previous line: no terminal escapes needed.
    out_ << '\r' << line;
    if (line.size() < drawn_) out_ << std::string(drawn_ - line.size(), ' ') << '\r' << line;
    out_.flush();
    drawn_ = line.size();
}

void progress_line::clear()
{
    if (!enabled_ || drawn_ == 0) return;
    out_ << '\r' << std::string(drawn_, ' ') << '\r';
    out_.flush();
    drawn_ = 0;
}

} // namespace epmdump::app
