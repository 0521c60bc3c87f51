// ept_lookup (opnum 2): exact request bytes, round trips in every encoding, and the ways a
// response can lie about its sizes.
#include "capture_calls.hpp"
#include "test_syntaxes.hpp"
#include "support/test_files.hpp"
#include "support/codec_checks.hpp"

#include <epmdump/epm/entry_view.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_status.hpp>
#include <epmdump/epm/tower.hpp>

#include <doctest/doctest.h>

#include <vector>

using namespace epmdump;
using namespace epmdump::epm;
using test::from_hex;
using test::drsuapi;
using test::emsmdb;
using test::ndr20;
using test::ndr64;

namespace {

constexpr ndr::drep ebcdic_big{ndr::byte_order::big, ndr::char_set::ebcdic, 0};

endpoint_entry entry(const syntax_id& iface, binding where, std::string annotation, std::string_view object = "")
{
    endpoint_entry e;
    if (!object.empty()) e.object = *parse_uuid(object);
    e.interface = iface;
    e.transfer_syntax = dcerpc::ndr20_syntax();
    e.annotation = std::move(annotation);
    e.where = std::move(where);
    auto tower = encode_tower(iface, dcerpc::ndr20_syntax(), e.where);
    REQUIRE_OK(tower);
    e.tower = std::move(*tower);
    return e;
}

ept_lookup_response sample_response()
{
    ept_lookup_response r;
    r.entry_handle = context_handle{0, *parse_uuid("7cfc5f3b-92b0-7544-a3e3-e4d53df481df")};
    r.entries.push_back(entry(drsuapi, {"ncacn_ip_tcp", "0.0.0.0", "49667"}, "MS NT Directory DRS Interface"));
    r.entries.push_back(entry(emsmdb, {"ncacn_np", "\\\\EXCH01", "\\PIPE\\EMSMDB"}, "", "6d9e7c1a-3b7f-4f5a-9a34-1b2c3d4e5f60"));
    r.entries.push_back(entry(drsuapi, {"ncalrpc", "", "NTDS_LPC"}, "Exchange Server STORE EMSMDB Interface"));
    r.num_ents = 3;
    r.status = rpc_s_ok;
    return r;
}

std::vector<std::byte> encoded(const ept_lookup_response& r, ndr::drep rep, ndr::transfer_syntax syntax,
                               std::uint32_t max_count = 500)
{
    ndr::writer w(rep, syntax);
    encode_ept_lookup_response(r, w, max_count);
    return w.take();
}

std::vector<test::captured_call> lookups(const char* pcap)
{
    std::vector<test::captured_call> out;
    for (auto& c : test::read_captured_calls(test::project_pcap(pcap)))
        if (c.opnum == opnum_ept_lookup) out.push_back(std::move(c));
    return out;
}

// NDR 2.0 little-endian response stub with one entry and caller-chosen sizes.
std::vector<std::byte> one_entry_stub(std::uint32_t num_ents, std::uint32_t max_count, std::uint32_t actual_count,
                                      std::uint32_t tower_max, std::uint32_t tower_length)
{
    ndr::writer w;
    write_context_handle(w, context_handle{});
    w.u32(num_ents);
    w.u32(max_count);
    w.u32(0);
    w.u32(actual_count);
    w.guid(uuid{});
    w.u32(1);
    w.varying_string("x");
    auto tower = encode_tower(drsuapi, dcerpc::ndr20_syntax(), binding{"ncalrpc", "", "a"});
    REQUIRE_OK(tower);
    w.align(4);
    w.u32(tower_max);
    w.u32(tower_length);
    w.bytes(*tower);
    w.u32(0);
    return w.take();
}

// One entry annotated "odd" whose tower's floor 1 is not an interface.
constexpr const char* malformed_tower = "0100 0100 07 0200 0087";
ndr::writer malformed_tower_stub()
{
    ndr::writer w;
    write_context_handle(w, context_handle{});
    w.u32(1);
    w.u32(1);
    w.u32(0);
    w.u32(1);
    w.guid(uuid{});
    w.u32(1);
    w.varying_string("odd");
    const auto bad_tower = from_hex(malformed_tower);
    w.u32(static_cast<std::uint32_t>(bad_tower.size()));
    w.u32(static_cast<std::uint32_t>(bad_tower.size()));
    w.bytes(bad_tower);
    w.u32(0);
    return w;
}

} // namespace

