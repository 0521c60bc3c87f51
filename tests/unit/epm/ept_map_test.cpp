// ept_map (opnum 3) and ept_lookup_handle_free (opnum 4).
#include "capture_calls.hpp"
#include "test_syntaxes.hpp"
#include "support/test_files.hpp"
#include "support/codec_checks.hpp"

#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup_handle_free.hpp>
#include <epmdump/epm/ept_map.hpp>
#include <epmdump/epm/ept_status.hpp>
#include <epmdump/epm/tower.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::epm;
using test::from_hex;
using test::drsuapi;
using test::emsmdb;
using test::ndr20;
using test::ndr64;

namespace {

endpoint_entry tower_entry(const syntax_id& iface, binding where)
{
    endpoint_entry e;
    e.interface = iface;
    e.transfer_syntax = dcerpc::ndr20_syntax();
    e.where = std::move(where);
    auto tower = encode_tower(iface, dcerpc::ndr20_syntax(), e.where);
    REQUIRE_OK(tower);
    e.tower = std::move(*tower);
    return e;
}

} // namespace

TEST_CASE("make_ept_map_request builds the request a Windows client sends for DRSUAPI over NDR64")
{
    auto request = make_ept_map_request(drsuapi, "ncacn_ip_tcp");
    REQUIRE_OK(request);
    ndr::writer w(ndr::little_endian_ascii, ndr64);
    encode_ept_map_request(*request, w);
    // Layout checked byte by byte against mimikatz/Windows' NDR64 ept_map request (capture in
    // ../shared): referent 1 + nil object, referent 2, max_count 75 (u64), tower_length 75,
    // tower, pad, null handle, max_towers 4.
    const auto& b = w.buffer();
    REQUIRE(b.size() == 144);
    CHECK(b[0] == std::byte{1});
    CHECK(b[24] == std::byte{2});
    CHECK(b[32] == std::byte{75});
    CHECK(b[40] == std::byte{75});
    CHECK(b[140] == std::byte{4});
    auto back = decode_ept_map_request(b, ndr::little_endian_ascii, ndr64);
    REQUIRE_OK(back);
    CHECK(*back == *request);
    auto tower = decode_tower(back->map_tower.value());
    REQUIRE_OK(tower);
    CHECK(to_string(tower->where) == "ncacn_ip_tcp:0.0.0.0[0]");
    CHECK(tower->interface == drsuapi);
}

TEST_CASE("make_ept_map_request equals the Windows request bytes in the NDR64 capture")
{
    auto capture = test::shared_file("pcaps/ndr64-ept-map-not-registered-ntlm-alter-context.pcapng");
    if (!capture) EPMDUMP_SKIP("../shared/pcaps is absent (capture not copyable into the project)");
    // Windows names port 135 in its map tower (impacket and mimikatz send 0).
    ept_map_request request;
    auto tower = encode_tower(drsuapi, dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "0.0.0.0", "135"});
    REQUIRE_OK(tower);
    request.map_tower = *tower;
    ndr::writer w(ndr::little_endian_ascii, ndr64);
    encode_ept_map_request(request, w);
    int compared = 0;
    for (const auto& call : test::read_captured_calls(*capture))
    {
        if (call.opnum != opnum_ept_map || call.abstract_syntax != ept_interface().id) continue;
        auto captured = decode_ept_map_request(call.request_stub, call.request_rep, ndr64);
        REQUIRE_OK(captured);
        auto t = decode_tower(*captured->map_tower);
        REQUIRE_OK(t);
        if (t->where.host != "0.0.0.0") continue; // the other calls name the workstation's address
        CHECK(w.buffer() == call.request_stub);
        ++compared;
    }
    CHECK(compared == 1);
}

TEST_CASE("make_ept_map_request covers np, lrpc and http and refuses the rest")
{
    for (std::string_view protseq : {"ncacn_np", "ncalrpc", "ncacn_http", "ncadg_ip_udp"})
    {
        auto request = make_ept_map_request(emsmdb, protseq, 8);
        REQUIRE_OK(request);
        CHECK(request->max_towers == 8);
        auto t = decode_tower(request->map_tower.value());
        REQUIRE_OK(t);
        CHECK(t->where.protseq == protseq);
        CHECK(t->interface == emsmdb);
    }
    CHECK_ERR(make_ept_map_request(emsmdb, "ncacn_at_dsp"), codec_errc::unsupported);
}

TEST_CASE("ept_map requests round-trip in every encoding, NULL object and NULL tower included")
{
    auto full = make_ept_map_request(emsmdb, "ncacn_ip_tcp");
    REQUIRE_OK(full);
    full->entry_handle = context_handle{0, *parse_uuid("3174a2e0-0000-4000-8000-00aa00bb00cc")};
    ept_map_request bare;
    bare.object.reset();
    for (const auto& request : {*full, bare})
        for (const auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii})
            for (const auto syntax : {ndr20, ndr64})
            {
                ndr::writer w(rep, syntax);
                encode_ept_map_request(request, w);
                auto back = decode_ept_map_request(w.buffer(), rep, syntax);
                REQUIRE_OK(back);
                CHECK(*back == request);
            }
}

