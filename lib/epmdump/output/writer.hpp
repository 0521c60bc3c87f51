#pragma once
// One entry point for the CLI: results are written as each target finishes.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/output/format.hpp>
#include <epmdump/output/summary.hpp>

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

namespace epmdump::output {

class writer
{
public:
    writer(std::ostream& out, format f, format_options options = {});

    // CSV header row (once). write() calls it if nobody did.
    void begin();
    // One enumeration, filtered by options.filter, then flushed so a slow scan shows progress.
    // False once the stream has failed (full disk, closed pipe): nothing more is written, and
    // the caller stops producing.
    bool write(const epm::enumeration& e);
    // write()'s text for a table preceded by `sequence` others, appended to `text`, without
    // writing or counting it: const, so several threads may render different tables at once
    // (pipelined_writer). Not for format::summary, whose totals are write()'s alone.
    void render(std::string& text, const epm::enumeration& e, std::size_t sequence, bool target_headers) const;
    // Writes a render()ed table as write() would have, and counts it.
    bool put_rendered(std::string_view text);
    // Flushes; the summary format writes its totals block first. False when the stream has failed.
    bool end();
    bool ok() const noexcept;

    // rpcdump headers, once the caller knows more than one enumeration is coming.
    void set_target_headers(bool on) noexcept { options_.target_headers = on; }

    std::size_t enumerations_written() const noexcept { return written_; }
    format output_format() const noexcept { return format_; }
    const format_options& options() const noexcept { return options_; }

private:
    std::ostream& out_;
    format format_;
    format_options options_;
    bool begun_ = false;
    std::size_t written_ = 0;
    std::string buffer_;    // one table's text, its capacity kept for the next
    summary_totals totals_; // format::summary only
};

// begin, write each, end; rpcdump headers on every table when there are several.
void write_all(std::ostream& out, format f, std::span<const epm::enumeration> enumerations,
               const format_options& options = {});

} // namespace epmdump::output