TEST_CASE("encode_ept_lookup_request reproduces impacket's request bytes exactly")
{
    auto calls = lookups("samba-ad-dc-rpcdump-maxents10.pcap");
    REQUIRE(calls.size() > 2);
    for (const auto& call : calls)
    {
        auto r = decode_ept_lookup_request(call.request_stub, call.request_rep);
        REQUIRE_OK(r);
        ndr::writer w(call.request_rep);
        encode_ept_lookup_request(*r, w);
        CHECK(w.buffer() == call.request_stub);
    }
    // the first page: all elements, no object, no interface, RPC_C_VERS_ALL, null handle, 10
    auto first = decode_ept_lookup_request(calls.front().request_stub, calls.front().request_rep);
    REQUIRE_OK(first);
    CHECK(*first == ept_lookup_request{rpc_c_ep_all_elts, std::nullopt, std::nullopt, rpc_c_vers_all, {}, 10});
    // later pages carry the handle the previous response returned
    auto previous = decode_ept_lookup_response(calls[0].response_stub, calls[0].response_rep);
    auto second = decode_ept_lookup_request(calls[1].request_stub, calls[1].request_rep);
    REQUIRE_OK(previous);
    REQUIRE_OK(second);
    CHECK_FALSE(previous->entry_handle.is_null());
    CHECK(second->entry_handle == previous->entry_handle);
}

TEST_CASE("ept_lookup requests round-trip in little-endian, big-endian, EBCDIC and NDR64")
{
    const ept_lookup_request requests[] = {
        {},
        {rpc_c_ep_match_by_both, *parse_uuid("00390034-0039-0037-5d00-000000000000"), emsmdb, rpc_c_vers_exact,
         context_handle{0, *parse_uuid("7cfc5f3b-92b0-7544-a3e3-e4d53df481df")}, 1},
        {rpc_c_ep_match_by_if, std::nullopt, drsuapi, rpc_c_vers_major_only, {}, 500},
        {rpc_c_ep_match_by_obj, uuid{}, std::nullopt, 0, context_handle{7, uuid{}}, 0},
    };
    for (const auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii, ebcdic_big})
        for (const auto syntax : {ndr20, ndr64})
            for (const auto& request : requests)
            {
                ndr::writer w(rep, syntax);
                encode_ept_lookup_request(request, w);
                auto back = decode_ept_lookup_request(w.buffer(), rep, syntax);
                REQUIRE_OK(back);
                CHECK(*back == request);
            }
}

TEST_CASE("big-endian request bytes differ from little-endian ones but mean the same")
{
    ept_lookup_request request{rpc_c_ep_match_by_if, std::nullopt, drsuapi, rpc_c_vers_all, {}, 500};
    ndr::writer le(ndr::little_endian_ascii), be(ndr::big_endian_ascii);
    encode_ept_lookup_request(request, le);
    encode_ept_lookup_request(request, be);
    CHECK(le.buffer() != be.buffer());
    CHECK(be.buffer()[3] == std::byte{1}); // inquiry_type 1, most significant byte first
    // decoding with the wrong byte order does not give the request back
    auto wrong = decode_ept_lookup_request(be.buffer(), ndr::little_endian_ascii);
    CHECK((!wrong.has_value() || !(*wrong == request)));
}

TEST_CASE("NDR64 request: 8-byte referent ids aligned to 8")
{
    ept_lookup_request request{rpc_c_ep_match_by_if, std::nullopt, drsuapi, rpc_c_vers_all, {}, 500};
    ndr::writer w(ndr::little_endian_ascii, ndr64);
    encode_ept_lookup_request(request, w);
    // inquiry_type(4) pad(4) NULL object(8) Ifid referent(8) uuid(16) major minor(4) vers(4) handle(20) max(4)
    CHECK(w.size() == 72);
    CHECK(w.buffer()[16] == std::byte{2});
}

TEST_CASE("ept_lookup responses round-trip in little-endian, big-endian, EBCDIC and NDR64")
{
    const auto response = sample_response();
    for (const auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii, ebcdic_big})
        for (const auto syntax : {ndr20, ndr64})
        {
            const auto stub = encoded(response, rep, syntax);
            auto back = decode_ept_lookup_response(stub, rep, syntax);
            REQUIRE_OK(back);
            CHECK(*back == response);
            CHECK(to_string(back->entries[1].where) == "ncacn_np:\\\\EXCH01[\\PIPE\\EMSMDB]");
        }
}

TEST_CASE("re-encoding a decoded Samba response gives Samba's bytes back")
{
    for (const char* pcap : {"samba-ad-dc-rpcdump.pcap", "samba-standalone-rpcdump-maxents10.pcap"})
        for (const auto& call : lookups(pcap))
        {
            auto request = decode_ept_lookup_request(call.request_stub, call.request_rep);
            auto r = decode_ept_lookup_response(call.response_stub, call.response_rep);
            REQUIRE_OK(request);
            REQUIRE_OK(r);
            CHECK(encoded(*r, call.response_rep, ndr20, request->max_ents) == call.response_stub);
        }
}

