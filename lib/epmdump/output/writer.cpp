#include <epmdump/output/writer.hpp>

#include <epmdump/output/csv.hpp>
#include <epmdump/output/impacket.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/rpcdump.hpp>

#include <ostream>
#include <sstream>
#include <utility>

namespace epmdump::output {

writer::writer(std::ostream& out, format f, format_options options)
    : out_(out), format_(f), options_(std::move(options))
{
}

void writer::begin()
{
    if (begun_) return;
    begun_ = true;
    if (format_ != format::csv) return;
    if (options_.csv_bom) out_ << "\xEF\xBB\xBF";
    if (options_.csv_header) write_csv_header(out_, options_);
}

bool writer::ok() const noexcept { return !out_.fail(); }

bool writer::write(const epm::enumeration& e)
{
    begin();
    if (!ok()) return false;
    // Each format appends to one buffer, kept from table to table, written in one piece.
    buffer_.clear();
    if (format_ == format::summary)
    {
        findings::host_classifier classifier;
        epm::lookup_view_decoder decoder;
        e.for_each_entry(decoder, [&](const epm::endpoint_entry_view& entry) { classifier.add(entry); });
        const auto classified = classifier.classify();
        totals_.add(e, classified);
        append_summary_line(buffer_, e, classified, options_);
        out_ << with_line_ending(buffer_, options_.text_line_ending);
        ++written_;
        out_.flush();
        return ok();
    }
    render(buffer_, e, written_, options_.target_headers);
    return put_rendered(buffer_);
}

void writer::render(std::string& text, const epm::enumeration& e, std::size_t sequence, bool target_headers) const
{
    format_options o = options_;
    o.target_headers = target_headers;
    const std::size_t start = text.size(); // what was in `text` before is not this table's
    switch (format_)
    {
    case format::rpcdump:
    case format::impacket:
    {
        // The text formats are written with "\n" and converted in one place, so the line
        // ending is this setting and not a property of each format's code.
        if (sequence > 0) text += '\n';
        if (format_ == format::impacket)
        {
            std::ostringstream impacket;
            write_impacket(impacket, e, o);
            text += impacket.view();
        }
        else
        {
            // Without a header the reader would merge this target into the previous one.
            if (sequence > 0) o.target_headers = true;
            append_rpcdump(text, e, o);
        }
        if (options_.text_line_ending != line_ending::lf)
        {
            std::string converted = with_line_ending(std::string_view(text).substr(start), options_.text_line_ending);
            text.resize(start);
            text += converted;
        }
        break;
    }
    case format::json:
        append_json_line(text, e, o);
        text += '\n';
        break;
    case format::csv: append_csv_rows(text, e, o); break;
    case format::summary: break; // totals of every table: write() only
    }
}

bool writer::put_rendered(std::string_view text)
{
    begin();
    if (!ok()) return false;
    out_ << text;
    ++written_;
    out_.flush();
    return ok();
}

bool writer::end()
{
    begin(); // a CSV with no targets still gets its header row
    if (format_ == format::summary && ok())
    {
        std::string block;
        totals_.append_block(block);
        out_ << with_line_ending(block, options_.text_line_ending);
    }
    out_.flush();
    return ok();
}

void write_all(std::ostream& out, format f, std::span<const epm::enumeration> enumerations,
               const format_options& options)
{
    writer w(out, f, options);
    if (enumerations.size() > 1) w.set_target_headers(true);
    w.begin();
    for (const auto& e : enumerations) w.write(e);
    w.end();
}

} // namespace epmdump::output
