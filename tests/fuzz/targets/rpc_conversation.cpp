// One TCP connection as DCE/RPC (rpc_conversation): ncacn_http banner, framing both
// directions, bind/alter_context context tracking, call pairing, ept_lookup/ept_map answers.
//
// Input: see conversation_records.hpp.
// Properties:
//  - replaying the same records with every chunk cut in two (at a point taken from the data)
//    gives the same conversation, field for field: PDU handling may not depend on how TCP
//    segmented the stream;
//  - check_conversation: the calls' entry ranges partition the entries;
//  - the entries hold at most fuzz::max_amplification heap bytes per input byte.
#include "conversation_checks.hpp"
#include "conversation_records.hpp"
#include "fuzz_support.hpp"

using namespace epmdump;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto input = fuzz::read_conversation_input(fuzz::as_bytes(data, size));
    const auto whole = fuzz::replay_conversation(input, false);
    const auto split = fuzz::replay_conversation(input, true);
    EPMDUMP_FUZZ_CHECK(whole.has_value() == split.has_value());
    if (!whole) return 0;
    EPMDUMP_FUZZ_CHECK(fuzz::same_conversation(*whole, *split));
    fuzz::check_conversation(*whole, false); // the writers: capture_file checks them
    EPMDUMP_FUZZ_CHECK(fuzz::footprint(whole->enumeration.entries) <= fuzz::max_amplification * size);
    return 0;
}
