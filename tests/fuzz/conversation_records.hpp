#pragma once
// fuzz_rpc_conversation's input, read and replayed; shared with the regression test of its
// kept inputs so both see the same conversation.
//   input: one option byte (bits 0-1: server port 135 / 593 / 49667 / 445), then records:
//   ctl u8 (bit 0: server -> client, bit 1: a gap in that direction instead of data),
//   len u16, then len stream bytes.
#include <epmdump/capture/rpc_conversation.hpp>

#include "fuzz_support.hpp"

#include <array>
#include <optional>
#include <vector>

namespace epmdump::fuzz {

struct conversation_record
{
    capture::flow_direction direction;
    bool gap;
    std::span<const std::byte> bytes;
};

struct conversation_input
{
    capture::tcp_connection connection; // 10.0.0.1:49152 -> 10.0.0.2:port
    std::vector<conversation_record> records;
};

inline conversation_input read_conversation_input(std::span<const std::byte> data)
{
    static constexpr std::uint16_t ports[] = {135, 593, 49667, 445};
    static constexpr std::array<std::byte, 4> client_ip{std::byte{10}, std::byte{0}, std::byte{0}, std::byte{1}};
    static constexpr std::array<std::byte, 4> server_ip{std::byte{10}, std::byte{0}, std::byte{0}, std::byte{2}};
    input_reader in(data);
    conversation_input out;
    capture::tcp_connection& c = out.connection;
    c.id = 1;
    c.client = capture::ip_address::from_v4(client_ip);
    c.server = capture::ip_address::from_v4(server_ip);
    c.client_port = 49152;
    c.server_port = ports[in.u8() & 3];
    while (!in.empty())
    {
        const auto ctl = in.u8();
        const auto len = in.u16();
        out.records.push_back(conversation_record{
            (ctl & 1) ? capture::flow_direction::server_to_client : capture::flow_direction::client_to_server,
            (ctl & 2) != 0, in.take(len)});
    }
    c.frames = out.records.size();
    c.last_seen = std::chrono::nanoseconds(static_cast<std::int64_t>(out.records.size()) * 1000);
    return out;
}

// Record n is frame n (stamped n us). With `split`, each record's bytes arrive in two chunks
// cut at a point taken from its first byte.
inline std::optional<capture::replayed_conversation> replay_conversation(const conversation_input& input, bool split)
{
    capture::rpc_conversation conversation("fuzz");
    std::uint64_t offsets[2] = {0, 0};
    std::uint64_t frame = 0;
    for (const auto& r : input.records)
    {
        ++frame;
        const int d = static_cast<int>(r.direction);
        if (r.gap)
        {
            conversation.on_gap(r.direction);
            continue;
        }
        const std::size_t cut = split && !r.bytes.empty()
                                    ? std::to_integer<std::size_t>(r.bytes[0]) % (r.bytes.size() + 1)
                                    : r.bytes.size();
        bool dropped = false;
        for (auto part : {r.bytes.first(cut), r.bytes.subspan(cut)})
        {
            if (part.empty()) continue;
            capture::stream_chunk chunk{r.direction, part, offsets[d], std::chrono::nanoseconds(frame * 1000), frame};
            offsets[d] += part.size();
            if (conversation.on_data(input.connection, chunk) == capture::stream_interest::drop)
            {
                dropped = true;
                break;
            }
        }
        if (dropped) break;
    }
    return conversation.finish(input.connection);
}

} // namespace epmdump::fuzz