TEST_CASE("ept_map responses round-trip in every encoding")
{
    ept_map_response r;
    r.entry_handle = context_handle{0, *parse_uuid("3174a2e0-0000-4000-8000-00aa00bb00cc")};
    r.towers.push_back(tower_entry(emsmdb, {"ncacn_ip_tcp", "192.168.0.2", "1032"}));
    r.towers.push_back(tower_entry(emsmdb, {"ncacn_http", "192.168.0.2", "6001"}));
    r.num_towers = 2;
    for (const auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii})
        for (const auto syntax : {ndr20, ndr64})
        {
            ndr::writer w(rep, syntax);
            encode_ept_map_response(r, w);
            auto back = decode_ept_map_response(w.buffer(), rep, syntax);
            REQUIRE_OK(back);
            CHECK(*back == r);
        }
}

TEST_CASE("an NDR64 ept_map answer of ept_s_not_registered has zero towers")
{
    // The shape Windows sends (see the NDR64 capture): null handle, 0 towers, max 4, status.
    ept_map_response none;
    none.status = ept_s_not_registered;
    ndr::writer w(ndr::little_endian_ascii, ndr64);
    encode_ept_map_response(none, w);
    CHECK(w.size() == 52);
    auto back = decode_ept_map_response(w.buffer(), ndr::little_endian_ascii, ndr64);
    REQUIRE_OK(back);
    CHECK(back->towers.empty());
    CHECK(back->status == ept_s_not_registered);
    // the same stub read as NDR 2.0 is not that answer
    auto wrong = decode_ept_map_response(w.buffer(), ndr::little_endian_ascii, ndr20);
    CHECK((!wrong.has_value() || wrong->status != ept_s_not_registered));
}

TEST_CASE("ept_map responses with lying counts are typed errors")
{
    ept_map_response r;
    r.towers.push_back(tower_entry(emsmdb, {"ncacn_ip_tcp", "192.168.0.2", "1032"}));
    ndr::writer w;
    encode_ept_map_response(r, w, 4);
    auto stub = w.take();
    SUBCASE("num_towers above actual_count") { stub[20] = std::byte{2}; }
    SUBCASE("actual_count above max_count") { stub[32] = std::byte{5}; }
    SUBCASE("tower_length beyond the stub") { stub[44] = std::byte{0xff}; stub[40] = std::byte{0xff}; }
    auto result = decode_ept_map_response(stub, ndr::little_endian_ascii);
    REQUIRE_FALSE(result.has_value());
    CHECK((result.error().code == codec_errc::bad_value || result.error().code == codec_errc::truncated));
}

TEST_CASE("ept_map refuses more towers than the caller allows")
{
    ept_map_response r;
    for (int i = 0; i < 3; ++i) r.towers.push_back(tower_entry(emsmdb, {"ncacn_ip_tcp", "1.2.3.4", std::to_string(1000 + i)}));
    ndr::writer w;
    encode_ept_map_response(r, w);
    decode_limits limits;
    limits.max_entries = 2;
    CHECK_ERR(decode_ept_map_response(w.buffer(), ndr::little_endian_ascii, ndr20, limits), codec_errc::limit_exceeded);
}

TEST_CASE("ept_lookup_handle_free sends the 20-byte handle and reads handle + status back")
{
    const context_handle h{0, *parse_uuid("696b0783-1111-4222-8333-444455556666")};
    for (const auto rep : {ndr::little_endian_ascii, ndr::big_endian_ascii})
        for (const auto syntax : {ndr20, ndr64})
        {
            ndr::writer req(rep, syntax);
            encode_ept_lookup_handle_free_request(h, req);
            CHECK(req.size() == 20);
            auto back = decode_ept_lookup_handle_free_request(req.buffer(), rep, syntax);
            REQUIRE_OK(back);
            CHECK(*back == h);

            ndr::writer resp(rep, syntax);
            encode_ept_lookup_handle_free_response({context_handle{}, 0}, resp);
            CHECK(resp.size() == 24);
            auto freed = decode_ept_lookup_handle_free_response(resp.buffer(), rep, syntax);
            REQUIRE_OK(freed);
            CHECK(freed->entry_handle.is_null());
            CHECK(freed->status == 0);
        }
    CHECK_ERR(decode_ept_lookup_handle_free_response(from_hex("00000000"), ndr::little_endian_ascii), codec_errc::truncated);
}

TEST_CASE("context handles: null test, hex form as tshark prints it")
{
    CHECK(context_handle{}.is_null());
    CHECK_FALSE((context_handle{1, uuid{}}.is_null()));
    const context_handle h{0, *parse_uuid("3b5ffc7c-b092-4475-a3e3-e4d53df481df")};
    CHECK_FALSE(h.is_null());
    CHECK(to_hex(h) == "000000007cfc5f3b92b07544a3e3e4d53df481df");
    CHECK(ept_interface().major == 3);
    CHECK(to_string(ept_interface().id) == "e1af8308-5d1f-11c9-91a4-08002b14a0fa");
}
