// Towers (C706 App. L): floors, protseq rules, string bindings, the ept_map tower encoder.
#include "capture_calls.hpp"
#include "support/test_files.hpp"
#include "support/codec_checks.hpp"

#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/tower.hpp>

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using namespace epmdump;
using namespace epmdump::epm;
using test::from_hex;

namespace {

const syntax_id nspi{*parse_uuid("f5cc5a18-4264-101a-8c59-08002b2f8426"), 56, 0};

std::vector<std::byte> text_bytes(std::string_view s, bool nul = true)
{
    std::vector<std::byte> v;
    for (char c : s) v.push_back(static_cast<std::byte>(c));
    if (nul) v.push_back(std::byte{0});
    return v;
}

// Floors 1-3 of an NSPI tower over RPC protocol `rpc`, followed by `address` floors.
std::vector<std::byte> tower_with(std::uint8_t rpc, const std::vector<std::pair<std::uint8_t, std::vector<std::byte>>>& address)
{
    auto base = encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncalrpc", "", "x"});
    REQUIRE(base.has_value());
    auto floors = decode_floors(*base);
    REQUIRE(floors.has_value());
    std::vector<tower_floor> out(floors->begin(), floors->begin() + 3);
    out[2].protocol_id = rpc;
    for (const auto& [id, rhs] : address) out.push_back(tower_floor{id, {}, rhs});
    return encode_floors(out);
}

binding where_of(std::span<const std::byte> tower)
{
    auto t = decode_tower(tower);
    REQUIRE_OK(t);
    return t->where;
}

// The entries of the Samba AD DC capture: real towers of four protseqs.
std::vector<endpoint_entry> samba_entries()
{
    std::vector<endpoint_entry> all;
    for (const auto& call : test::read_captured_calls(test::project_pcap("samba-ad-dc-rpcdump.pcap")))
    {
        if (call.opnum != opnum_ept_lookup || !call.has_response) continue;
        auto r = decode_ept_lookup_response(call.response_stub, call.response_rep);
        REQUIRE_OK(r);
        all.insert(all.end(), r->entries.begin(), r->entries.end());
    }
    return all;
}

} // namespace

TEST_CASE("tower floors re-encode to the server's exact octets")
{
    const auto entries = samba_entries();
    REQUIRE(entries.size() == 53);
    for (const auto& e : entries)
    {
        auto floors = decode_floors(e.tower);
        REQUIRE_OK(floors);
        CHECK(encode_floors(*floors) == e.tower);
    }
}

TEST_CASE("tower floor count and LHS/RHS lengths are little-endian and ports big-endian")
{
    // 5 floors; TCP port 0x0087 = 135 stored big-endian in a little-endian-counted RHS
    const auto tower = from_hex("0500"
                                "1300 0d 185accf564421a108c5908002b2f8426 3800 0200 0000"
                                "1300 0d 045d888aeb1cc9119fe808002b104860 0200 0200 0000"
                                "0100 0b 0200 0000"
                                "0100 07 0200 0087"
                                "0100 09 0400 c0a80002");
    auto t = decode_tower(tower);
    REQUIRE_OK(t);
    CHECK(t->interface == nspi);
    CHECK(t->transfer_syntax == dcerpc::ndr20_syntax());
    CHECK(to_string(t->where) == "ncacn_ip_tcp:192.168.0.2[135]");
    REQUIRE(t->floors.size() == 5);
    CHECK(t->floors[3].protocol_id == protocol_id::tcp);
}

