#pragma once
// Joins the fragments of one request or response (C706 §12.6.3.1 PFC_FIRST_FRAG/LAST_FRAG,
// §12.4 fragmentation: same call_id, in order, no interleaving on one connection) into a
// message. Other PDUs pass through whole.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/uuid.hpp>
#include <epmdump/dcerpc/common_header.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::dcerpc {

// [MS-RPCE] 3.3.3.5.4 suggests 4 MB as the stub limit for one call.
inline constexpr std::size_t default_max_message = std::size_t{4} * 1024 * 1024;

struct message
{
    common_header first;                // header of the first fragment (or of the PDU)
    pdu_type type = pdu_type::response;
    std::uint32_t call_id = 0;
    std::uint16_t context_id = 0;       // request/response
    std::uint16_t opnum = 0;            // request only
    std::optional<uuid> object;         // request only, from PFC_OBJECT_UUID
    std::uint32_t alloc_hint = 0;       // of the first fragment
    std::size_t fragments = 0;
    std::uint64_t stream_offset = 0;    // of the first fragment
    std::vector<std::byte> stub;        // request/response: the stubs of all fragments, joined
    // Every other PTYPE (bind_ack, fault, bind_nak, ...): a copy of the whole PDU, to hand to
    // decode_bind_ack(first, pdu), decode_fault(first, pdu), ... Empty for request/response.
    std::vector<std::byte> pdu;

    bool is_call() const noexcept { return type == pdu_type::request || type == pdu_type::response; }
};

class message_assembler
{
public:
    explicit message_assembler(std::size_t max_message = default_max_message) : max_message_(max_message) {}

    // Adds one whole PDU (as pdu_framer::next returns it). Returns a message when one is
    // complete or the PDU is not a request/response, nullopt while a message is open.
    // Errors (offsets are stream offsets):
    //  - fragment_sequence: a FIRST fragment while a message is open, a middle/last fragment
    //    with none open, another call_id or PTYPE than the open message;
    //  - limit_exceeded: the joined stub would exceed max_message;
    //  - any error of decode_request/decode_response (bad auth lengths, truncation).
    // After an error the open message is dropped; the next FIRST fragment starts afresh.
    // A fault (or orphaned/co_cancel) for the open call_id ends that call: it is passed
    // through and the open message is dropped.
    result<std::optional<message>> add(const pdu_frame& frame);
    result<std::optional<message>> add(const common_header& h, std::span<const std::byte> pdu)
    {
        return add(pdu_frame{h, pdu, 0});
    }

    bool in_progress() const noexcept { return open_.has_value(); }
    std::uint32_t open_call_id() const noexcept { return open_ ? open_->call_id : 0; }
    std::size_t max_message() const noexcept { return max_message_; }
    void reset() noexcept { open_.reset(); }

private:
    std::size_t max_message_;
    std::optional<message> open_;
};

} // namespace epmdump::dcerpc
