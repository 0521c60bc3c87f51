// One TCP connection as DCE/RPC (rpc_conversation): ncacn_http banner, framing both
// directions, bind/alter_context context tracking, call pairing, ept_lookup/ept_map answers.
//
// Input: one option byte (bits 0-1: server port 135 / 593 / 49667 / 445), then records:
//   ctl u8 (bit 0: server -> client, bit 1: a gap in that direction instead of data),
//   len u16, then len stream bytes.
// Properties:
//  - replaying the same records with every chunk cut in two (at a point taken from the data)
//    gives the same conversation, field for field: PDU handling may not depend on how TCP
//    segmented the stream;
//  - check_conversation: the calls' entry ranges partition the entries;
//  - the entries hold at most fuzz::max_amplification heap bytes per input byte.
#include <epmdump/capture/rpc_conversation.hpp>

#include "conversation_checks.hpp"
#include "fuzz_support.hpp"

#include <vector>

using namespace epmdump;
using namespace epmdump::capture;

namespace {

struct record
{
    flow_direction direction;
    bool gap;
    std::span<const std::byte> bytes;
};

std::optional<replayed_conversation> replay(const std::vector<record>& records, const tcp_connection& c, bool split)
{
    rpc_conversation conversation("fuzz");
    std::uint64_t offsets[2] = {0, 0};
    std::uint64_t frame = 0;
    for (const auto& r : records)
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
            stream_chunk chunk{r.direction, part, offsets[d], std::chrono::nanoseconds(frame * 1000), frame};
            offsets[d] += part.size();
            if (conversation.on_data(c, chunk) == stream_interest::drop)
            {
                dropped = true;
                break;
            }
        }
        if (dropped) break;
    }
    return conversation.finish(c);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::input_reader in(fuzz::as_bytes(data, size));
    static constexpr std::uint16_t ports[] = {135, 593, 49667, 445};
    const auto options = in.u8();
    tcp_connection c;
    c.id = 1;
    const std::byte client_ip[4] = {std::byte{10}, std::byte{0}, std::byte{0}, std::byte{1}};
    const std::byte server_ip[4] = {std::byte{10}, std::byte{0}, std::byte{0}, std::byte{2}};
    c.client = ip_address::from_v4(client_ip);
    c.server = ip_address::from_v4(server_ip);
    c.client_port = 49152;
    c.server_port = ports[options & 3];

    std::vector<record> records;
    while (!in.empty())
    {
        const auto ctl = in.u8();
        const auto len = in.u16();
        records.push_back(record{(ctl & 1) ? flow_direction::server_to_client : flow_direction::client_to_server,
                                 (ctl & 2) != 0, in.take(len)});
    }
    c.frames = records.size();
    c.last_seen = std::chrono::nanoseconds(static_cast<std::int64_t>(records.size()) * 1000);

    const auto whole = replay(records, c, false);
    const auto split = replay(records, c, true);
    EPMDUMP_FUZZ_CHECK(whole.has_value() == split.has_value());
    if (!whole) return 0;
    EPMDUMP_FUZZ_CHECK(fuzz::same_conversation(*whole, *split));
    fuzz::check_conversation(*whole, false); // the writers: capture_file checks them
    EPMDUMP_FUZZ_CHECK(fuzz::footprint(whole->enumeration.entries) <= fuzz::max_amplification * size);
    return 0;
}