TEST_CASE("encode_tower builds towers that decode back to the same binding for every supported protseq")
{
    const binding cases[] = {
        {"ncacn_ip_tcp", "10.0.2.16", "49664"}, {"ncacn_ip_tcp", "0.0.0.0", "0"},
        {"ncadg_ip_udp", "10.1.2.3", "1029"},   {"ncacn_http", "192.168.0.2", "593"},
        {"ncacn_np", "\\\\MSEDGEWIN10", "\\PIPE\\InitShutdown"}, {"ncacn_np", "", "\\pipe\\epmapper"},
        {"ncalrpc", "", "WindowsShutdown"},
    };
    for (const auto& b : cases)
    {
        INFO(to_string(b));
        auto tower = encode_tower(nspi, dcerpc::ndr64_syntax(), b);
        REQUIRE_OK(tower);
        auto t = decode_tower(*tower);
        REQUIRE_OK(t);
        CHECK(t->interface == nspi);
        CHECK(t->transfer_syntax == dcerpc::ndr64_syntax());
        CHECK(t->where == b);
    }
}

TEST_CASE("the ept_map request tower matches what Windows clients send: port 0, 0.0.0.0, NDR in floor 2")
{
    auto tower = encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "", ""});
    REQUIRE_OK(tower);
    // floors as tshark shows the Exchange client's request tower (port 135 there, 0 here)
    CHECK(*tower == from_hex("0500"
                             "13000d185accf564421a108c5908002b2f8426380002000000"
                             "13000d045d888aeb1cc9119fe808002b104860020002000000"
                             "01000b02000000"
                             "01000702000000"
                             "010009040000000000"));
}

TEST_CASE("encode_tower refuses protseqs it cannot build and endpoints that do not parse")
{
    CHECK_ERR(encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncacn_vns_spp", "", "1"}), codec_errc::unsupported);
    CHECK_ERR(encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "", "65536"}), codec_errc::bad_value);
    CHECK_ERR(encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "", "http"}), codec_errc::bad_value);
    CHECK_ERR(encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "fe80::1", "135"}), codec_errc::bad_value);
    CHECK_ERR(encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "1.2.3.256", "135"}), codec_errc::bad_value);
    CHECK_ERR(encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "1.2.3", "135"}), codec_errc::bad_value);
}

TEST_CASE("a tower with 65535 floors is refused with a typed error, 64 floors are fine")
{
    std::vector<std::byte> huge{std::byte{0xff}, std::byte{0xff}};
    for (int i = 0; i < 65535; ++i)
        for (auto b : from_hex("0100 21 0000")) huge.push_back(b);
    CHECK_ERR(decode_floors(huge), codec_errc::limit_exceeded);
    CHECK_ERR(decode_tower(huge), codec_errc::limit_exceeded);

    auto base = encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncacn_ip_tcp", "1.2.3.4", "135"});
    REQUIRE_OK(base);
    auto floors = decode_floors(*base);
    REQUIRE_OK(floors);
    const auto null_rhs = from_hex("00");
    while (floors->size() < max_tower_floors) floors->push_back(tower_floor{protocol_id::null_protocol, {}, null_rhs});
    auto t = decode_tower(encode_floors(*floors));
    REQUIRE_OK(t);
    CHECK(t->floors.size() == 64);
    CHECK(to_string(t->where) == "ncacn_ip_tcp:1.2.3.4[135]"); // extra floors change nothing
}

TEST_CASE("every cut of a tower is a truncation error, never a read past the end")
{
    auto tower = encode_tower(nspi, dcerpc::ndr20_syntax(), binding{"ncacn_np", "\\\\HOST", "\\PIPE\\lsass"});
    REQUIRE_OK(tower);
    test::for_each_prefix(*tower, [](std::span<const std::byte> cut) {
        auto t = decode_tower(cut);
        REQUIRE_FALSE(t.has_value());
        CHECK(t.error().code == codec_errc::truncated);
        CHECK(t.error().offset <= cut.size());
    });
}

TEST_CASE("malformed interface and transfer syntax floors are bad values")
{
    CHECK_ERR(decode_tower(from_hex("0000")), codec_errc::bad_value);                 // no floor at all
    CHECK_ERR(decode_tower(from_hex("0100 0000 0000")), codec_errc::bad_value);       // LHS without id
    CHECK_ERR(decode_tower(from_hex("0100 0100 07 0200 0087")), codec_errc::bad_value); // floor 1 not a UUID
    CHECK_ERR(decode_tower(from_hex("0100 0300 0d 0102 0200 0000")), codec_errc::bad_value); // short UUID
    CHECK_ERR(decode_tower(from_hex("0200 13000d185accf564421a108c5908002b2f8426380002000000 0100 0b 0200 0000")),
              codec_errc::bad_value); // floor 2 is not a transfer syntax
}

