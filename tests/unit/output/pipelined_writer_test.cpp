#include <epmdump/output/pipelined_writer.hpp>
#include <epmdump/output/writer.hpp>

#include "sample.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

using namespace epmdump;
using namespace epmdump::output;

namespace {

// Tables that differ from each other, so that a table written out of its place shows.
std::vector<epm::enumeration> numbered_tables(std::size_t n)
{
    std::vector<epm::enumeration> tables;
    for (std::size_t i = 0; i < n; ++i)
    {
        auto e = test::sample_enumeration();
        e.target = "host" + std::to_string(i);
        e.entries.resize(1 + i % e.entries.size());
        if (i % 7 == 3) e.status = epm::enumeration_status::incomplete;
        tables.push_back(std::move(e));
    }
    return tables;
}

std::string written_one_by_one(format f, const std::vector<epm::enumeration>& tables, bool headers_from = false)
{
    std::ostringstream out;
    format_options lf;
    lf.text_line_ending = line_ending::lf;
    writer w(out, f, lf);
    w.begin();
    for (std::size_t i = 0; i < tables.size(); ++i)
    {
        if (headers_from && i == 1) w.set_target_headers(true);
        w.write(tables[i]);
    }
    w.end();
    return out.str();
}

// A stream that takes `room` bytes, then fails every write.
class short_buffer final : public std::streambuf
{
public:
    explicit short_buffer(std::size_t room) : room_(room) {}
    std::string taken;

private:
    int_type overflow(int_type c) override
    {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        const char ch = traits_type::to_char_type(c);
        return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override
    {
        if (static_cast<std::size_t>(n) > room_) return 0;
        taken.append(s, static_cast<std::size_t>(n));
        room_ -= static_cast<std::size_t>(n);
        return n;
    }
    std::size_t room_;
};

} // namespace

TEST_CASE("tables rendered on other threads are written byte for byte as one thread writes them, in order")
{
    const auto tables = numbered_tables(40);
    for (auto f : {format::rpcdump, format::impacket, format::json, format::csv, format::summary})
    {
        const std::string expected = written_one_by_one(f, tables);
        for (unsigned threads : {0u, 1u, 3u})
        {
            CAPTURE(to_string(f));
            CAPTURE(threads);
            std::ostringstream out;
            format_options lf;
            lf.text_line_ending = line_ending::lf;
            writer w(out, f, lf);
            w.begin();
            {
                pipelined_writer p(w, threads);
                for (auto t : tables) CHECK(p.write(std::move(t)));
                CHECK(p.enumerations_given() == tables.size());
                CHECK(p.drain());
            }
            w.end();
            CHECK(w.enumerations_written() == tables.size());
            CHECK(out.str() == expected);
        }
    }
}

TEST_CASE("target headers set between tables apply to the tables given after, as with one thread")
{
    const auto tables = numbered_tables(5);
    const std::string expected = written_one_by_one(format::rpcdump, tables, true);
    std::ostringstream out;
    format_options lf;
    lf.text_line_ending = line_ending::lf;
    writer w(out, format::rpcdump, lf);
    pipelined_writer p(w, 2);
    for (std::size_t i = 0; i < tables.size(); ++i)
    {
        if (i == 1) p.set_target_headers(true);
        p.write(epm::enumeration(tables[i]));
    }
    p.drain();
    CHECK(out.str() == expected);
}

TEST_CASE("a stream that fails stops the pipelined writer: false from then on, nothing after the failure")
{
    const auto tables = numbered_tables(30);
    const std::string whole = written_one_by_one(format::json, tables);
    const std::size_t room = whole.size() / 3;
    short_buffer buffer(room);
    std::ostream out(&buffer);
    writer w(out, format::json);
    bool failed = false;
    {
        pipelined_writer p(w, 2);
        for (auto t : tables)
            if (!p.write(std::move(t)))
            {
                failed = true;
                break;
            }
        if (!failed) failed = !p.drain();
    } // the threads stop with tables still queued
    CHECK(failed);
    CHECK_FALSE(w.ok());
    // Whole tables up to the one that did not fit, each in its place.
    CHECK(buffer.taken.size() <= room);
    CHECK(whole.compare(0, buffer.taken.size(), buffer.taken) == 0);
}

TEST_CASE("render appends its table to the text it is given, converting only its own lines to CR LF")
{
    std::ostringstream one;
    format_options crlf;
    crlf.text_line_ending = line_ending::crlf;
    writer w(one, format::rpcdump, crlf);
    const auto table = test::sample_enumeration();
    w.write(table);
    std::string text = "kept\n";
    w.render(text, table, 0, false);
    CHECK(text == "kept\n" + one.str());
    CHECK(one.str().find("\r\n") != std::string::npos);
}
