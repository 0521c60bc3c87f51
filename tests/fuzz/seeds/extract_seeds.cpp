// Builds the fuzzers' seed corpora from real captures: every seed is bytes a capture holds
// (frames, TCP streams, PDUs, stubs, towers) or what the project's own encoders and writers
// make of the values decoded from them (other byte orders, EBCDIC, NDR64, the text formats).
//
//   extract_seeds OUT_DIR CAPTURE...
//
// writes OUT_DIR/<target>/<fnv1a-64 of the content>, at most max_seed bytes each, in the input
// layout each target's header comment describes. Prints how many seeds each target got.
#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/packet_decoder.hpp>
#include <epmdump/capture/replay.hpp>
#include <epmdump/capture/tcp_reassembler.hpp>
#include <epmdump/dcerpc/any_pdu.hpp>
#include <epmdump/dcerpc/bind_nak.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/mgmt/mgmt.hpp>
#include <epmdump/epm/ept_lookup_handle_free.hpp>
#include <epmdump/epm/ept_map.hpp>
#include <epmdump/output/writer.hpp>

#include "fuzz_support.hpp"
#include "unit/session/service_answers.hpp"
#include "unit/mgmt/mgmt_answers.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <variant>
#include <string>
#include <vector>

using namespace epmdump;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_seed = 60 * 1024; // below run.sh's -max_len
constexpr std::size_t max_per_kind = 40;     // per capture, per target and kind

using bytes = std::vector<std::byte>;

class seed_writer
{
public:
    explicit seed_writer(fs::path root) : root_(std::move(root)) {}

    void add(const std::string& target, std::span<const std::byte> content)
    {
        if (content.empty()) return;
        if (content.size() > max_seed) content = content.first(max_seed);
        std::uint64_t h = 1469598103934665603ull;
        for (auto b : content) h = (h ^ std::to_integer<std::uint8_t>(b)) * 1099511628211ull;
        char name[17];
        std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(h));
        const auto dir = root_ / target;
        fs::create_directories(dir);
        const auto path = dir / name;
        if (fs::exists(path)) return;
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));
        ++counts_[target];
    }
    void add(const std::string& target, std::string_view text) { add(target, std::as_bytes(std::span(text))); }

    // Caps seeds of one kind per capture, so a capture with 300 similar PDUs does not swamp a corpus.
    bool want(const std::string& kind) { return taken_[kind]++ < max_per_kind; }
    void next_capture() { taken_.clear(); }

    const std::map<std::string, std::size_t>& counts() const { return counts_; }

private:
    fs::path root_;
    std::map<std::string, std::size_t> counts_;
    std::map<std::string, std::size_t> taken_;
};

void put_u16(bytes& out, std::uint16_t v)
{
    out.push_back(std::byte(v & 0xFF));
    out.push_back(std::byte(v >> 8));
}
void put_u32(bytes& out, std::uint32_t v)
{
    put_u16(out, static_cast<std::uint16_t>(v));
    put_u16(out, static_cast<std::uint16_t>(v >> 16));
}
struct frame
{
    bytes data;
    std::chrono::nanoseconds timestamp{};
    std::uint32_t original_length = 0;
};

// ---- TCP level: streams in capture order, and segments per connection ------------------

struct connection_streams
{
    std::uint16_t server_port = 0;
    bytes stream[2];
    std::vector<std::pair<capture::flow_direction, bytes>> chunks; // in delivery order
    std::vector<std::size_t> frames;                                // frame indexes of the connection
};

class collector final : public capture::stream_handler
{
public:
    std::map<std::uint64_t, connection_streams> connections;

    void on_open(const capture::tcp_connection& c) override { connections[c.id].server_port = c.server_port; }
    capture::stream_interest on_data(const capture::tcp_connection& c, const capture::stream_chunk& chunk) override
    {
        auto& s = connections[c.id];
        auto& st = s.stream[static_cast<int>(chunk.direction)];
        st.insert(st.end(), chunk.bytes.begin(), chunk.bytes.end());
        s.chunks.emplace_back(chunk.direction, bytes(chunk.bytes.begin(), chunk.bytes.end()));
        return capture::stream_interest::keep;
    }
};