TEST_CASE("unknown floors are kept and named like impacket, never rejected")
{
    auto tower = tower_with(protocol_id::rpc_co, {{0x21, from_hex("00")}, {0x42, from_hex("beef")}});
    auto t = decode_tower(tower);
    REQUIRE_OK(t);
    CHECK(t->floors.size() == 5);
    CHECK(t->where.protseq == "unknown_proto_0x21");
    CHECK(t->where.endpoint == "00");
    CHECK(t->floors[4].protocol_id == 0x42);
    CHECK(t->floors[4].rhs.size() == 2);
    // a tower that stops after the RPC floor names no address at all
    auto short_tower = decode_floors(tower);
    REQUIRE_OK(short_tower);
    short_tower->resize(3);
    CHECK(where_of(encode_floors(*short_tower)) == binding{});
}

TEST_CASE("an ncacn_http tower whose floor 5 is protocol 0x20 renders as tshark's oracle does")
{
    // Exchange 2003 registers NSPI over RPC/HTTP with floor 5 = 0x20 and four address bytes.
    auto tower = tower_with(protocol_id::rpc_co, {{protocol_id::http, from_hex("1388")},
                                                  {protocol_id::unix_domain, from_hex("c0a80002")}});
    auto t = decode_tower(tower);
    REQUIRE_OK(t);
    CHECK(to_string(t->where) == "ncacn_http:[5000]");
    CHECK(t->floors[4].protocol_id == 0x20);
    CHECK(to_string(with_connected_host(t->where, "192.168.0.2")) == "ncacn_http:192.168.0.2[5000]");
}

TEST_CASE("protseq names follow floors 3-5 for every transport family")
{
    using namespace protocol_id;
    struct expectation
    {
        std::uint8_t rpc;
        std::vector<std::pair<std::uint8_t, std::vector<std::byte>>> floors;
        std::string binding;
    };
    const expectation cases[] = {
        {rpc_cl, {{udp, from_hex("0405")}, {ip, from_hex("0a000001")}}, "ncadg_ip_udp:10.0.0.1[1029]"},
        {lrpc, {{lrpc_endpoint, text_bytes("LRPC-0a1b")}}, "ncalrpc:[LRPC-0a1b]"},
        {rpc_co, {{lrpc_endpoint, text_bytes("OLE1234")}}, "ncalrpc:[OLE1234]"},
        {rpc_co, {{named_pipe, text_bytes("\\PIPE\\lsass")}, {netbios, text_bytes("\\\\DC01")}},
         "ncacn_np:\\\\DC01[\\PIPE\\lsass]"},
        {rpc_co, {{lrpc, from_hex("0021")}, {uuid_floor, from_hex("0000000100a0c9123456")}},
         "ncacn_spx:~0000000100A0C9123456[33]"},
        {rpc_cl, {{ipx, from_hex("0022")}, {uuid_floor, from_hex("00000001")}}, "ncadg_ipx:~00000001[34]"},
        {rpc_co, {{netbeui, text_bytes("135")}, {ip, from_hex("0a000002")}}, "ncacn_nb_tcp:10.0.0.2[135]"},
        {rpc_co, {{netbeui, text_bytes("135")}, {netware_spx, text_bytes("HOST")}}, "ncacn_nb_nb:HOST[135]"},
        {rpc_co, {{appletalk, text_bytes("Zone")}, {appletalk_stream, text_bytes("ep")}}, "ncacn_at_dsp:Zone[ep]"},
        {rpc_cl, {{appletalk, text_bytes("Zone")}, {appletalk_datagram, text_bytes("ep")}}, "ncadg_at_ddp:Zone[ep]"},
        {rpc_co, {{streettalk, text_bytes("srv@grp")}, {vines_spp, from_hex("0202")}}, "ncacn_vns_spp:srv@grp[514]"},
        {rpc_co, {{streettalk, text_bytes("srv@grp")}, {vines_ipc, from_hex("0203")}}, "ncacn_vns_ipc:srv@grp[515]"},
        {rpc_co, {{unix_domain, text_bytes("/run/rpc.sock")}}, "ncacn_unix_stream:[/run/rpc.sock]"},
        {rpc_cl, {{unix_domain, text_bytes("/run/rpc.dg")}}, "ncadg_unix_dgram:[/run/rpc.dg]"},
        {rpc_co, {{dna_nsp, text_bytes("RPC")}, {osi_clns, from_hex("aa00")}}, "ncacn_dnet_nsp:aa00[RPC]"},
    };
    for (const auto& c : cases)
    {
        INFO(c.binding);
        CHECK(to_string(where_of(tower_with(c.rpc, c.floors))) == c.binding);
    }
}

