// Hostile input: every prefix of every real stub, and seeded random damage, must end in a
// value or a typed codec_error - never a crash, a hang or a read past the span (run under
// EPMDUMP_SANITIZE=ON to have the last one checked).
#include "capture_calls.hpp"
#include "support/codec_checks.hpp"
#include "support/test_files.hpp"

#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_lookup_handle_free.hpp>
#include <epmdump/epm/ept_map.hpp>
#include <epmdump/epm/tower.hpp>

#include <doctest/doctest.h>

#include <random>
#include <vector>

using namespace epmdump;
using namespace epmdump::epm;

namespace {

struct sample
{
    std::uint16_t opnum;
    bool response;
    ndr::drep rep;
    ndr::transfer_syntax syntax;
    std::vector<std::byte> stub;
};

std::vector<sample> real_stubs()
{
    std::vector<sample> out;
    for (const char* pcap : {"samba-ad-dc-rpcdump.pcap", "samba-ad-dc-rpcdump-maxents10.pcap",
                             "samba-standalone-rpcdump.pcap", "samba-standalone-rpcdump-maxents10.pcap"})
        for (auto& c : test::read_captured_calls(test::project_pcap(pcap)))
        {
            const auto syntax = c.ndr64 ? ndr::transfer_syntax::ndr64 : ndr::transfer_syntax::ndr20;
            out.push_back({c.opnum, false, c.request_rep, syntax, c.request_stub});
            if (c.has_response) out.push_back({c.opnum, true, c.response_rep, syntax, c.response_stub});
        }
    // map and handle_free have no Samba capture: use our own encodings of realistic values
    const syntax_id drsuapi{*parse_uuid("e3514235-4b06-11d1-ab04-00c04fc2dcd2"), 4, 0};
    auto map = make_ept_map_request(drsuapi, "ncacn_ip_tcp");
    REQUIRE_OK(map);
    for (auto syntax : {ndr::transfer_syntax::ndr20, ndr::transfer_syntax::ndr64})
    {
        ndr::writer req(ndr::little_endian_ascii, syntax);
        encode_ept_map_request(*map, req);
        out.push_back({opnum_ept_map, false, ndr::little_endian_ascii, syntax, req.take()});
        ept_map_response resp;
        endpoint_entry e;
        e.tower = map->map_tower.value();
        resp.towers = {e, e};
        ndr::writer rw(ndr::little_endian_ascii, syntax);
        encode_ept_map_response(resp, rw);
        out.push_back({opnum_ept_map, true, ndr::little_endian_ascii, syntax, rw.take()});
        ndr::writer hf(ndr::little_endian_ascii, syntax);
        encode_ept_lookup_handle_free_response({context_handle{1, uuid{}}, 0}, hf);
        out.push_back({opnum_ept_lookup_handle_free, true, ndr::little_endian_ascii, syntax, hf.take()});
    }
    return out;
}

// Runs the decoder for `s` over `bytes`; true when it produced a value.
bool decode(const sample& s, std::span<const std::byte> bytes)
{
    auto check = [&](const auto& r) {
        if (!r.has_value())
        {
            CHECK(r.error().offset <= bytes.size());
            CHECK(r.error().code != codec_errc{});
        }
        return r.has_value();
    };
    switch (s.opnum)
    {
    case opnum_ept_lookup:
        return s.response ? check(decode_ept_lookup_response(bytes, s.rep, s.syntax))
                          : check(decode_ept_lookup_request(bytes, s.rep, s.syntax));
    case opnum_ept_map:
        return s.response ? check(decode_ept_map_response(bytes, s.rep, s.syntax))
                          : check(decode_ept_map_request(bytes, s.rep, s.syntax));
    default:
        return s.response ? check(decode_ept_lookup_handle_free_response(bytes, s.rep, s.syntax))
                          : check(decode_ept_lookup_handle_free_request(bytes, s.rep, s.syntax));
    }
}

} // namespace

TEST_CASE("every prefix of every real stub decodes to a value or a typed error")
{
    const auto samples = real_stubs();
    REQUIRE(samples.size() > 20);
    std::size_t prefixes = 0;
    for (const auto& s : samples)
    {
        CHECK(decode(s, s.stub)); // the whole stub is fine
        test::for_each_prefix(s.stub, [&](std::span<const std::byte> cut) {
            CHECK_FALSE(decode(s, cut)); // every field up to status is needed
            ++prefixes;
        });
    }
    MESSAGE("prefixes decoded: " << prefixes);
}

TEST_CASE("seeded random damage to real stubs never crashes the decoders")
{
    const auto samples = real_stubs();
    std::mt19937 rng(20261124); // fixed seed: a failure reproduces
    std::size_t values = 0, errors = 0;
    for (const auto& s : samples)
        for (int round = 0; round < 300; ++round)
        {
            auto damaged = s.stub;
            test::damage(damaged, rng);
            const test::exact_bytes input(damaged);
            (decode(s, input.span()) ? values : errors)++;
        }
    MESSAGE("damaged stubs: " << values << " decoded, " << errors << " typed errors");
    CHECK(values + errors == samples.size() * 300);
    CHECK(errors > 0);
}

TEST_CASE("randomly damaged towers decode or fail cleanly")
{
    const syntax_id iface{*parse_uuid("12345778-1234-abcd-ef00-0123456789ac"), 1, 0};
    std::vector<std::vector<std::byte>> towers;
    for (const binding& b : {binding{"ncacn_ip_tcp", "10.0.0.1", "49664"}, binding{"ncacn_np", "\\\\H", "\\PIPE\\lsass"},
                             binding{"ncalrpc", "", "samss lpc"}, binding{"ncacn_http", "10.0.0.1", "593"}})
    {
        auto t = encode_tower(iface, dcerpc::ndr20_syntax(), b);
        REQUIRE_OK(t);
        towers.push_back(*t);
    }
    std::mt19937 rng(926210);
    std::size_t decoded = 0, failed = 0;
    for (int round = 0; round < 20000; ++round)
    {
        auto tower = towers[rng() % towers.size()];
        for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k)
        {
            const std::size_t at = rng() % tower.size();
            if (rng() % 5 == 0) tower.resize(at);
            else tower[at] = static_cast<std::byte>(rng());
            if (tower.empty()) break;
        }
        auto t = decode_tower(tower);
        if (t) ++decoded;
        else
        {
            ++failed;
            CHECK(t.error().offset <= tower.size());
        }
    }
    MESSAGE("damaged towers: " << decoded << " decoded, " << failed << " typed errors");
    CHECK(decoded > 0);
    CHECK(failed > 0);
}
