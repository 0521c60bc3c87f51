// ept_lookup response stubs (decode_ept_lookup_response): entries, annotations, towers.
// Input: one option byte (fuzz::stub_options: byte order, NDR64, EBCDIC, lenient towers, tiny
// limits), then the stub.
// Properties: decode -> encode (same drep and syntax) -> decode gives the same response; the
// decoded entries hold at most fuzz::max_amplification heap bytes per stub byte (a tower
// pointer repeated by many entries may not multiply the tower); a page kept as replay keeps it
// (check() on arrival, views() from its offsets later) reads as the same entries.
#include <epmdump/epm/entry_view.hpp>
#include <epmdump/epm/ept_lookup.hpp>

#include "fuzz_support.hpp"

using namespace epmdump;
using namespace epmdump::epm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::input_reader in(fuzz::as_bytes(data, size));
    const auto o = in.u8();
    const auto stub = in.rest();
    const auto rep = fuzz::stub_options::drep_of(o);
    const auto syntax = fuzz::stub_options::syntax_of(o);
    decode_limits limits;
    limits.strict_towers = (o & fuzz::stub_options::lenient_towers) == 0;
    if (o & fuzz::stub_options::small_limits)
    {
        limits.max_entries = 3;
        limits.max_annotation = 8;
        limits.max_tower_length = 64;
    }

    auto decoded = decode_ept_lookup_response(stub, rep, syntax, limits);
    lookup_view_decoder arrival;
    auto checked = arrival.check(stub, rep, syntax, limits);
    EPMDUMP_FUZZ_CHECK(checked.has_value() == decoded.has_value());
    if (!decoded) return 0;
    EPMDUMP_FUZZ_CHECK(arrival.offsets().size() == decoded->entries.size());
    {
        const std::vector<entry_offsets> kept(arrival.offsets().begin(), arrival.offsets().end());
        lookup_view_decoder later;
        auto views = later.views(stub, rep, syntax, limits, kept);
        EPMDUMP_FUZZ_CHECK(views.has_value() && views->size() == decoded->entries.size());
        for (std::size_t i = 0; i < views->size(); ++i) EPMDUMP_FUZZ_CHECK(to_entry((*views)[i]) == decoded->entries[i]);
    }
    EPMDUMP_FUZZ_CHECK(decoded->entries.size() == decoded->num_ents);
    EPMDUMP_FUZZ_CHECK(decoded->entries.size() <= limits.max_entries);
    for (const auto& e : decoded->entries)
    {
        EPMDUMP_FUZZ_CHECK(e.annotation.size() < limits.max_annotation || e.annotation.empty());
        EPMDUMP_FUZZ_CHECK(e.tower.size() <= limits.max_tower_length);
        (void)to_string(e.where);
    }

    EPMDUMP_FUZZ_CHECK(fuzz::footprint(decoded->entries) <= fuzz::max_amplification * stub.size());

    ndr::writer w(rep, syntax);
    encode_ept_lookup_response(*decoded, w);
    auto again = decode_ept_lookup_response(w.buffer(), rep, syntax, limits);
    EPMDUMP_FUZZ_CHECK(again.has_value());
    EPMDUMP_FUZZ_CHECK(*again == *decoded);
    return 0;
}
