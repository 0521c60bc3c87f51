// Protocol towers (C706 App. L): decode_floors and decode_tower, string bindings.
// Input: tower_octet_string.
// Properties:
//  - encode_floors(decode_floors(x)) is exactly the prefix of x the floors came from;
//  - a binding encode_tower accepts survives encode -> decode -> encode -> decode unchanged
//    (the first pass may normalise, e.g. host "" -> "0.0.0.0"; the second must not change it).
#include <epmdump/epm/tower.hpp>

#include "fuzz_support.hpp"

#include <algorithm>

using namespace epmdump;
using namespace epmdump::epm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto octets = fuzz::as_bytes(data, size);
    auto floors = decode_floors(octets);
    if (!floors) return 0;
    EPMDUMP_FUZZ_CHECK(floors->size() <= max_tower_floors);
    const auto encoded = encode_floors(*floors);
    EPMDUMP_FUZZ_CHECK(encoded.size() <= octets.size());
    EPMDUMP_FUZZ_CHECK(std::equal(encoded.begin(), encoded.end(), octets.begin()));

    auto tower = decode_tower(octets);
    if (!tower) return 0;
    EPMDUMP_FUZZ_CHECK(tower->floors.size() == floors->size());
    (void)to_string(tower->where);
    (void)to_string(with_connected_host(tower->where, "192.0.2.1"));
    for (const auto& f : tower->floors) (void)protocol_id_name(f.protocol_id);

    const auto transfer = tower->transfer_syntax.value_or(dcerpc::ndr20_syntax());
    auto rebuilt = encode_tower(tower->interface, transfer, tower->where);
    if (!rebuilt) return 0;
    auto first = decode_tower(*rebuilt);
    EPMDUMP_FUZZ_CHECK(first.has_value());
    EPMDUMP_FUZZ_CHECK(first->interface == tower->interface);
    EPMDUMP_FUZZ_CHECK(first->transfer_syntax == transfer);
    EPMDUMP_FUZZ_CHECK(first->where.protseq == tower->where.protseq);
    auto again = encode_tower(first->interface, transfer, first->where);
    EPMDUMP_FUZZ_CHECK(again.has_value());
    auto second = decode_tower(*again);
    EPMDUMP_FUZZ_CHECK(second.has_value());
    EPMDUMP_FUZZ_CHECK(second->where == first->where);
    EPMDUMP_FUZZ_CHECK(*again == *rebuilt);
    return 0;
}