TEST_CASE("odd RHS sizes in known floors render best-effort instead of failing")
{
    using namespace protocol_id;
    // a 3-byte port and a 6-byte "IPv4" address: shown as hex, the entry survives
    auto t = decode_tower(tower_with(rpc_co, {{tcp, from_hex("008700")}, {ip, from_hex("c0a800020000")}}));
    REQUIRE_OK(t);
    CHECK(t->where.protseq == "ncacn_ip_tcp");
    CHECK(t->where.endpoint == "008700");
    CHECK(t->where.host == "c0a800020000");
    // a string floor without its NUL keeps all its characters
    CHECK(where_of(tower_with(lrpc, {{lrpc_endpoint, text_bytes("abc", false)}})).endpoint == "abc");
}

TEST_CASE("with_connected_host fills 0.0.0.0 and empty hosts of IP protseqs only")
{
    CHECK(to_string(with_connected_host({"ncacn_ip_tcp", "0.0.0.0", "49153"}, "10.200.0.2")) ==
          "ncacn_ip_tcp:10.200.0.2[49153]");
    CHECK(to_string(with_connected_host({"ncacn_ip_tcp", "0.0.0.0", "49153"}, "fe80::1")) == "ncacn_ip_tcp:fe80::1[49153]");
    CHECK(to_string(with_connected_host({"ncadg_ip_udp", "", "1029"}, "10.0.0.9")) == "ncadg_ip_udp:10.0.0.9[1029]");
    CHECK(to_string(with_connected_host({"ncacn_ip_tcp", "10.0.2.16", "135"}, "10.0.0.9")) == "ncacn_ip_tcp:10.0.2.16[135]");
    CHECK(to_string(with_connected_host({"ncalrpc", "", "EPMAPPER"}, "10.0.0.9")) == "ncalrpc:[EPMAPPER]");
    CHECK(to_string(with_connected_host({"ncacn_np", "", "\\pipe\\lsass"}, "10.0.0.9")) == "ncacn_np:[\\pipe\\lsass]");
}

TEST_CASE("the Samba towers name the four protseqs tshark saw, with substitutable 0.0.0.0 hosts")
{
    std::map<std::string, int> seen;
    for (const auto& e : samba_entries())
    {
        ++seen[e.where.protseq];
        if (e.where.protseq == "ncacn_ip_tcp" || e.where.protseq == "ncacn_http") CHECK(e.where.host == "0.0.0.0");
    }
    CHECK(seen.size() == 4);
    CHECK(seen.count("ncacn_np") == 1);
    CHECK(seen.count("ncalrpc") == 1);
    CHECK(seen.count("ncacn_ip_tcp") == 1);
    CHECK(seen.count("ncacn_http") == 1);
}

TEST_CASE("protocol ids have names for every id Wireshark's EPM dissector knows")
{
    for (std::uint8_t id : {0x00, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
                            0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x21, 0x22})
        CHECK_FALSE(protocol_id_name(id).empty());
    CHECK(protocol_id_name(0x42).empty());
}
