#include <epmdump/output/probe_writer.hpp>

#include <epmdump/mgmt/mgmt.hpp>
#include <epmdump/output/sanitize.hpp>

#include <algorithm>
#include <ostream>
#include <sstream>

namespace epmdump::output {

std::string first_bytes_text(const epm::port_probe& p)
{
    // Bytes, not text: only printable ASCII stays as it is (a run that happens to be valid UTF-8
    // would otherwise print as a letter), and a backslash is doubled so that "\xNN" is never ambiguous.
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(p.first_bytes.size() * 2);
    for (const auto b : p.first_bytes)
    {
        const auto c = std::to_integer<unsigned char>(b);
        if (c == '\\')
            out += "\\\\";
        else if (c >= 0x20 && c < 0x7f)
            out += static_cast<char>(c);
        else
        {
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 0xf];
        }
    }
    return out;
}

epm::registration_gap probe_gap(const epm::probe_report& r)
{
    auto gap = epm::compare_with_registered(r.probe, *r.registered);
    std::erase(gap.served_not_registered, mgmt::mgmt_interface());
    return gap;
}

std::string_view registration_word(const epm::probe_report& r, const epm::syntax_id& served)
{
    if (!epm::gap_known(r)) return {};
    const bool registered = std::any_of(r.registered->begin(), r.registered->end(),
                                        [&](const epm::endpoint_entry& e) { return epm::same_interface(e.interface, served); });
    if (registered) return "registered";
    return served == mgmt::mgmt_interface() ? std::string_view{} : "not_registered";
}

probe_writer::probe_writer(std::ostream& out, format f, format_options options)
    : out_(out), format_(f), options_(std::move(options))
{
}

void probe_writer::begin()
{
    if (begun_) return;
    begun_ = true;
    if (format_ != format::csv) return;
    if (options_.csv_bom) out_ << "\xEF\xBB\xBF";
    if (options_.csv_header) write_probe_csv_header(out_, options_.auth_columns);
}

bool probe_writer::ok() const noexcept { return !out_.fail(); }

bool probe_writer::write(const epm::probe_report& r)
{
    begin();
    if (!ok()) return false;
    switch (format_)
    {
    case format::rpcdump:
    case format::impacket:
    case format::summary: // the probe command refuses it; text if a library caller asks
    {
        std::ostringstream text;
        if (written_ > 0) text << '\n'; // a blank line between ports
        write_probe_text(text, r);
        out_ << with_line_ending(text.view(), options_.text_line_ending);
        break;
    }
    case format::json: out_ << to_probe_json_line(r) << '\n'; break;
    case format::csv: write_probe_csv_rows(out_, r, options_.auth_columns); break;
    }
    ++written_;
    out_.flush();
    return ok();
}

bool probe_writer::end()
{
    begin(); // a CSV with no ports still gets its header row
    out_.flush();
    return ok();
}

} // namespace epmdump::output
