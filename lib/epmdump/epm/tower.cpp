#include <epmdump/epm/tower.hpp>
#include <epmdump/core/byte_cursor.hpp>
#include <epmdump/core/hex.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

namespace epmdump::epm {

namespace {

void put_le16(std::vector<std::byte>& out, std::size_t v)
{
    out.push_back(static_cast<std::byte>(v & 0xFF));
    out.push_back(static_cast<std::byte>((v >> 8) & 0xFF));
}

// Floor UUIDs are GUIDs with little-endian fields (C706 App. L), whatever the PDU drep.
void put_uuid_le(std::vector<std::byte>& out, const uuid& u)
{
    std::array<std::byte, 16> wire{};
    store_guid(u, wire, byte_order::little);
    out.insert(out.end(), wire.begin(), wire.end());
}

result<syntax_id> read_syntax_floor(const tower_floor& f, std::size_t at, std::string_view what) noexcept
{
    if (f.protocol_id != protocol_id::uuid_floor || f.lhs_data.size() != 18 || f.rhs.size() < 2)
        return codec_error{codec_errc::bad_value, at, what};
    const auto lhs = f.lhs_data.first<18>();
    return syntax_id{load_guid(lhs.first<16>(), byte_order::little),
                     load<std::uint16_t>(lhs.subspan<16, 2>(), byte_order::little),
                     load<std::uint16_t>(f.rhs.first<2>(), byte_order::little)};
}

// A NUL-terminated string RHS: the text before the first NUL (all of it when none), in place.
detail::text_piece text_of(std::span<const std::byte> b) noexcept
{
    const auto nul = std::find(b.begin(), b.end(), std::byte{0});
    return {reinterpret_cast<const char*>(b.data()), 0, static_cast<std::size_t>(nul - b.begin())};
}

bool is_port_id(std::uint8_t id) noexcept
{
    using namespace protocol_id;
    return id == tcp || id == udp || id == http || id == lrpc || id == ipx || id == vines_spp || id == vines_ipc;
}

void append_decimal(std::string& out, unsigned v)
{
    char digits[10];
    const auto end = std::to_chars(std::begin(digits), std::end(digits), v).ptr;
    out.append(std::begin(digits), end);
}

// How one address floor reads in a string binding: its text in place, or appended to `arena`.
detail::text_piece render(const tower_floor& f, std::string& arena)
{
    using namespace protocol_id;
    const std::size_t at = arena.size();
    const auto in_arena = [&] { return detail::text_piece{nullptr, at, arena.size() - at}; };
    if (is_port_id(f.protocol_id) && f.rhs.size() == 2)
    {
        append_decimal(arena, load<std::uint16_t>(f.rhs.first<2>(), byte_order::big));
        return in_arena();
    }
    if (f.protocol_id == ip && f.rhs.size() == 4)
    {
        for (std::size_t i = 0; i < 4; ++i)
        {
            if (i) arena += '.';
            append_decimal(arena, std::to_integer<unsigned>(f.rhs[i]));
        }
        return in_arena();
    }
    if (f.protocol_id == uuid_floor) // SPX/IPX node address (impacket)
    {
        arena += '~';
        append_hex(arena, f.rhs, true);
        return in_arena();
    }
    switch (f.protocol_id)
    {
    case named_pipe: case lrpc_endpoint: case netbios: case netbios_old: case netbios_2: case netbios_3:
    case netbeui: case netware_spx: case appletalk_stream: case appletalk_datagram: case appletalk:
    case streettalk: case unix_domain: case null_protocol: case dna_session_control: case dna_session_control_v3:
    case dna_nsp:
        return text_of(f.rhs);
    default: append_hex(arena, f.rhs); return in_arena();
    }
}

// Protocol sequences by floor 3 (RPC protocol), floor 4 and, where it decides, floor 5.
// Sources: [MS-RPCE] 2.1, C706 App. I, Samba's and Wireshark's tower tables, impacket.
struct protseq_rule
{
    std::uint8_t rpc;
    std::uint8_t floor4;
    int floor5;            // -1: not part of the match
    std::string_view name;
    int endpoint_floor;    // 4 or 5
    int host_floor;        // 4, 5 or 0 (none)
    int host_id;           // the id the host floor must carry, -1 any
};

constexpr protseq_rule protseq_rules[] = {
    {0x0b, 0x07, -1, "ncacn_ip_tcp", 4, 5, 0x09},
    {0x0a, 0x08, -1, "ncadg_ip_udp", 4, 5, 0x09},
    {0x0b, 0x1f, -1, "ncacn_http", 4, 5, 0x09},
    {0x0b, 0x0f, -1, "ncacn_np", 4, 5, -1},
    {0x0c, 0x10, -1, "ncalrpc", 4, 0, -1},
    {0x0b, 0x10, -1, "ncalrpc", 4, 0, -1}, // impacket renders any 0x10 floor as ncalrpc
    {0x0b, 0x12, 0x09, "ncacn_nb_tcp", 4, 5, -1},
    {0x0b, 0x12, 0x0d, "ncacn_nb_ipx", 4, 5, -1},
    {0x0b, 0x12, 0x0e, "ncacn_nb_ipx", 4, 5, -1},
    {0x0b, 0x12, -1, "ncacn_nb_nb", 4, 5, -1},
    {0x0b, 0x11, -1, "ncacn_nb_nb", 5, 4, -1},
    {0x0b, 0x0c, -1, "ncacn_spx", 4, 5, 0x0d},
    {0x0a, 0x0e, -1, "ncadg_ipx", 4, 5, 0x0d},
    {0x0b, 0x18, 0x16, "ncacn_at_dsp", 5, 4, -1},
    {0x0a, 0x18, 0x17, "ncadg_at_ddp", 5, 4, -1},
    {0x0b, 0x1c, 0x1a, "ncacn_vns_spp", 5, 4, -1},
    {0x0b, 0x1c, 0x1b, "ncacn_vns_ipc", 5, 4, -1},
    {0x0b, 0x20, -1, "ncacn_unix_stream", 4, 0, -1},
    {0x0a, 0x20, -1, "ncadg_unix_dgram", 4, 0, -1},
    {0x0b, 0x04, -1, "ncacn_dnet_nsp", 4, 5, -1},
};

detail::binding_pieces pieces_of(std::span<const tower_floor> floors, std::string& arena)
{
    detail::binding_pieces b;
    if (floors.size() < 4) return b; // no address floor: nothing to say where
    const auto rpc = floors[2].protocol_id;
    const auto f4 = floors[3].protocol_id;
    const int f5 = floors.size() > 4 ? floors[4].protocol_id : -1;
    for (const auto& rule : protseq_rules)
    {
        if (rule.rpc != rpc || rule.floor4 != f4) continue;
        if (rule.floor5 >= 0 && rule.floor5 != f5) continue;
        b.protseq = {rule.name.data(), 0, rule.name.size()};
        const auto at = [&](int n) -> const tower_floor* {
            return n > 0 && static_cast<std::size_t>(n) <= floors.size() ? &floors[static_cast<std::size_t>(n - 1)]
                                                                         : nullptr;
        };
        if (const auto* ep = at(rule.endpoint_floor)) b.endpoint = render(*ep, arena);
        if (const auto* host = at(rule.host_floor); host && (rule.host_id < 0 || host->protocol_id == rule.host_id))
            b.host = render(*host, arena);
        return b;
    }
    // Unknown combination: named after floor 4 as impacket does ("0x%x"), endpoint = its RHS in hex.
    const std::size_t at = arena.size();
    arena += "unknown_proto_0x";
    if (f4 >= 0x10) arena += hex_digit(f4 >> 4);
    arena += hex_digit(f4);
    b.protseq = {nullptr, at, arena.size() - at};
    const std::size_t endpoint_at = arena.size();
    append_hex(arena, floors[3].rhs);
    b.endpoint = {nullptr, endpoint_at, arena.size() - endpoint_at};
    return b;
}

std::optional<std::uint16_t> parse_port(std::string_view text) noexcept
{
    if (text.empty()) return std::uint16_t{0};
    std::uint16_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<std::array<std::byte, 4>> parse_ipv4(std::string_view text) noexcept
{
    std::array<std::byte, 4> out{};
    if (text.empty()) return out;
    const char* p = text.data();
    const char* last = p + text.size();
    for (std::size_t i = 0; i < 4; ++i)
    {
        if (i)
        {
            if (p == last || *p != '.') return std::nullopt;
            ++p;
        }
        unsigned v = 0;
        auto [end, ec] = std::from_chars(p, last, v);
        if (ec != std::errc{} || v > 255 || end == p || end - p > 3) return std::nullopt;
        out[i] = static_cast<std::byte>(v);
        p = end;
    }
    if (p != last) return std::nullopt;
    return out;
}

void put_floor(std::vector<std::byte>& out, std::uint8_t id, std::span<const std::byte> lhs_data,
               std::span<const std::byte> rhs)
{
    put_le16(out, lhs_data.size() + 1);
    out.push_back(std::byte{id});
    out.insert(out.end(), lhs_data.begin(), lhs_data.end());
    put_le16(out, rhs.size());
    out.insert(out.end(), rhs.begin(), rhs.end());
}

void put_syntax_floor(std::vector<std::byte>& out, const syntax_id& s)
{
    std::vector<std::byte> lhs;
    put_uuid_le(lhs, s.id);
    put_le16(lhs, s.major);
    std::vector<std::byte> rhs;
    put_le16(rhs, s.minor);
    put_floor(out, protocol_id::uuid_floor, lhs, rhs);
}

std::vector<std::byte> string_rhs(std::string_view text)
{
    std::vector<std::byte> v;
    for (char c : text) v.push_back(static_cast<std::byte>(c));
    v.push_back(std::byte{0});
    return v;
}

} // namespace

std::vector<std::string_view> protseq_names()
{
    std::vector<std::string_view> names;
    for (const auto& rule : protseq_rules)
        if (std::find(names.begin(), names.end(), rule.name) == names.end()) names.push_back(rule.name);
    return names;
}

std::string_view protocol_id_name(std::uint8_t id) noexcept
{
    switch (id)
    {
    case 0x00: return "OSI OID";
    case 0x01: return "NetBIOS (old)";
    case 0x02: return "DNA session control";
    case 0x03: return "DNA session control v3";
    case 0x04: return "DNA NSP";
    case 0x05: return "OSI TP4";
    case 0x06: return "OSI CLNS";
    case 0x07: return "TCP";
    case 0x08: return "UDP";
    case 0x09: return "IP";
    case 0x0a: return "RPC connectionless";
    case 0x0b: return "RPC connection-oriented";
    case 0x0c: return "LRPC / SPX";
    case 0x0d: return "UUID";
    case 0x0e: return "IPX";
    case 0x0f: return "named pipe";
    case 0x10: return "LRPC endpoint";
    case 0x11: return "NetBIOS";
    case 0x12: return "NetBEUI";
    case 0x13: return "NetWare SPX";
    case 0x14: return "NetWare IPX";
    case 0x16: return "AppleTalk stream";
    case 0x17: return "AppleTalk datagram";
    case 0x18: return "AppleTalk";
    case 0x19: return "NetBIOS";
    case 0x1a: return "Vines SPP";
    case 0x1b: return "Vines IPC";
    case 0x1c: return "StreetTalk";
    case 0x1f: return "HTTP";
    case 0x20: return "Unix domain socket";
    case 0x21: return "null";
    case 0x22: return "NetBIOS";
    default: return "";
    }
}

namespace {

// decode_floors field by field: each cut or bad field is an error at its own offset.
result<std::size_t> careful_floors(std::span<const std::byte> tower_octets, std::span<tower_floor> out) noexcept
{
    byte_cursor in(tower_octets, byte_order::little);
    auto count = in.u16("tower floor count");
    if (!count) return count.error();
    if (*count > max_tower_floors) return codec_error{codec_errc::limit_exceeded, 0, "tower floor count"};
    for (std::size_t i = 0; i < *count; ++i)
    {
        const std::size_t lhs_at = in.offset();
        auto lhs_len = in.u16("floor LHS length");
        if (!lhs_len) return lhs_len.error();
        if (*lhs_len == 0) return codec_error{codec_errc::bad_value, lhs_at, "floor LHS without protocol id"};
        auto lhs = in.bytes(*lhs_len, "floor LHS");
        if (!lhs) return lhs.error();
        auto rhs_len = in.u16("floor RHS length");
        if (!rhs_len) return rhs_len.error();
        auto rhs = in.bytes(*rhs_len, "floor RHS");
        if (!rhs) return rhs.error();
        if (i < out.size()) out[i] = {std::to_integer<std::uint8_t>(lhs->front()), lhs->subspan(1), *rhs};
    }
    return std::size_t{*count};
}

std::size_t le16_at(std::span<const std::byte> b, std::size_t at) noexcept
{
    return load<std::uint16_t>(b.subspan(at).first<2>(), byte_order::little);
}

} // namespace

result<std::size_t> decode_floors(std::span<const std::byte> tower_octets, std::span<tower_floor> out) noexcept
{
    // One bounds check per floor (its two lengths and the bytes between); a tower that fails any
    // is read again by careful_floors, whose error names the field.
    const auto fail = [&] { return careful_floors(tower_octets, out); };
    if (tower_octets.size() < 2) return fail();
    const std::size_t count = le16_at(tower_octets, 0);
    if (count > max_tower_floors) return fail();
    auto rest = tower_octets.subspan(2);
    for (std::size_t i = 0; i < count; ++i)
    {
        if (rest.size() < 2) return fail();
        const std::size_t lhs_len = le16_at(rest, 0);
        if (lhs_len == 0 || rest.size() - 2 < lhs_len + 2) return fail();
        const std::size_t rhs_len = le16_at(rest, 2 + lhs_len);
        const std::size_t size = 4 + lhs_len + rhs_len;
        if (rest.size() < size) return fail();
        if (i < out.size())
            out[i] = {std::to_integer<std::uint8_t>(rest[2]), rest.subspan(3, lhs_len - 1), rest.subspan(4 + lhs_len, rhs_len)};
        rest = rest.subspan(size);
    }
    return count;
}

result<std::vector<tower_floor>> decode_floors(std::span<const std::byte> tower_octets)
{
    std::array<tower_floor, max_tower_floors> floors;
    auto count = decode_floors(tower_octets, floors);
    if (!count) return count.error();
    return std::vector<tower_floor>(floors.begin(), floors.begin() + static_cast<std::ptrdiff_t>(*count));
}

std::vector<std::byte> encode_floors(std::span<const tower_floor> floors)
{
    std::vector<std::byte> out;
    put_le16(out, floors.size());
    for (const auto& f : floors) put_floor(out, f.protocol_id, f.lhs_data, f.rhs);
    return out;
}

result<void> detail::decode_tower_view(std::span<const std::byte> tower_octets, std::string& arena, tower_view& out)
{
    // A real tower has 3-6 floors: the binding reads floors 3-5, the rest only has to parse.
    std::array<tower_floor, 5> floors;
    auto count = decode_floors(tower_octets, floors);
    if (!count) return count.error();
    if (*count == 0) return codec_error{codec_errc::bad_value, 0, "tower without interface floor"};
    auto iface = read_syntax_floor(floors[0], 2, "interface floor");
    if (!iface) return iface.error();
    std::optional<syntax_id> transfer;
    if (*count > 1)
    {
        auto t = read_syntax_floor(floors[1], 2, "transfer syntax floor");
        if (!t) return t.error();
        transfer = *t;
    }
    out.interface = *iface;
    out.transfer_syntax = transfer;
    out.where = pieces_of(std::span<const tower_floor>(floors).first(std::min<std::size_t>(*count, floors.size())), arena);
    return {};
}

result<decoded_tower> decode_tower(std::span<const std::byte> tower_octets)
{
    std::string arena;
    detail::tower_view view;
    if (auto r = detail::decode_tower_view(tower_octets, arena, view); !r) return r.error();
    auto floors = decode_floors(tower_octets); // parsed above: cannot fail now
    if (!floors) return floors.error();
    return decoded_tower{view.interface, view.transfer_syntax,
                         binding{std::string(view.where.protseq.in(arena)), std::string(view.where.host.in(arena)),
                                 std::string(view.where.endpoint.in(arena))},
                         std::move(*floors)};
}

result<std::vector<std::byte>> encode_tower(const syntax_id& interface, const syntax_id& transfer,
                                            const binding& where)
{
    using namespace protocol_id;
    std::vector<std::byte> out;
    const auto start = [&](std::size_t floor_count, std::uint8_t rpc) {
        put_le16(out, floor_count);
        put_syntax_floor(out, interface);
        put_syntax_floor(out, transfer);
        const std::array<std::byte, 2> minor{};
        put_floor(out, rpc, {}, minor);
    };
    const auto& p = where.protseq;
    if (p == "ncacn_ip_tcp" || p == "ncadg_ip_udp" || p == "ncacn_http")
    {
        const auto port = parse_port(where.endpoint);
        if (!port) return codec_error{codec_errc::bad_value, 0, "port"};
        const auto addr = parse_ipv4(where.host == "0.0.0.0" ? std::string_view{} : std::string_view{where.host});
        if (!addr) return codec_error{codec_errc::bad_value, 0, "IPv4 address"};
        const std::uint8_t port_id = p == "ncacn_ip_tcp" ? tcp : p == "ncadg_ip_udp" ? udp : http;
        start(5, p == "ncadg_ip_udp" ? rpc_cl : rpc_co);
        const std::array<std::byte, 2> port_be{static_cast<std::byte>(*port >> 8), static_cast<std::byte>(*port & 0xFF)};
        put_floor(out, port_id, {}, port_be);
        put_floor(out, ip, {}, *addr);
        return out;
    }
    if (p == "ncacn_np")
    {
        start(5, rpc_co);
        put_floor(out, named_pipe, {}, string_rhs(where.endpoint));
        put_floor(out, netbios, {}, string_rhs(where.host));
        return out;
    }
    if (p == "ncalrpc")
    {
        start(4, lrpc);
        put_floor(out, lrpc_endpoint, {}, string_rhs(where.endpoint));
        return out;
    }
    return codec_error{codec_errc::unsupported, 0, "protseq without a tower encoder"};
}

binding with_connected_host(binding b, std::string_view connected_address)
{
    const bool ip_based = b.protseq == "ncacn_ip_tcp" || b.protseq == "ncadg_ip_udp" || b.protseq == "ncacn_http";
    if (ip_based && (b.host.empty() || b.host == "0.0.0.0")) b.host = std::string(connected_address);
    return b;
}

} // namespace epmdump::epm
