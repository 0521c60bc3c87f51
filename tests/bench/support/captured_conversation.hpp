#pragma once
// The first TCP conversation with a server port in a capture, as the two byte streams and the
// DCE/RPC PDUs cut from them. For benchmarks over real bytes: the project's captures are clean
// (in order, no loss), so retransmitted bytes are skipped and nothing else is reordered.
#include <epmdump/dcerpc/common_header.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace epmdump::bench {

struct captured_pdu
{
    dcerpc::common_header header;
    std::vector<std::byte> bytes; // the whole fragment as on the wire
    bool from_server = false;
};

struct captured_conversation
{
    std::vector<std::byte> client; // client -> server payload, in stream order
    std::vector<std::byte> server; // server -> client payload
    std::vector<captured_pdu> pdus; // both directions, in capture order
};

// Throws std::runtime_error when the file cannot be read or holds no such conversation.
captured_conversation read_conversation(const std::filesystem::path& capture, std::uint16_t server_port = 135);

} // namespace epmdump::bench
