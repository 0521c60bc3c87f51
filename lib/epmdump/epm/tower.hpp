#pragma once
// Protocol towers (C706 App. L): the octet string inside twr_t that says how to reach an interface.
// A tower is NOT NDR: its floor count and every LHS/RHS length are little-endian whatever the
// PDU's drep; ports and IPv4 addresses inside an RHS are big-endian (network order).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/epm/endpoint.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::epm {

// Floor protocol identifiers (C706 App. I, [MS-RPCE] 2.1, Wireshark's EPM dissector).
namespace protocol_id {
inline constexpr std::uint8_t osi_oid = 0x00;
inline constexpr std::uint8_t netbios_old = 0x01; // impacket treats it like 0x11
inline constexpr std::uint8_t dna_session_control = 0x02;
inline constexpr std::uint8_t dna_session_control_v3 = 0x03;
inline constexpr std::uint8_t dna_nsp = 0x04;
inline constexpr std::uint8_t osi_tp4 = 0x05;
inline constexpr std::uint8_t osi_clns = 0x06;
inline constexpr std::uint8_t tcp = 0x07;
inline constexpr std::uint8_t udp = 0x08;
inline constexpr std::uint8_t ip = 0x09;
inline constexpr std::uint8_t rpc_cl = 0x0a;     // ncadg_*
inline constexpr std::uint8_t rpc_co = 0x0b;     // ncacn_*
inline constexpr std::uint8_t lrpc = 0x0c;       // as floor 3: ncalrpc; as floor 4: SPX port
inline constexpr std::uint8_t uuid_floor = 0x0d; // floors 1-2; as floor 5 of ncacn_spx: SPX address
inline constexpr std::uint8_t ipx = 0x0e;
inline constexpr std::uint8_t named_pipe = 0x0f; // \PIPE\name
inline constexpr std::uint8_t lrpc_endpoint = 0x10; // ncalrpc endpoint name ("named pipe 2")
inline constexpr std::uint8_t netbios = 0x11;    // \\HOST
inline constexpr std::uint8_t netbeui = 0x12;
inline constexpr std::uint8_t netware_spx = 0x13;
inline constexpr std::uint8_t netware_ipx = 0x14;
inline constexpr std::uint8_t appletalk_stream = 0x16; // DSP
inline constexpr std::uint8_t appletalk_datagram = 0x17; // DDP
inline constexpr std::uint8_t appletalk = 0x18;
inline constexpr std::uint8_t netbios_2 = 0x19;
inline constexpr std::uint8_t vines_spp = 0x1a;
inline constexpr std::uint8_t vines_ipc = 0x1b;
inline constexpr std::uint8_t streettalk = 0x1c;
inline constexpr std::uint8_t http = 0x1f;       // ncacn_http port
inline constexpr std::uint8_t unix_domain = 0x20;
inline constexpr std::uint8_t null_protocol = 0x21;
inline constexpr std::uint8_t netbios_3 = 0x22;
} // namespace protocol_id

// Short human name of a floor protocol id ("TCP", "IP", "named pipe", ...), "" when unknown.
std::string_view protocol_id_name(std::uint8_t id) noexcept;

// Floors beyond this are refused (a real tower has 3-6).
inline constexpr std::size_t max_tower_floors = 64;

// One floor, viewing the caller's buffer.
struct tower_floor
{
    std::uint8_t protocol_id = 0;
    std::span<const std::byte> lhs_data; // LHS after the protocol id byte
    std::span<const std::byte> rhs;
};

// Splits a tower_octet_string into floors. Bytes after the last floor are ignored.
result<std::vector<tower_floor>> decode_floors(std::span<const std::byte> tower_octets);
// The same checks without allocating: the first out.size() floors go to `out`; the floor count.
result<std::size_t> decode_floors(std::span<const std::byte> tower_octets, std::span<tower_floor> out) noexcept;

// Builds a tower_octet_string from floors (LHS = id + lhs_data).
std::vector<std::byte> encode_floors(std::span<const tower_floor> floors);

struct decoded_tower
{
    syntax_id interface;                      // floor 1
    std::optional<syntax_id> transfer_syntax; // floor 2 (absent in a 1-floor tower)
    binding where;                            // floors 3+: protseq, host, endpoint
    std::vector<tower_floor> floors;          // all floors, unknown ones included
};

// Floors 1-2 must be UUID floors (0x0d + uuid + major u16 LE; RHS minor u16 LE). Floors 3+
// never fail: unknown or odd ones are kept in floors and rendered best-effort in `where`.
result<decoded_tower> decode_tower(std::span<const std::byte> tower_octets);

namespace detail {

// A text of a binding without a string of its own: `data` (the tower's bytes, or a static
// name) when set, else `size` bytes at `offset` of an arena string that may still grow.
struct text_piece
{
    const char* data = nullptr;
    std::size_t offset = 0;
    std::size_t size = 0;
    std::string_view in(const std::string& arena) const noexcept
    {
        return data != nullptr ? std::string_view(data, size) : std::string_view(arena).substr(offset, size);
    }
};

struct binding_pieces
{
    text_piece protseq;
    text_piece host;
    text_piece endpoint;
};

// decode_tower's result for views: texts rendered (ports, addresses, hex) are appended to `arena`.
struct tower_view
{
    syntax_id interface;
    std::optional<syntax_id> transfer_syntax;
    binding_pieces where;
};
// Filled in place (`out` is set only on success): a result<tower_view> returned by value cost
// more in copies through the stack than the decoding itself.
result<void> decode_tower_view(std::span<const std::byte> tower_octets, std::string& arena, tower_view& out);

} // namespace detail

// A tower for ept_map: ncacn_ip_tcp / ncadg_ip_udp / ncacn_http (port from endpoint, "" = 0;
// IPv4 host, "" = 0.0.0.0), ncacn_np (pipe + NetBIOS host) and ncalrpc (endpoint name).
// unsupported for other protseqs, bad_value for a port or address that does not parse.
result<std::vector<std::byte>> encode_tower(const syntax_id& interface, const syntax_id& transfer,
                                            const binding& where);

// Every protocol sequence name binding_of() gives a known tower (ncacn_ip_tcp, ncalrpc, ...), once.
std::vector<std::string_view> protseq_names();

// Towers carry no IPv6 and servers register 0.0.0.0: for IP protseqs (tcp, udp, http) whose
// host is 0.0.0.0 or empty, use the address the client connected to. Others are unchanged.
binding with_connected_host(binding b, std::string_view connected_address);

} // namespace epmdump::epm
