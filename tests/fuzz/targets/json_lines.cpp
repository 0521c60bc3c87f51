// Saved dumps: our JSON Lines (SCHEMA.md) read by read_json_lines.
// Input: the text. Properties: fuzz::check_reader (CRLF invariance, write/read fixed point,
// read_dump agreement, caps), and JSON carries every field: what was read, written and read
// again is equal field for field to what was read first (numbers as SCHEMA.md says they are
// written: elapsed_ms to 3 decimals).
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>

#include "text_round_trip.hpp"

#include <cmath>

using namespace epmdump;

namespace {

// What SCHEMA.md says the writer does to numbers: elapsed_ms rounded to 3 decimals, and a
// number JSON cannot hold (a literal too large for a double reads as inf) written as 0.
double finite_or_zero(double v) { return std::isfinite(v) ? v : 0.0; }
double written_ms(double v)
{
    if (!std::isfinite(v)) return 0.0;
    const double r = std::round(v * 1000.0) / 1000.0;
    return std::isfinite(r) ? r : v;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = fuzz::as_text(data, size);
    fuzz::check_reader(text, output::format::json, [](std::string_view t) { return output::read_json_lines(t); });

    auto first = output::read_json_lines(text);
    if (!first) return 0;
    output::format_options o;
    o.json_towers = true;
    std::string lines;
    for (const auto& e : first->enumerations) lines += output::to_json_line(e, o) + "\n";
    auto second = output::read_json_lines(lines);
    EPMDUMP_FUZZ_CHECK(second.has_value());
    EPMDUMP_FUZZ_CHECK(second->enumerations.size() == first->enumerations.size());
    for (std::size_t i = 0; i < first->enumerations.size(); ++i)
    {
        const auto& a = first->enumerations[i];
        const auto& b = second->enumerations[i];
        EPMDUMP_FUZZ_CHECK(a.target == b.target && a.address == b.address && a.port == b.port);
        EPMDUMP_FUZZ_CHECK(a.status == b.status && a.error == b.error);
        EPMDUMP_FUZZ_CHECK(b.elapsed_ms == written_ms(a.elapsed_ms));
        EPMDUMP_FUZZ_CHECK(a.entries == b.entries);
        EPMDUMP_FUZZ_CHECK(a.origin.has_value() == b.origin.has_value());
        if (a.origin)
        {
            EPMDUMP_FUZZ_CHECK(a.origin->file == b.origin->file && a.origin->client == b.origin->client);
            EPMDUMP_FUZZ_CHECK(a.origin->client_port == b.origin->client_port && a.origin->server == b.origin->server);
            EPMDUMP_FUZZ_CHECK(a.origin->server_port == b.origin->server_port && a.origin->frames == b.origin->frames);
            EPMDUMP_FUZZ_CHECK(b.origin->first_timestamp == finite_or_zero(a.origin->first_timestamp));
            EPMDUMP_FUZZ_CHECK(b.origin->last_timestamp == finite_or_zero(a.origin->last_timestamp));
            EPMDUMP_FUZZ_CHECK(a.origin->complete == b.origin->complete && a.origin->encrypted == b.origin->encrypted);
        }
    }
    return 0;
}
