#pragma once
// One TCP connection seen as DCE/RPC (connection-oriented, C706 ch. 12): frames both
// directions into PDUs, follows bind / alter_context (which presentation context is the
// endpoint mapper, and which transfer syntax the server accepted for it), pairs requests
// with responses by call_id, and decodes ept_lookup (opnum 2) and ept_map (opnum 3)
// answers into endpoint entries. Sans-I/O: fed reassembled stream bytes.
//
// A direction is DCE/RPC when its first bytes are a valid CO PDU header; the server side
// may first send the "ncacn_http/1.0" banner of RPC over HTTP v1 (port 593), which is skipped.
// Stubs sealed with auth level privacy (6) are reported as encrypted, never as empty.
// enumeration::auth says how the conversation authenticated: type and level from the first
// authenticated bind's sec_trailer (or, when the capture starts after the bind, from the first
// verifier of a call), the principal from an NTLM AUTHENTICATE message when one is in the clear.
// A capture that starts after the bind has no context table: on TCP 135 and 593 (endpoint
// mapper ports) an unknown context is then taken to be the endpoint mapper with NDR 2.0.
// Entries keep the host their tower names (often 0.0.0.0); the server's address is in
// enumeration::address.
// A table is ok only when the capture shows it ended: a listing (ept_lookup of every element)
// by ept_s_not_registered, a null handle or an empty page; an ept_map, or an ept_lookup for one
// interface or object (a resolution, as Outlook makes), by its answer. Anything short of that
// (no bind_ack, no call, a listing cut between pages) is incomplete, never an empty ok table.
#include <epmdump/capture/tcp_reassembler.hpp>
#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>
#include <epmdump/dcerpc/reply.hpp>
#include <epmdump/epm/context_handle.hpp>
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/session/http_banner.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace epmdump::capture {

// One endpoint-mapper call as the capture shows it.
struct epm_call
{
    std::uint32_t call_id = 0;
    std::uint16_t opnum = 0;
    std::uint16_t context_id = 0;
    bool ndr64 = false;
    bool encrypted = false;                 // request or response sealed (auth level 6)
    std::uint8_t auth_level = 0;            // 0 when the PDUs carry no verifier
    std::uint64_t request_frame = 0;        // frame completing the request
    std::uint64_t response_frame = 0;       // 0: no response (or fault) seen
    std::size_t request_fragments = 0;
    std::size_t response_fragments = 0;
    std::optional<std::uint32_t> inquiry_type; // ept_lookup request's inquiry_type, when it decoded
    std::optional<std::uint32_t> status;    // ept status of a decoded response
    std::optional<std::uint32_t> fault;     // fault PDU status
    std::optional<epm::context_handle> entry_handle; // as the response returned it
    std::size_t first_entry = 0;            // this response's entries in enumeration::entries
    std::size_t entry_count = 0;
    std::string decode_error;               // why the stub did not decode, "" when it did
};

struct replayed_conversation
{
    epm::enumeration enumeration;           // origin always set; entries in the order responses arrived
    // Endpoint-mapper calls in request order. Calls may overlap and be answered out of order,
    // so their entry ranges partition the entries but need not follow this order.
    std::vector<epm_call> calls;
    std::uint64_t connection_id = 0;        // tcp_connection::id
};

struct conversation_limits
{
    std::size_t max_message = dcerpc::default_max_message; // joined stub of one call
    std::size_t max_pending_calls = 256;                    // requests waiting for an answer
    // Keep ept_lookup answers as their stubs (enumeration::pages, read as views) rather than as
    // owning entries: what `epmdump replay` writes, with no allocation per entry.
    bool keep_stubs = false;
};

class rpc_conversation
{
public:
    rpc_conversation(std::string file, conversation_limits limits = {});

    // Bytes of one direction, in stream order. Returns drop once the connection is known
    // not to be DCE/RPC (the caller stops feeding it).
    stream_interest on_data(const tcp_connection& c, const stream_chunk& chunk);
    void on_gap(flow_direction d);
    // The connection ended: the result when it was an endpoint-mapper conversation.
    std::optional<replayed_conversation> finish(const tcp_connection& c);

    bool is_rpc() const noexcept { return rpc_pdus_ > 0; }
    // The listing provably ended (ept_s_not_registered, a null handle or an empty page) and no
    // call waits for its answer: the table is whole, whatever the connection does next.
    bool ended() const noexcept { return listing_ended_ && pending_.empty(); }

private:
    enum class stream_state : std::uint8_t { start, rpc, not_rpc, failed };
    struct direction
    {
        stream_state state = stream_state::start;
        client::http_banner_reader banner;  // the first bytes, while the banner question is open
        dcerpc::pdu_framer framer;
        dcerpc::message_assembler assembler;
        bool gap = false;
        std::size_t fragments = 0;          // of the message being assembled
        std::uint8_t auth_level = 0;        // of the message being assembled
        direction(std::size_t max_message) : assembler(max_message) {}
    };
    struct context_state
    {
        epm::syntax_id abstract_syntax;
        epm::syntax_id transfer_syntax;
    };
    struct pending_call
    {
        std::size_t index = 0;              // into calls_
    };

    void feed_direction(flow_direction d, std::span<const std::byte> bytes, const stream_chunk& chunk);
    void drain(flow_direction d, const stream_chunk& chunk);
    void on_pdu(flow_direction d, const dcerpc::pdu_frame& f, const stream_chunk& chunk);
    void on_message(dcerpc::message& m, const stream_chunk& chunk);
    void on_bind(const dcerpc::message& m);
    void on_auth_token(std::span<const std::byte> token);
    void on_reply(const dcerpc::message& m, const stream_chunk& chunk);
    void on_bad_reply(const dcerpc::message& m, const codec_error& e, const stream_chunk& chunk);
    void on_bind_ack(const dcerpc::message& m, dcerpc::bind_ack_params ack);
    void apply_bind_ack(const dcerpc::bind_params& offered, const dcerpc::bind_ack_params& ack);
    void on_request(const dcerpc::message& m, const stream_chunk& chunk);
    void on_response(const dcerpc::message& m, const dcerpc::response_reply& r, const stream_chunk& chunk);
    void on_fault(const dcerpc::message& m, const dcerpc::fault_pdu* fault, const codec_error* error,
                  const stream_chunk& chunk);
    void decode_answer(epm_call& call, const dcerpc::response_reply& r);
    bool is_epm_context(std::uint16_t context_id) const;
    std::optional<epm::enumeration_error> unfinished_table() const;
    std::string sealed_message() const;
    void note(epm::failure_kind kind, std::string message);

    std::string file_;
    conversation_limits limits_;
    std::array<direction, 2> dirs_;
    bool swapped_ = false;                  // reassembler guessed the roles the wrong way round
    bool roles_known_ = false;
    bool ncacn_http_ = false;
    std::array<std::uint16_t, 2> ports_{}; // the reassembler's client and server ports
    std::uint64_t rpc_pdus_ = 0;
    bool epm_seen_ = false;                 // an EPM context was offered, or an EPM call made
    bool bound_ = false;                    // a bind_ack / alter_context_resp was matched to its offer
    std::map<std::uint32_t, dcerpc::bind_params> offered_;          // bind call_id -> what it offered
    std::map<std::uint32_t, dcerpc::bind_ack_params> early_acks_;   // ack seen before its bind
    std::map<std::uint16_t, context_state> contexts_;
    std::map<std::uint32_t, pending_call> pending_;                              // call_id -> open call
    std::vector<epm_call> calls_;
    std::vector<epm::endpoint_entry> entries_;
    epm::entry_pages pages_;                // limits_.keep_stubs: every answer's entries
    std::optional<epm::enumeration_error> error_;
    bool truncated_ = false;                // a message or PDU was cut off
    bool listing_ended_ = false;            // the last answered call ended a listing
    std::optional<epm::auth_info> auth_;    // how the conversation authenticated, as seen
    bool auth_from_bind_ = false;           // auth_ came from a bind's sec_trailer
    std::optional<std::string> principal_;  // from an NTLM AUTHENTICATE in the clear
};

} // namespace epmdump::capture