TEST_CASE("an EBCDIC annotation is read as ASCII")
{
    ept_lookup_response r;
    r.entries.push_back(entry(drsuapi, {"ncalrpc", "", "x"}, "Impl friendly name"));
    const auto stub = encoded(r, ebcdic_big, ndr20);
    auto back = decode_ept_lookup_response(stub, ebcdic_big);
    REQUIRE_OK(back);
    CHECK(back->entries[0].annotation == "Impl friendly name");
    // the same bytes read as ASCII are not that text
    auto ascii = decode_ept_lookup_response(stub, ndr::big_endian_ascii);
    REQUIRE_OK(ascii);
    CHECK(ascii->entries[0].annotation != "Impl friendly name");
}

TEST_CASE("a well-formed hand-built response decodes, as the basis of the broken ones below")
{
    auto r = decode_ept_lookup_response(one_entry_stub(1, 1, 1, 0, 0), ndr::little_endian_ascii);
    // tower_max 0 with tower_length 0 is an empty tower: strict decoding refuses it
    CHECK_ERR(r, codec_errc::truncated);
    auto tower = encode_tower(drsuapi, dcerpc::ndr20_syntax(), binding{"ncalrpc", "", "a"});
    REQUIRE_OK(tower);
    const auto n = static_cast<std::uint32_t>(tower->size());
    auto ok = decode_ept_lookup_response(one_entry_stub(1, 500, 1, n, n), ndr::little_endian_ascii);
    REQUIRE_OK(ok);
    CHECK(to_string(ok->entries[0].where) == "ncalrpc:[a]");
    CHECK(ok->entries[0].annotation == "x");
}

TEST_CASE("actual_count above max_count is a bad value")
{
    auto tower = encode_tower(drsuapi, dcerpc::ndr20_syntax(), binding{"ncalrpc", "", "a"});
    const auto n = static_cast<std::uint32_t>(tower->size());
    CHECK_ERR(decode_ept_lookup_response(one_entry_stub(1, 0, 1, n, n), ndr::little_endian_ascii), codec_errc::bad_value);
}

TEST_CASE("num_ents that disagrees with actual_count is a bad value")
{
    auto tower = encode_tower(drsuapi, dcerpc::ndr20_syntax(), binding{"ncalrpc", "", "a"});
    const auto n = static_cast<std::uint32_t>(tower->size());
    CHECK_ERR(decode_ept_lookup_response(one_entry_stub(2, 500, 1, n, n), ndr::little_endian_ascii), codec_errc::bad_value);
}

TEST_CASE("more entries than the caller allows (num_ents > max_ents) is a limit error")
{
    const auto stub = encoded(sample_response(), ndr::little_endian_ascii, ndr20);
    decode_limits limits;
    limits.max_entries = 2;
    CHECK_ERR(decode_ept_lookup_response(stub, ndr::little_endian_ascii, ndr20, limits), codec_errc::limit_exceeded);
    limits.max_entries = 3;
    CHECK_OK(decode_ept_lookup_response(stub, ndr::little_endian_ascii, ndr20, limits));
}

TEST_CASE("a huge entry count in a small stub fails before allocating for it")
{
    ndr::writer w;
    write_context_handle(w, context_handle{});
    w.u32(0xffffffff);
    w.u32(0xffffffff);
    w.u32(0);
    w.u32(0xffffffff);
    decode_limits unlimited;
    unlimited.max_entries = SIZE_MAX;
    CHECK_ERR(decode_ept_lookup_response(w.buffer(), ndr::little_endian_ascii, ndr20, unlimited), codec_errc::truncated);
    CHECK_ERR(decode_ept_lookup_response(w.buffer(), ndr::little_endian_ascii), codec_errc::limit_exceeded);
}

TEST_CASE("tower_length beyond the stub is a truncation, beyond max_count a bad value, beyond the cap a limit")
{
    auto tower = encode_tower(drsuapi, dcerpc::ndr20_syntax(), binding{"ncalrpc", "", "a"});
    const auto n = static_cast<std::uint32_t>(tower->size());
    CHECK_ERR(decode_ept_lookup_response(one_entry_stub(1, 1, 1, 100000, 100000), ndr::little_endian_ascii),
              codec_errc::limit_exceeded);
    CHECK_ERR(decode_ept_lookup_response(one_entry_stub(1, 1, 1, n + 40, n + 40), ndr::little_endian_ascii),
              codec_errc::truncated);
    CHECK_ERR(decode_ept_lookup_response(one_entry_stub(1, 1, 1, n - 1, n), ndr::little_endian_ascii),
              codec_errc::bad_value);
}

