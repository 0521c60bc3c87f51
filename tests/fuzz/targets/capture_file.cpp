// The whole offline path from file bytes: libpcap's offline reader (pcap and pcapng, through
// fmemopen), link/IP/TCP decoding, TCP reassembly, SMB 2/3 named pipes on 139/445 (smb2_pipes),
// DCE/RPC conversations, EPM answers.
// Input: a capture file.
// Properties: check_conversation for every conversation (calls index the entries, every
// writer accepts them, JSON Lines reads back); conversations come in connection order (the
// pipes of one SMB connection share its id); the
// entries hold at most fuzz::max_amplification heap bytes per file byte.
#include <epmdump/capture/replay.hpp>

#include "conversation_checks.hpp"
#include "fuzz_support.hpp"

#include <cstdio>

using namespace epmdump;
using namespace epmdump::capture;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0; // fmemopen refuses an empty buffer
    // fmemopen never writes through a "rb" stream.
    std::FILE* f = fmemopen(const_cast<std::uint8_t*>(data), size, "rb");
    if (f == nullptr) return 0;
    replay_options options;
    options.reassembly.max_connections = 16; // reach eviction with small inputs
    const auto replayed = replay_file(f, "fuzz.pcap", options);
    std::uint64_t last = 0;
    std::size_t held = 0;
    for (const auto& c : replayed.conversations)
    {
        held += fuzz::footprint(c.enumeration.entries);
        EPMDUMP_FUZZ_CHECK(c.connection_id >= last && c.connection_id > 0);
        last = c.connection_id;
        fuzz::check_conversation(c, true);
    }
    EPMDUMP_FUZZ_CHECK(held <= fuzz::max_amplification * size);
    if (replayed.error) (void)replayed.error->to_string();
    return 0;
}
