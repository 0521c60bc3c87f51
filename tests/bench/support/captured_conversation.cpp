#include "captured_conversation.hpp"

#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/packet_decoder.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>

#include <optional>
#include <stdexcept>

namespace epmdump::bench {

namespace {

// Appends the part of a segment past what the direction already holds (skips retransmissions).
struct direction
{
    std::optional<std::uint32_t> next_seq;
    std::vector<std::byte>* stream = nullptr;
    std::size_t framed = 0; // bytes of *stream already cut into PDUs

    void add(std::uint32_t seq, std::span<const std::byte> payload)
    {
        if (!next_seq) next_seq = seq;
        const auto skip = static_cast<std::uint32_t>(*next_seq - seq); // wraps like TCP sequence numbers
        if (skip >= payload.size()) return;
        payload = payload.subspan(skip);
        stream->insert(stream->end(), payload.begin(), payload.end());
        *next_seq += static_cast<std::uint32_t>(payload.size());
    }
};

void cut_pdus(direction& d, bool from_server, std::vector<captured_pdu>& out, const std::string& name)
{
    for (;;)
    {
        const std::span<const std::byte> rest(d.stream->data() + d.framed, d.stream->size() - d.framed);
        auto f = dcerpc::frame_at(rest, 65535, d.framed);
        if (!f) throw std::runtime_error(name + ": not DCE/RPC: " + f.error().message());
        if (!*f) return;
        out.push_back({(*f)->header, {(*f)->bytes.begin(), (*f)->bytes.end()}, from_server});
        d.framed += (*f)->bytes.size();
    }
}

} // namespace

captured_conversation read_conversation(const std::filesystem::path& path, std::uint16_t server_port)
{
    auto file = capture::capture_file::open(path);
    if (!file) throw std::runtime_error(file.error().to_string());
    captured_conversation c;
    direction to_server{{}, &c.client}, to_client{{}, &c.server};
    std::optional<std::uint16_t> client_port;
    const std::string name = path.string();
    for (;;)
    {
        auto r = file->next();
        if (!r) throw std::runtime_error(r.error().to_string());
        if (!*r) break;
        const auto p = capture::decode_packet(file->link_type(), (*r)->data);
        if (p.kind != capture::packet_kind::tcp || p.segment.payload.empty()) continue;
        const auto& s = p.segment;
        const bool from_server = s.src_port == server_port;
        if (!from_server && s.dst_port != server_port) continue;
        const auto peer = from_server ? s.dst_port : s.src_port;
        if (!client_port) client_port = peer;
        if (peer != *client_port) continue; // only the first conversation
        (from_server ? to_client : to_server).add(s.seq, s.payload);
        cut_pdus(from_server ? to_client : to_server, from_server, c.pdus, name);
    }
    if (c.pdus.empty()) throw std::runtime_error(name + ": no DCE/RPC conversation on that port");
    return c;
}

} // namespace epmdump::bench