TEST_CASE("an annotation longer than ept_max_annotation_size is a limit error")
{
    ept_lookup_response r;
    r.entries.push_back(entry(drsuapi, {"ncalrpc", "", "x"}, std::string(64, 'a'))); // 65 with the NUL
    const auto stub = encoded(r, ndr::little_endian_ascii, ndr20);
    CHECK_ERR(decode_ept_lookup_response(stub, ndr::little_endian_ascii), codec_errc::limit_exceeded);
    decode_limits generous;
    generous.max_annotation = 65;
    CHECK_OK(decode_ept_lookup_response(stub, ndr::little_endian_ascii, ndr20, generous));
}

TEST_CASE("entries sharing a full-pointer referent id share one tower; NULL towers give bare entries")
{
    auto tower = encode_tower(drsuapi, dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "10.0.0.1", "135"});
    REQUIRE_OK(tower);
    ndr::writer w;
    write_context_handle(w, context_handle{});
    w.u32(3);
    w.u32(3);
    w.u32(0);
    w.u32(3);
    for (std::uint32_t referent : {7u, 0u, 7u})
    {
        w.guid(uuid{});
        w.u32(referent);
        w.varying_string("a");
    }
    w.u32(static_cast<std::uint32_t>(tower->size()));
    w.u32(static_cast<std::uint32_t>(tower->size()));
    w.bytes(*tower);
    w.u32(ept_s_not_registered);
    auto r = decode_ept_lookup_response(w.buffer(), ndr::little_endian_ascii);
    REQUIRE_OK(r);
    REQUIRE(r->entries.size() == 3);
    CHECK(r->entries[0].tower == *tower);
    CHECK(r->entries[2].tower == *tower);
    CHECK(r->entries[1].tower.empty());
    CHECK(r->entries[1].where == binding{});
    CHECK(r->status == ept_s_not_registered);
}

TEST_CASE("a malformed tower fails the response, or is kept raw when strict_towers is off")
{
    const auto bad_tower = from_hex(malformed_tower);
    auto w = malformed_tower_stub();
    auto strict = decode_ept_lookup_response(w.buffer(), ndr::little_endian_ascii);
    CHECK_ERR(strict, codec_errc::bad_value);
    CHECK(strict.error().offset >= 40); // reported where the tower sits in the stub
    decode_limits lenient;
    lenient.strict_towers = false;
    auto kept = decode_ept_lookup_response(w.buffer(), ndr::little_endian_ascii, ndr20, lenient);
    REQUIRE_OK(kept);
    CHECK(kept->entries[0].annotation == "odd");
    CHECK(kept->entries[0].tower == bad_tower);
    CHECK(kept->entries[0].where == binding{});
}

TEST_CASE("a non-zero array offset is a bad value")
{
    auto stub = one_entry_stub(1, 1, 1, 10, 10);
    stub[28] = std::byte{1}; // the offset after max_count
    CHECK_ERR(decode_ept_lookup_response(stub, ndr::little_endian_ascii), codec_errc::bad_value);
}

TEST_CASE("status names cover the ept_s_* family")
{
    CHECK(ept_status_name(ept_s_not_registered) == "ept_s_not_registered");
    CHECK(ept_status_name(0) == "rpc_s_ok");
    CHECK(ept_status_name(ept_s_invalid_context) == "ept_s_invalid_context");
    CHECK(ept_status_name(0x1c010002).empty());
}

namespace {

// The owning entries of a page read again from where check() found each entry.
std::vector<endpoint_entry> stored_page(std::span<const std::byte> stub, ndr::drep rep, ndr::transfer_syntax syntax,
                                        const decode_limits& limits)
{
    lookup_view_decoder arrival;
    auto checked = arrival.check(stub, rep, syntax, limits);
    REQUIRE_OK(checked);
    REQUIRE(arrival.offsets().size() == checked->entries.size());
    const std::vector<entry_offsets> kept(arrival.offsets().begin(), arrival.offsets().end());
    lookup_view_decoder later;
    auto views = later.views(stub, rep, syntax, limits, kept);
    REQUIRE_OK(views);
    std::vector<endpoint_entry> out;
    for (const auto& v : *views) out.push_back(to_entry(v));
    return out;
}

} // namespace

