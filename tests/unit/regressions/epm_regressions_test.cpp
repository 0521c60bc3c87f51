// Endpoint-mapper stubs the fuzz properties caught (tests/fuzz/targets/ept_*_response.cpp).
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_map.hpp>
#include <epmdump/epm/tower.hpp>
#include <epmdump/ndr/writer.hpp>

#include "regression_inputs.hpp"

#include <doctest/doctest.h>

#include <span>

using namespace epmdump;
using namespace epmdump::epm;

namespace {

// Heap bytes the entries hold: their towers and the strings rendered from them.
std::size_t held(const std::vector<endpoint_entry>& entries)
{
    std::size_t n = 0;
    for (const auto& e : entries) n += e.tower.size() + e.where.host.size() + e.where.endpoint.size();
    return n;
}

} // namespace

TEST_CASE("entries that all name one large tower cannot turn a small ept_lookup stub into a large heap")
{
    // inputs/ept_lookup_response/one-tower-for-every-entry (fuzz layout: option byte 0, then the
    // stub): 64 entries whose tower pointers all carry referent id 1, and one 4073-byte tower
    // (a TCP floor with a 4000-byte port field). Each entry copied the tower and rendered the
    // field in hex: 6 KB of stub became 773 KB of heap (1024 entries: 37 KB -> 12 MB). The
    // ept_lookup_response target's amplification property (8 heap bytes per stub byte) flags it.
    const auto input = test::regression_input("ept_lookup_response", "one-tower-for-every-entry");
    const auto stub = std::span<const std::byte>(input).subspan(1);
    const auto r = decode_ept_lookup_response(stub, ndr::little_endian_ascii);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::limit_exceeded);
}

TEST_CASE("entries sharing a tower still decode while the copies stay within the stub's size")
{
    // The same shape with 2 entries: sharing as a full pointer allows it, and it costs no more
    // than the stub itself.
    auto octets = encode_tower(ept_interface(), dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "10.0.0.1", "135"});
    REQUIRE(octets.has_value());
    ndr::writer w;
    write_context_handle(w, {});
    w.u32(2);
    w.u32(2), w.u32(0), w.u32(2); // max_count, offset, actual_count
    for (int i = 0; i < 2; ++i)
    {
        w.align(4);
        w.guid(uuid{});
        w.u32(1); // the same referent id
        w.varying_string("");
    }
    w.u32(static_cast<std::uint32_t>(octets->size()));
    w.u32(static_cast<std::uint32_t>(octets->size()));
    w.bytes(*octets);
    w.u32(0);
    const auto r = decode_ept_lookup_response(w.buffer(), ndr::little_endian_ascii);
    REQUIRE(r.has_value());
    REQUIRE(r->entries.size() == 2);
    CHECK(r->entries[0].tower == r->entries[1].tower);
    CHECK(r->entries[1].where.endpoint == "135");
    CHECK(held(r->entries) <= 8 * w.size());
}

TEST_CASE("an annotation that fills ept_max_annotation_size without a NUL is refused, as the same text with its NUL is")
{
    // inputs/ept_lookup_response/annotation-fills-its-limit-without-nul (fuzz option 0xff: big
    // endian, EBCDIC, NDR64, lenient towers, annotations capped at 8 with the NUL): the second
    // entry's annotation is 8 EBCDIC characters and no NUL. It decoded as 8 characters, which
    // the encoder writes back as 9 with the NUL, beyond the cap: the round trip failed.
    const auto input = test::regression_input("ept_lookup_response", "annotation-fills-its-limit-without-nul");
    const auto stub = std::span<const std::byte>(input).subspan(1);
    decode_limits small;
    small.strict_towers = false;
    small.max_entries = 3;
    small.max_annotation = 8;
    small.max_tower_length = 64;
    const auto r = decode_ept_lookup_response(stub, ndr::drep{ndr::byte_order::big, ndr::char_set::ebcdic, 0},
                                              ndr::transfer_syntax::ndr64, small);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::limit_exceeded);

    // With the default limit (64 with the NUL): 63 characters without a NUL still decode.
    const auto one_entry = [](std::size_t chars) {
        ndr::writer w;
        write_context_handle(w, {});
        w.u32(1);
        w.u32(1), w.u32(0), w.u32(1); // max_count, offset, actual_count
        w.guid(uuid{});
        w.u32(0); // no tower
        w.u32(0), w.u32(static_cast<std::uint32_t>(chars));
        w.bytes(std::vector<std::byte>(chars, std::byte{'a'}));
        w.align(4);
        w.u32(0);
        return decode_ept_lookup_response(w.buffer(), ndr::little_endian_ascii);
    };
    const auto fits = one_entry(ept_max_annotation_size - 1);
    REQUIRE(fits.has_value());
    CHECK(fits->entries.at(0).annotation == std::string(ept_max_annotation_size - 1, 'a'));
    const auto full = one_entry(ept_max_annotation_size);
    REQUIRE_FALSE(full.has_value());
    CHECK(full.error().code == codec_errc::limit_exceeded);
}
