// Hostile servers at the ept_lookup stub level: lying counts, towers that run off the end or
// claim 65535 floors, entry handles and pages that never let the list end. Each case ends with
// a typed failure or a flagged-incomplete result within the host deadline, earlier pages kept.
#include "alloc_probe.hpp"
#include "hostile_util.hpp"

#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_status.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::test;
using client::client_errc;
using client::phase;

namespace {

// The k-th ept_lookup of the connection (0-based) gets the stub `page(k)` returns; binds and
// handle frees are answered as usual, and so are lookups when `page` returns nothing.
template <class F>
tamper_fn lookup_pages(F page)
{
    return [page, k = 0](const dcerpc::message& request, std::vector<std::byte> answer, int) mutable -> wire_plan {
        if (request.type != dcerpc::pdu_type::request || request.opnum != epm::opnum_ept_lookup)
            return {wire_step::write(std::move(answer))};
        auto stub = page(k++, answer);
        if (stub.empty()) return {wire_step::write(std::move(answer))};
        return {wire_step::write(response_to(request, stub))};
    };
}

// The ept_lookup response layout up to the entries (C706 App. O): handle, num_ents, then the
// conformant-varying array's max_count, offset and actual_count.
ndr::writer lookup_head(epm::context_handle h, std::uint32_t num_ents, std::uint32_t max_count, std::uint32_t actual)
{
    ndr::writer w;
    epm::write_context_handle(w, h);
    w.u32(num_ents);
    w.u32(max_count);
    w.u32(0);
    w.u32(actual);
    return w;
}

// One entry whose tower pointer is non-null, its annotation, then the twr_t header.
void one_entry_then_twr(ndr::writer& w, std::uint32_t twr_max_count, std::uint32_t tower_length)
{
    w.guid(uuid{});
    w.u32(1); // referent id of the tower
    w.varying_string("svc");
    w.u32(twr_max_count);
    w.u32(tower_length);
}

} // namespace