TEST_CASE("a stored page read again from its arrival offsets gives the entries a full decode gives")
{
    decode_limits lenient;
    lenient.strict_towers = false;
    std::size_t pages = 0;
    for (const char* pcap : {"samba-ad-dc-rpcdump.pcap", "samba-standalone-rpcdump-maxents10.pcap"})
        for (const auto& call : lookups(pcap))
        {
            auto full = decode_ept_lookup_response(call.response_stub, call.response_rep, ndr20, lenient);
            REQUIRE_OK(full);
            CHECK(stored_page(call.response_stub, call.response_rep, ndr20, lenient) == full->entries);
            ++pages;
        }
    CHECK(pages > 2);
    // Every encoding, shared and NULL towers among them.
    auto response = sample_response();
    response.entries.push_back(response.entries[0]);
    response.entries.back().tower.clear();
    response.entries.back().where = {};
    response.entries.back().interface = {};
    response.entries.back().transfer_syntax.reset();
    for (const auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii, ebcdic_big})
        for (const auto syntax : {ndr20, ndr64})
            for (const auto& limits : {decode_limits{}, lenient})
            {
                const auto stub = encoded(response, rep, syntax);
                CHECK(stored_page(stub, rep, syntax, limits) == response.entries);
            }
}

TEST_CASE("a malformed tower kept raw on arrival is kept raw when the stored page is read again")
{
    const auto bad_tower = from_hex(malformed_tower);
    auto w = malformed_tower_stub();
    decode_limits lenient;
    lenient.strict_towers = false;
    const auto entries = stored_page(w.buffer(), ndr::little_endian_ascii, ndr20, lenient);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].annotation == "odd");
    CHECK(entries[0].tower == bad_tower);
    CHECK(entries[0].where == binding{});
}

TEST_CASE("offsets that do not fit the stub are an error, not a read outside it")
{
    const auto stub = encoded(sample_response(), ndr::little_endian_ascii, ndr20);
    lookup_view_decoder d;
    REQUIRE_OK(d.check(stub, ndr::little_endian_ascii, ndr20, {}));
    std::vector<entry_offsets> at(d.offsets().begin(), d.offsets().end());
    REQUIRE(at.size() == 3);
    auto wrong = at;
    wrong[1].tower_size = static_cast<std::uint32_t>(stub.size());
    CHECK_ERR(d.views(stub, ndr::little_endian_ascii, ndr20, {}, wrong), codec_errc::bad_value);
    wrong = at;
    wrong[2].object = 0xFFFFFFF0u;
    CHECK_ERR(d.views(stub, ndr::little_endian_ascii, ndr20, {}, wrong), codec_errc::bad_value);
    CHECK(d.views(stub, ndr::little_endian_ascii, ndr20, {}, at).has_value());
}

TEST_CASE("a cut or bad field is reported where it starts, whether it sits in a whole fixed block or not")
{
    // Layout: handle 0-19, num_ents 20, array header 24-35, object 36-51, tower pointer 52,
    // annotation offset 56, actual_count 60, "x\0" 64-65, pad, tower max_count 68, length 72.
    const auto stub = one_entry_stub(1, 1, 1, 10, 10);
    for (std::size_t cut = 0; cut < stub.size(); ++cut)
    {
        auto p = decode_ept_lookup_response(std::span(stub).first(cut), ndr::little_endian_ascii);
        REQUIRE_FALSE(p.has_value());
        CHECK(p.error().code == codec_errc::truncated);
        CHECK(p.error().offset <= cut);
    }
    // Cut in the entry: refused at the entries (36) before reading one; cut in the tower's
    // block: at the count or length cut.
    for (const auto& [cut, at] : {std::pair{54u, 36u}, {62u, 36u}, {70u, 68u}, {74u, 72u}})
    {
        auto p = decode_ept_lookup_response(std::span(stub).first(cut), ndr::little_endian_ascii);
        CHECK_ERR(p, codec_errc::truncated);
        CHECK(p.error().offset == at);
    }
    // tower_length beyond max_count, read in one block: at tower_length.
    auto r = decode_ept_lookup_response(one_entry_stub(1, 1, 1, 4, 10), ndr::little_endian_ascii);
    CHECK_ERR(r, codec_errc::bad_value);
    CHECK(r.error().offset == 72);
    // A non-zero annotation offset inside a whole block: at the offset field.
    auto odd = one_entry_stub(1, 1, 1, 10, 10);
    odd[56] = std::byte{1};
    auto e = decode_ept_lookup_response(odd, ndr::little_endian_ascii);
    CHECK_ERR(e, codec_errc::bad_value);
    CHECK(e.error().offset == 56);
}
