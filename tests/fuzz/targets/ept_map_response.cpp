// ept_map response stubs (decode_ept_map_response): tower pointers and towers.
// Input: one option byte (fuzz::stub_options: byte order, NDR64, EBCDIC, lenient towers, tiny
// limits), then the stub.
// Properties: decode -> encode (same drep and syntax) -> decode gives the same response; the
// decoded entries hold at most fuzz::max_amplification heap bytes per stub byte (a tower
// pointer repeated by many entries may not multiply the tower).
#include <epmdump/epm/ept_map.hpp>

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

    auto decoded = decode_ept_map_response(stub, rep, syntax, limits);
    if (!decoded) return 0;
    EPMDUMP_FUZZ_CHECK(decoded->towers.size() == decoded->num_towers);
    EPMDUMP_FUZZ_CHECK(decoded->towers.size() <= limits.max_entries);
    for (const auto& e : decoded->towers)
    {
        EPMDUMP_FUZZ_CHECK(e.annotation.size() < limits.max_annotation || e.annotation.empty());
        EPMDUMP_FUZZ_CHECK(e.tower.size() <= limits.max_tower_length);
        (void)to_string(e.where);
    }

    EPMDUMP_FUZZ_CHECK(fuzz::footprint(decoded->towers) <= fuzz::max_amplification * stub.size());

    ndr::writer w(rep, syntax);
    encode_ept_map_response(*decoded, w);
    auto again = decode_ept_map_response(w.buffer(), rep, syntax, limits);
    EPMDUMP_FUZZ_CHECK(again.has_value());
    EPMDUMP_FUZZ_CHECK(*again == *decoded);
    return 0;
}
