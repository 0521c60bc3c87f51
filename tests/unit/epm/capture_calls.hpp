#pragma once
// Test-only: pulls the DCE/RPC calls out of a capture (pcap or pcapng, Ethernet, IPv4/IPv6, TCP)
// so the epm decoders can be checked against real server bytes. Deliberately small: in-order
// TCP reassembly per direction, connection-oriented PDUs, fragments joined per call_id.
#include <epmdump/core/uuid.hpp>
#include <epmdump/ndr/drep.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace epmdump::test {

struct captured_call
{
    std::uint32_t call_id = 0;
    std::uint16_t opnum = 0;
    uuid abstract_syntax{};         // from the bind / alter_context that set up the context
    bool ndr64 = false;             // the context was accepted with NDR64
    ndr::drep request_rep{};
    ndr::drep response_rep{};
    std::uint8_t auth_level = 0;    // 0: no auth trailer
    std::vector<std::byte> request_stub;
    std::vector<std::byte> response_stub;
    bool has_response = false;
    bool response_is_fault = false;
    std::uint64_t request_frame = 0;  // frame holding the request's last byte (1-based)
    std::uint64_t response_frame = 0; // frame holding the response's last byte
};

// Every request (with its response when there is one) on every TCP connection, ordered by
// request_frame. Throws std::runtime_error on a file it cannot read.
std::vector<captured_call> read_captured_calls(const std::filesystem::path& capture);

} // namespace epmdump::test
