// The request stubs a client sends (the endpoint mapper side of the codec): ept_lookup and
// ept_map requests, ept_lookup_handle_free request and response.
// Input: one option byte (fuzz::stub_options), one selector byte (low 2 bits), then the stub.
// Property: decode -> encode (same drep and syntax) -> decode gives the same value.
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_lookup_handle_free.hpp>
#include <epmdump/epm/ept_map.hpp>

#include "fuzz_support.hpp"

using namespace epmdump;
using namespace epmdump::epm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::input_reader in(fuzz::as_bytes(data, size));
    const auto o = in.u8();
    const auto which = in.u8() & 3;
    const auto stub = in.rest();
    const auto rep = fuzz::stub_options::drep_of(o);
    const auto syntax = fuzz::stub_options::syntax_of(o);
    decode_limits limits;
    if (o & fuzz::stub_options::small_limits) limits.max_tower_length = 64;

    switch (which)
    {
    case 0:
        fuzz::check_round_trip(stub, rep, syntax, [&](auto s) { return decode_ept_lookup_request(s, rep, syntax); },
                   [](const auto& v, ndr::writer& w) { encode_ept_lookup_request(v, w); });
        break;
    case 1:
        fuzz::check_round_trip(stub, rep, syntax, [&](auto s) { return decode_ept_map_request(s, rep, syntax, limits); },
                   [](const auto& v, ndr::writer& w) { encode_ept_map_request(v, w); });
        break;
    case 2:
        fuzz::check_round_trip(stub, rep, syntax, [&](auto s) { return decode_ept_lookup_handle_free_request(s, rep, syntax); },
                   [](const auto& v, ndr::writer& w) { encode_ept_lookup_handle_free_request(v, w); });
        break;
    default:
        fuzz::check_round_trip(stub, rep, syntax, [&](auto s) { return decode_ept_lookup_handle_free_response(s, rep, syntax); },
                   [](const auto& v, ndr::writer& w) { encode_ept_lookup_handle_free_response(v, w); });
        break;
    }
    return 0;
}