TEST_CASE("a page with more entries than max_ents is a protocol violation that keeps earlier pages and frees the handle")
{
    server_script s;
    s.entries = sample_entries(9);
    const auto all = s.entries;
    s.tamper = lookup_pages([all](int k, std::span<const std::byte>) -> std::vector<std::byte> {
        if (k != 1) return {};
        epm::ept_lookup_response r;
        r.entry_handle = handle_no(2);
        r.entries = slice(all, per_page, 5); // five where three were asked for
        r.num_ents = 5;
        return lookup_stub(r, 5);
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::protocol_violation, phase::lookup);
    REQUIRE(out.r.error->codec.has_value());
    CHECK(out.r.error->codec->code == codec_errc::limit_exceeded);
    CHECK(out.r.enumeration.entries == slice(all, 0, per_page));
    CHECK(server.log().frees == 1);
}

TEST_CASE("a page promising a billion entries is refused before anything of that size is allocated")
{
    server_script s;
    s.entries = sample_entries(3);
    s.tamper = lookup_pages([](int, std::span<const std::byte>) {
        auto w = lookup_head(handle_no(1), 0x40000000, 0x40000000, 0x40000000);
        w.bytes(std::vector<std::byte>(64));
        return w.take();
    });
    scripted_server server(s);
    auto o = hostile_options();
    alloc_probe probe;
    auto out = enumerate_at(server, o);
    const auto largest = probe.largest();
    MESSAGE("largest allocation " << largest << " bytes");
    check_ended(out, o, client_errc::protocol_violation, phase::lookup);
    CHECK(largest < 256 * 1024);
}

TEST_CASE("actual_count above max_count is a protocol violation that keeps the pages before it")
{
    server_script s;
    s.entries = sample_entries(9);
    const auto all = s.entries;
    s.tamper = lookup_pages([all](int k, std::span<const std::byte> answer) -> std::vector<std::byte> {
        if (k != 1) return {};
        // The real page, with the array's max_count lowered under its actual_count.
        auto stub = stub_of(answer);
        const std::size_t max_count_at = 20 + 4;
        stub.at(max_count_at) = std::byte{1};
        for (std::size_t i = 1; i < 4; ++i) stub.at(max_count_at + i) = std::byte{0};
        return stub;
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::protocol_violation, phase::lookup);
    REQUIRE(out.r.error->codec.has_value());
    CHECK(out.r.error->codec->code == codec_errc::bad_value);
    CHECK(out.r.enumeration.entries == slice(all, 0, per_page));
}

TEST_CASE("a tower whose length runs past the fragment is a protocol violation")
{
    for (const std::uint32_t length : {4000u, 0xfffffff0u})
    {
        CAPTURE(length);
        server_script s;
        s.entries = sample_entries(3);
        s.tamper = lookup_pages([length](int, std::span<const std::byte>) {
            auto w = lookup_head(handle_no(1), 1, 1, 1);
            one_entry_then_twr(w, length, length);
            w.bytes(std::vector<std::byte>(100, std::byte{0x01}));
            return w.take();
        });
        scripted_server server(s);
        const auto o = hostile_options();
        alloc_probe probe;
        auto out = enumerate_at(server, o);
        const auto largest = probe.largest();
        check_ended(out, o, client_errc::protocol_violation, phase::lookup);
        REQUIRE(out.r.error->codec.has_value());
        CHECK(out.r.error->codec->code == (length > 4096 ? codec_errc::limit_exceeded : codec_errc::truncated));
        CHECK(largest < 256 * 1024);
    }
}

TEST_CASE("a tower claiming 65535 floors is a protocol violation")
{
    server_script s;
    s.entries = sample_entries(3);
    const auto real = s.entries.front().tower;
    s.tamper = lookup_pages([real](int, std::span<const std::byte>) {
        auto octets = real;
        octets.at(0) = std::byte{0xff}; // floor_count, little-endian whatever the drep ([MS-RPCE] 2.2.1.1.7)
        octets.at(1) = std::byte{0xff};
        auto w = lookup_head(handle_no(1), 1, 1, 1);
        one_entry_then_twr(w, static_cast<std::uint32_t>(octets.size()), static_cast<std::uint32_t>(octets.size()));
        w.bytes(octets);
        w.align(4);
        w.u32(0); // status
        return w.take();
    });
    scripted_server server(s);
    const auto o = hostile_options();
    alloc_probe probe;
    auto out = enumerate_at(server, o);
    const auto largest = probe.largest();
    check_ended(out, o, client_errc::protocol_violation, phase::lookup);
    REQUIRE(out.r.error->codec.has_value());
    CHECK(out.r.error->codec->code == codec_errc::limit_exceeded);
    CHECK(largest < 256 * 1024);
}

TEST_CASE("an entry handle that never advances, with the same page each time, is incomplete after a few pages")
{
    server_script s;
    s.entries = sample_entries(9);
    const auto all = s.entries;
    s.tamper = lookup_pages([all](int, std::span<const std::byte>) {
        epm::ept_lookup_response r;
        r.entry_handle = handle_no(1);
        r.entries = slice(all, 0, per_page);
        return lookup_stub(r, per_page);
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::incomplete, phase::lookup);
    CHECK(out.r.enumeration.entries == slice(all, 0, per_page));
    CHECK(server.log().lookups <= 4);
    CHECK(server.log().frees == 1);
}

TEST_CASE("an entry handle cycling between two values over two pages is incomplete, each entry kept once")
{
    server_script s;
    s.entries = sample_entries(9);
    const auto all = s.entries;
    s.tamper = lookup_pages([all](int k, std::span<const std::byte>) {
        epm::ept_lookup_response r;
        r.entry_handle = handle_no(static_cast<std::uint8_t>(1 + k % 2));
        r.entries = slice(all, (k % 2) * per_page, per_page);
        return lookup_stub(r, per_page);
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::incomplete, phase::lookup);
    CHECK(out.r.enumeration.entries == slice(all, 0, 2 * per_page));
    CHECK(server.log().lookups <= 6);
    CHECK(server.log().frees == 1);
}

TEST_CASE("pages that repeat the same entries forever under ever new handles are incomplete, each entry kept once")
{
    server_script s;
    s.entries = sample_entries(9);
    const auto all = s.entries;
    s.tamper = lookup_pages([all](int k, std::span<const std::byte>) {
        epm::ept_lookup_response r;
        r.entry_handle = handle_no(static_cast<std::uint8_t>(1 + k));
        r.entries = slice(all, 0, per_page);
        return lookup_stub(r, per_page);
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::incomplete, phase::lookup);
    CHECK(out.r.enumeration.entries == slice(all, 0, per_page));
    CHECK(server.log().lookups <= 4);
}

TEST_CASE("pages cycling through a table with a shifting window end as incomplete, not at the deadline")
{
    // Page k holds entries k..k+2 of seven, wrapping around: no two consecutive pages agree.
    server_script s;
    s.entries = sample_entries(7);
    const auto all = s.entries;
    s.tamper = lookup_pages([all](int k, std::span<const std::byte>) {
        epm::ept_lookup_response r;
        r.entry_handle = handle_no(1);
        for (std::uint32_t i = 0; i < per_page; ++i) r.entries.push_back(all[(static_cast<std::size_t>(k) + i) % all.size()]);
        return lookup_stub(r, per_page);
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::incomplete, phase::lookup);
    CHECK(server.log().lookups <= 12);
}
