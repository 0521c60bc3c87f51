#pragma once
// Shared by the dump-reader targets: read, write in the same format, read again.
#include <epmdump/output/reader.hpp>
#include <epmdump/output/writer.hpp>

#include "fuzz_support.hpp"

#include <sstream>
#include <string>

namespace epmdump::fuzz {

// rpcdump text with a "# target:" header per enumeration: without one an enumeration that has
// no entries leaves no trace in the text, and a dump of only such is no dump at all.
inline std::string written(output::format f, const output::dump& d)
{
    std::ostringstream out;
    output::format_options o;
    o.target_headers = f == output::format::rpcdump;
    output::write_all(out, f, d.enumerations, o);
    return out.str();
}

// Properties of a reader R for format F over `text`:
//  - R never keeps more warnings than max_read_warnings, and the dump has no more entries than
//    max_dump_entries;
//  - with every "\n" turned into "\r\n", R reads the same dump (same output when written);
//  - writing what R read and reading that back reaches a fixed point after one round:
//    write(R(write(R(text)))) == write(R(text)) (the first round may normalise: sanitised
//    characters, spacing);
//  - read_dump agrees with R whenever detect_format names F.
template <class Reader>
void check_reader(std::string_view text, output::format f, Reader read)
{
    auto first = read(text);
    if (!first)
    {
        (void)first.error().message();
        return;
    }
    EPMDUMP_FUZZ_CHECK(first->warnings.size() <= output::max_read_warnings);
    EPMDUMP_FUZZ_CHECK(first->entry_count() <= output::max_dump_entries);
    const auto w1 = written(f, *first);

    if (auto crlf = with_crlf(text))
    {
        auto same = read(*crlf);
        EPMDUMP_FUZZ_CHECK(same.has_value());
        EPMDUMP_FUZZ_CHECK(written(f, *same) == w1);
    }

    auto second = read(w1);
    EPMDUMP_FUZZ_CHECK(second.has_value());
    EPMDUMP_FUZZ_CHECK(second->entry_count() == first->entry_count());
    const auto w2 = written(f, *second);
    EPMDUMP_FUZZ_CHECK(w2 == w1);

    if (output::detect_format(text) == f)
    {
        auto any = output::read_dump(text);
        EPMDUMP_FUZZ_CHECK(any.has_value());
        EPMDUMP_FUZZ_CHECK(written(f, *any) == w1);
    }
}

} // namespace epmdump::fuzz