// ---- DCE/RPC level ---------------------------------------------------------------------

struct call_info
{
    std::uint16_t opnum = 0;
    ndr::drep rep{};
};

// The options byte of a stub seed: whichever syntax the stub decodes in (NDR 2.0 first).
template <class Decode>
std::uint8_t stub_option(std::span<const std::byte> stub, ndr::drep rep, Decode decode)
{
    if (decode(stub, rep, ndr::transfer_syntax::ndr20)) return fuzz::stub_options::make(rep, ndr::transfer_syntax::ndr20);
    if (decode(stub, rep, ndr::transfer_syntax::ndr64)) return fuzz::stub_options::make(rep, ndr::transfer_syntax::ndr64);
    return fuzz::stub_options::make(rep, ndr::transfer_syntax::ndr20);
}

bytes with_prefix(std::initializer_list<std::uint8_t> prefix, std::span<const std::byte> rest)
{
    bytes out;
    for (auto b : prefix) out.push_back(std::byte{b});
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

// The encodings a stub seed is re-made in: other byte order, EBCDIC, NDR64.
constexpr std::pair<ndr::drep, ndr::transfer_syntax> variants[] = {
    {ndr::big_endian_ascii, ndr::transfer_syntax::ndr20},
    {ndr::little_endian_ascii, ndr::transfer_syntax::ndr64},
    {ndr::drep{ndr::byte_order::big, ndr::char_set::ebcdic, 0}, ndr::transfer_syntax::ndr64},
};

template <class Value, class Encode>
void add_variants(seed_writer& out, const std::string& target, const Value& v, Encode encode,
                  std::initializer_list<std::uint8_t> extra = {})
{
    for (const auto& [rep, syntax] : variants)
    {
        ndr::writer w(rep, syntax);
        encode(v, w);
        bytes seed{std::byte{fuzz::stub_options::make(rep, syntax)}};
        for (auto b : extra) seed.push_back(std::byte{b});
        seed.insert(seed.end(), w.buffer().begin(), w.buffer().end());
        out.add(target, seed);
    }
}

void add_towers(seed_writer& out, const std::vector<epm::endpoint_entry>& entries)
{
    for (const auto& e : entries)
        if (!e.tower.empty() && out.want("tower " + e.where.protseq)) out.add("tower", e.tower);
}

void add_pdu(seed_writer& out, const dcerpc::pdu_frame& f)
{
    using dcerpc::pdu_type;
    const auto t = f.header.type;
    std::string target = "call_pdu";
    if (t == pdu_type::bind || t == pdu_type::alter_context) target = "bind";
    if (t == pdu_type::bind_ack || t == pdu_type::alter_context_resp) target = "bind_ack";
    if (t == pdu_type::bind_nak) target = "bind_nak";
    if (out.want(target + std::to_string(static_cast<int>(t)))) out.add(target, f.bytes);
    // A server's NTLMSSP CHALLENGE (plain NTLM or inside SPNEGO) runs to the end of its auth_value.
    if (t == pdu_type::bind_ack || t == pdu_type::alter_context_resp)
    {
        static constexpr std::array<std::byte, 12> challenge_start{
            std::byte{'N'}, std::byte{'T'}, std::byte{'L'}, std::byte{'M'}, std::byte{'S'}, std::byte{'S'},
            std::byte{'P'}, std::byte{0},   std::byte{2},   std::byte{0},   std::byte{0},   std::byte{0}};
        const auto at = std::search(f.bytes.begin(), f.bytes.end(), challenge_start.begin(), challenge_start.end());
        if (at != f.bytes.end()) out.add("ntlm_challenge", std::span<const std::byte>(at, f.bytes.end()));
        // A SPNEGO negTokenResp ([1], 0xa1) as the whole auth_value: the same target reads it as one.
        const std::size_t auth = f.header.auth_length;
        if (auth != 0 && auth <= f.bytes.size() && f.bytes[f.bytes.size() - auth] == std::byte{0xa1})
            out.add("ntlm_challenge", std::span<const std::byte>(f.bytes).last(auth));
    }
    // Every PDU carrying a verifier feeds the verifier target; an auth3 is built from each
    // verifier too (real trailers and tokens), beside the captures' own auth3 PDUs.
    if (f.header.auth_length != 0 && out.want("auth_verifier" + std::to_string(static_cast<int>(t))))
    {
        out.add("auth_verifier", f.bytes);
        if (t == pdu_type::auth3) out.add("auth3", f.bytes);
        if (auto d = dcerpc::decode_pdu(f.bytes))
            std::visit(
                [&](const auto& p) {
                    if constexpr (requires { p.auth; })
                        if (p.auth)
                            out.add("auth3", dcerpc::encode_auth3(f.header.call_id, p.auth->trailer, p.auth->auth_value));
                },
                *d);
    }

    // The same PDU re-encoded big-endian (and a bind_nak for every bind: no capture has one).
    auto decoded = dcerpc::decode_pdu(f.bytes);
    if (!decoded) return;
    if (const auto* b = std::get_if<dcerpc::bind_pdu>(&*decoded))
    {
        out.add("bind", t == pdu_type::bind ? dcerpc::encode_bind(f.header.call_id, b->params, ndr::big_endian_ascii)
                                            : dcerpc::encode_alter_context(f.header.call_id, b->params, ndr::big_endian_ascii));
        dcerpc::bind_nak_params nak;
        nak.provider_reject_reason = dcerpc::reject_local_limit_exceeded;
        nak.versions.push_back(dcerpc::rt_version{f.header.rpc_vers, f.header.rpc_vers_minor});
        out.add("bind_nak", dcerpc::encode_bind_nak(f.header.call_id, nak));
        nak.signature = b->params.contexts.empty() ? uuid{} : b->params.contexts.front().abstract_syntax.id;
        out.add("bind_nak", dcerpc::encode_bind_nak(f.header.call_id, nak, ndr::big_endian_ascii));
    }
    else if (const auto* a = std::get_if<dcerpc::bind_ack_pdu>(&*decoded))
    {
        out.add("bind_ack", dcerpc::encode_bind_ack(f.header.call_id, a->params, ndr::big_endian_ascii));
        out.add("bind_ack", dcerpc::encode_bind_ack(f.header.call_id, a->params,
                                                    ndr::drep{ndr::byte_order::little, ndr::char_set::ebcdic, 0}));
    }
}

void add_stubs(seed_writer& out, const dcerpc::message& m, std::map<std::uint32_t, call_info>& calls)
{
    using dcerpc::pdu_type;
    const auto rep = m.first.drep;
    if (m.type == pdu_type::request)
    {
        calls[m.call_id] = call_info{m.opnum, rep};
        if (m.opnum == epm::opnum_ept_lookup)
        {
            const auto o = stub_option(m.stub, rep, [](auto s, auto r, auto x) { return epm::decode_ept_lookup_request(s, r, x).has_value(); });
            out.add("ept_requests", with_prefix({o, 0}, m.stub));
            if (auto v = epm::decode_ept_lookup_request(m.stub, rep, fuzz::stub_options::syntax_of(o)))
                add_variants(out, "ept_requests", *v, [](const auto& x, ndr::writer& w) { epm::encode_ept_lookup_request(x, w); }, {0});
        }
        else if (m.opnum == epm::opnum_ept_map)
        {
            const auto o = stub_option(m.stub, rep, [](auto s, auto r, auto x) { return epm::decode_ept_map_request(s, r, x).has_value(); });
            out.add("ept_requests", with_prefix({o, 1}, m.stub));
            if (auto v = epm::decode_ept_map_request(m.stub, rep, fuzz::stub_options::syntax_of(o)))
            {
                add_variants(out, "ept_requests", *v, [](const auto& x, ndr::writer& w) { epm::encode_ept_map_request(x, w); }, {1});
                if (v->map_tower) out.add("tower", *v->map_tower);
            }
        }
        else if (m.opnum == epm::opnum_ept_lookup_handle_free)
        {
            out.add("ept_requests", with_prefix({fuzz::stub_options::make(rep, ndr::transfer_syntax::ndr20), 2}, m.stub));
        }
        return;
    }
    if (m.type != pdu_type::response) return;
    auto call = calls.find(m.call_id);
    if (call == calls.end()) return;
    const auto opnum = call->second.opnum;
    if (opnum == epm::opnum_ept_lookup)
    {
        const auto o = stub_option(m.stub, rep, [](auto s, auto r, auto x) { return epm::decode_ept_lookup_response(s, r, x).has_value(); });
        out.add("ept_lookup_response", with_prefix({o}, m.stub));
        if (auto v = epm::decode_ept_lookup_response(m.stub, rep, fuzz::stub_options::syntax_of(o)))
        {
            add_towers(out, v->entries);
            add_variants(out, "ept_lookup_response", *v,
                         [](const auto& x, ndr::writer& w) { epm::encode_ept_lookup_response(x, w); });
            // A short page too, so a mutation is cheap to run.
            auto page = *v;
            if (page.entries.size() > 3) page.entries.resize(3);
            page.num_ents = static_cast<std::uint32_t>(page.entries.size());
            add_variants(out, "ept_lookup_response", page,
                         [](const auto& x, ndr::writer& w) { epm::encode_ept_lookup_response(x, w, 3); });
            // As an ept_map answer carries them.
            epm::ept_map_response map;
            map.entry_handle = page.entry_handle;
            map.status = page.status;
            for (auto e : page.entries)
            {
                e.object = uuid{};
                e.annotation.clear();
                map.towers.push_back(std::move(e));
            }
            map.num_towers = static_cast<std::uint32_t>(map.towers.size());
            add_variants(out, "ept_map_response", map, [](const auto& x, ndr::writer& w) { epm::encode_ept_map_response(x, w); });
        }
    }
    else if (opnum == epm::opnum_ept_map)
    {
        const auto o = stub_option(m.stub, rep, [](auto s, auto r, auto x) { return epm::decode_ept_map_response(s, r, x).has_value(); });
        out.add("ept_map_response", with_prefix({o}, m.stub));
        if (auto v = epm::decode_ept_map_response(m.stub, rep, fuzz::stub_options::syntax_of(o)))
        {
            add_towers(out, v->towers);
            add_variants(out, "ept_map_response", *v, [](const auto& x, ndr::writer& w) { epm::encode_ept_map_response(x, w); });
        }
    }
    else if (opnum == epm::opnum_ept_lookup_handle_free)
    {
        out.add("ept_requests", with_prefix({fuzz::stub_options::make(rep, ndr::transfer_syntax::ndr20), 3}, m.stub));
    }
}

// One direction's stream: the stream itself for pdu_stream, then each PDU and each message.
void add_stream(seed_writer& out, std::span<const std::byte> stream, std::map<std::uint32_t, call_info>& calls)
{
    if (stream.empty()) return;
    out.add("pdu_stream", with_prefix({0, 0}, stream));
    constexpr std::string_view banner = "ncacn_http/1.0";
    if (stream.size() >= banner.size() &&
        std::equal(banner.begin(), banner.end(), stream.begin(), [](char c, std::byte b) { return std::byte(c) == b; }))
        stream = stream.subspan(banner.size());
    dcerpc::pdu_framer framer;
    dcerpc::message_assembler assembler;
    if (!framer.feed(stream)) return;
    for (;;)
    {
        auto f = framer.next();
        if (!f || !*f) return;
        add_pdu(out, **f);
        auto m = assembler.add(**f);
        if (m && *m) add_stubs(out, **m, calls);
    }
}

// Records in the layout of targets/tcp_reassembler.cpp.
void add_segments(seed_writer& out, const std::vector<capture::tcp_segment>& segments, std::uint16_t server_port)
{
    if (segments.empty()) return;
    std::map<bool, std::uint32_t> base;
    for (const auto& s : segments)
    {
        const bool from_server = s.src_port == server_port;
        base.try_emplace(from_server, s.seq);
    }
    bytes seed{std::byte{0}};
    for (const auto& s : segments)
    {
        const bool from_server = s.src_port == server_port;
        if (seed.size() + 16 + s.payload.size() > max_seed) break;
        std::uint8_t ctl = from_server ? 1 : 0;
        if (s.has(capture::tcp_flags::syn)) ctl |= 0x02;
        if (s.has(capture::tcp_flags::fin)) ctl |= 0x04;
        if (s.has(capture::tcp_flags::rst)) ctl |= 0x08;
        if (s.has(capture::tcp_flags::ack)) ctl |= 0x10;
        const bool missing = s.missing != 0;
        if (missing) ctl |= 0x80;
        seed.push_back(std::byte{ctl});
        put_u32(seed, s.seq - base[from_server]);
        put_u32(seed, base.count(!from_server) ? s.ack - base[!from_server] : 0);
        if (missing) seed.push_back(std::byte(std::min<std::uint32_t>(s.missing, 255)));
        const auto n = std::min<std::size_t>(s.payload.size(), 0xFFFF);
        put_u16(seed, static_cast<std::uint16_t>(n));
        seed.insert(seed.end(), s.payload.begin(), s.payload.begin() + static_cast<std::ptrdiff_t>(n));
    }
    out.add("tcp_reassembler", seed);
}

// The server's side of one connection, in the layout of targets/session.cpp: the same bytes
// for a lookup, a map and a ping session read one byte at a time, and a lookup with tiny
// limits read 200 at a time; with the banner bit when the stream opens with ncacn_http/1.0.
void add_server_stream(seed_writer& out, std::span<const std::byte> stream)
{
    constexpr std::string_view banner = "ncacn_http/1.0";
    const bool http = stream.size() >= banner.size() &&
                      std::equal(banner.begin(), banner.end(), stream.begin(),
                                 [](char c, std::byte b) { return std::byte(c) == b; });
    // recognize_service sees these first bytes on RPC ports (and names nothing): cut in full and in half.
    if (!stream.empty() && out.want("service_id"))
        for (std::uint8_t cut : {255, 128}) out.add("service_id", with_prefix({cut}, stream.first(std::min<std::size_t>(stream.size(), 512))));
    if (stream.empty() || (!http && stream.front() != std::byte{5}) || !out.want("session")) return;
    const std::uint8_t with_banner = http ? 0x04 : 0x00;
    for (std::uint8_t kind : {0, 1, 2}) out.add("session", with_prefix({std::uint8_t(with_banner | kind), 0}, stream));
    out.add("session", with_prefix({std::uint8_t(with_banner | 0x08), 199}, stream));
}

// Records in the layout of targets/rpc_conversation.cpp.
void add_conversation(seed_writer& out, const connection_streams& c)
{
    if (c.chunks.empty()) return;
    const std::uint8_t port = c.server_port == 135 ? 0 : c.server_port == 593 ? 1 : 2;
    bytes seed{std::byte{port}};
    for (const auto& [dir, data] : c.chunks)
    {
        std::span<const std::byte> rest(data);
        while (!rest.empty() && seed.size() < max_seed)
        {
            const auto n = std::min<std::size_t>({rest.size(), 0xFFFF, max_seed - seed.size()});
            seed.push_back(std::byte{static_cast<std::uint8_t>(dir == capture::flow_direction::server_to_client ? 1 : 0)});
            put_u16(seed, static_cast<std::uint16_t>(n));
            seed.insert(seed.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(n));
            rest = rest.subspan(n);
        }
    }
    out.add("rpc_conversation", seed);
}

// A classic pcap (µs) of some frames, as capture_file's seeds.
bytes make_pcap(int link, const std::vector<frame>& frames, const std::vector<std::size_t>& which)
{
    bytes out;
    put_u32(out, 0xa1b2c3d4);
    put_u16(out, 2);
    put_u16(out, 4);
    put_u32(out, 0);
    put_u32(out, 0);
    put_u32(out, 262144);
    put_u32(out, static_cast<std::uint32_t>(link));
    for (auto i : which)
    {
        const auto& f = frames[i];
        if (out.size() + 16 + f.data.size() > max_seed) break;
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(f.timestamp).count();
        put_u32(out, static_cast<std::uint32_t>(us / 1'000'000));
        put_u32(out, static_cast<std::uint32_t>(us % 1'000'000));
        put_u32(out, static_cast<std::uint32_t>(f.data.size()));
        put_u32(out, f.original_length);
        out.insert(out.end(), f.data.begin(), f.data.end());
    }
    return out;
}

void add_text(seed_writer& out, const std::vector<epm::enumeration>& all)
{
    const auto write = [&](output::format f, std::span<const epm::enumeration> e, bool headers) {
        std::ostringstream s;
        output::format_options o;
        o.target_headers = headers;
        o.json_towers = headers;
        output::write_all(s, f, e, o);
        return s.str();
    };
    for (std::size_t i = 0; i < all.size(); ++i)
    {
        auto one = all[i];
        for (bool headers : {false, true})
        {
            out.add("rpcdump_text", write(output::format::rpcdump, {&one, 1}, headers));
            out.add("impacket_text", write(output::format::impacket, {&one, 1}, headers));
            out.add("json_lines", write(output::format::json, {&one, 1}, headers));
        }
        // A few entries only: cheap to mutate.
        if (one.entries.size() > 4) one.entries.resize(4);
        out.add("rpcdump_text", write(output::format::rpcdump, {&one, 1}, true));
        out.add("impacket_text", write(output::format::impacket, {&one, 1}, false));
        out.add("json_lines", write(output::format::json, {&one, 1}, true));
    }
}

int extract(seed_writer& out, const fs::path& path)
{
    out.next_capture();
    auto file = capture::capture_file::open(path);
    if (!file)
    {
        std::cerr << file.error() << '\n';
        return 1;
    }
    const int link = file->link_type();
    std::vector<frame> frames;
    for (;;)
    {
        auto r = file->next();
        if (!r || !*r) break;
        frames.push_back(frame{bytes((*r)->data.begin(), (*r)->data.end()), (*r)->timestamp, (*r)->original_length});
    }

    // Whole file when small, frames for the packet target.
    const auto raw = [&] {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    if (raw.size() <= max_seed) out.add("capture_file", std::string_view(raw));
    for (const auto& f : frames)
        if (out.want("packet")) out.add("packet", with_prefix({fuzz::link_type_index(link)}, f.data));

    // Streams and segments per connection.
    collector streams;
    capture::tcp_reassembler reassembler(streams);
    std::map<std::uint64_t, std::vector<capture::tcp_segment>> segments; // by connection order
    std::map<std::tuple<capture::ip_address, std::uint16_t, capture::ip_address, std::uint16_t>, std::uint64_t> ids;
    std::map<std::uint64_t, std::uint16_t> server_ports;
    std::map<std::uint64_t, std::vector<std::size_t>> frames_of;
    for (std::size_t i = 0; i < frames.size(); ++i)
    {
        reassembler.feed(link, frames[i].data, frames[i].timestamp);
        const auto p = capture::decode_packet(link, frames[i].data);
        if (p.kind != capture::packet_kind::tcp) continue;
        const auto& s = p.segment;
        const auto from = std::pair(s.src, s.src_port), to = std::pair(s.dst, s.dst_port);
        const auto key = std::minmax(from, to); // references to from/to
        auto [it, fresh] = ids.try_emplace(std::tuple(key.first.first, key.first.second, key.second.first, key.second.second),
                                           ids.size() + 1);
        if (fresh)
            server_ports[it->second] = s.has(capture::tcp_flags::syn) && !s.has(capture::tcp_flags::ack) ? s.dst_port
                                       : std::min(s.src_port, s.dst_port);
        segments[it->second].push_back(s);
        frames_of[it->second].push_back(i);
    }
    reassembler.finish();
    for (const auto& [id, list] : segments)
    {
        add_segments(out, list, server_ports[id]);
        out.add("capture_file", make_pcap(link, frames, frames_of[id]));
    }
    for (const auto& [id, c] : streams.connections)
    {
        std::map<std::uint32_t, call_info> calls;
        add_stream(out, c.stream[0], calls);
        add_stream(out, c.stream[1], calls);
        add_conversation(out, c);
        add_server_stream(out, c.stream[static_cast<int>(capture::flow_direction::server_to_client)]);
    }

    // The text formats of what the capture held.
    std::vector<epm::enumeration> all;
    for (auto& c : capture::replay_file(path).conversations) all.push_back(std::move(c.enumeration));
    add_text(out, all);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3)
    {
        std::cerr << "usage: extract_seeds OUT_DIR CAPTURE...\n";
        return 2;
    }
    seed_writer out(argv[1]);
    // The real answers of LDAP, Kerberos, SMB, TLS, HTTP and banner servers to our service probes
    // (tests/unit/session/service_answers.hpp says whose), whole and cut in half.
    for (const auto hex : {service_answers::samba_ldap_389_bind_response, service_answers::samba_ldaps_636_server_hello,
                           service_answers::samba_kdc_88_krb_error, service_answers::samba_kpasswd_464_reply,
                           service_answers::samba_smbd_445_negotiate_response, service_answers::samba_smbd_139_session_response,
                           service_answers::python_http_server_get, service_answers::python_http_server_client_hello,
                           service_answers::openssl_s_server_tls13_server_hello,
                           service_answers::openssl_s_server_tls12_server_hello,
                           service_answers::openssl_s_server_handshake_failure, service_answers::ssh_banner,
                           service_answers::smtp_greeting})
    {
        bytes answer;
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
            answer.push_back(std::byte(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
        for (std::uint8_t cut : {255, 128}) out.add("service_id", with_prefix({cut}, answer));
    }
    // The Samba AD DC's inq_if_ids answers and a built inq_princ_name answer (unit/mgmt/mgmt_answers.hpp),
    // as sent (little-endian NDR 2.0) and re-encoded in the other representations.
    for (const auto& [hex, which] : {std::pair{mgmt_answers::samba_135_inq_if_ids, 0},
                                     std::pair{mgmt_answers::samba_49153_inq_if_ids, 0},
                                     std::pair{mgmt_answers::built_inq_princ_name, 1}})
    {
        bytes stub;
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
            stub.push_back(std::byte(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
        const auto selector = static_cast<std::uint8_t>(which);
        out.add("mgmt", with_prefix({0, selector}, stub));
        if (which == 0)
        {
            if (auto r = mgmt::decode_inq_if_ids_response(stub, ndr::little_endian_ascii))
                add_variants(out, "mgmt", *r, [](const auto& v, ndr::writer& w) { mgmt::encode_inq_if_ids_response(v, w); },
                             {selector});
        }
        else if (auto r = mgmt::decode_inq_princ_name_response(stub, ndr::little_endian_ascii))
            add_variants(out, "mgmt", *r, [](const auto& v, ndr::writer& w) { mgmt::encode_inq_princ_name_response(v, w); },
                         {selector});
    }
    {
        ndr::writer w;
        mgmt::encode_inq_princ_name_request({mgmt::rpc_c_authn_winnt, 256}, w);
        out.add("mgmt", with_prefix({0, 2}, w.buffer()));
    }
    // The session target's probe_session (option 0x83; 0x87 with the banner, 0xa3 brute versions)
    // fed the Samba AD DC's side of a probe of port 135, whole and in 7-byte reads.
    {
        bytes server;
        for (const auto hex : {mgmt_answers::samba_135_bind_ack, mgmt_answers::samba_135_if_ids_pdu,
                               mgmt_answers::samba_135_princ_fault_pdu})
            for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
                server.push_back(std::byte(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
        bytes banner;
        for (char c : std::string_view("ncacn_http/1.0")) banner.push_back(static_cast<std::byte>(c));
        banner.insert(banner.end(), server.begin(), server.end());
        for (std::uint8_t chunk : {255, 6})
        {
            out.add("session", with_prefix({0x83, chunk}, server));
            out.add("session", with_prefix({0xa3, chunk}, server));
            out.add("session", with_prefix({0x87, chunk}, banner));
        }
    }
    int status = 0;
    for (int i = 2; i < argc; ++i) status |= extract(out, argv[i]);
    for (const auto& [target, n] : out.counts()) std::cout << target << ' ' << n << '\n';
    return status;
}
