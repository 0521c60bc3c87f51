#pragma once
// The largest ept_lookup response of a captured conversation, with the PDUs that led to it:
// the table a benchmark responder serves and the bytes a decode benchmark decodes.
#include "captured_conversation.hpp"

#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/ndr/drep.hpp>

#include <string>
#include <vector>

namespace epmdump::bench {

struct captured_lookup
{
    epm::ept_lookup_response response;      // decoded
    std::vector<std::byte> stub;            // the joined response stub
    ndr::drep rep{};                        // the server's
    std::vector<std::byte> bind, bind_ack;  // the conversation's first bind and bind_ack
    std::vector<std::byte> request;         // the ept_lookup request answered
    std::vector<std::vector<std::byte>> fragments; // the response as sent
};

// Throws std::runtime_error (naming `name`) when the conversation holds no bound ept_lookup response.
captured_lookup largest_lookup(const captured_conversation& conversation, const std::string& name);

} // namespace epmdump::bench
