#pragma once
// One TCP 445 (Direct TCP) or 139 (NetBIOS session service) connection seen as SMB 2/3:
// ncacn_np in a capture. Messages (compounds too) are read by the smb2 library's decoders; a
// CREATE answered with a FileId opens a named pipe, keyed by (SessionId, TreeId, FileId) within
// the connection, and the pipe's bytes - WRITE data and IOCTL FSCTL_PIPE_TRANSCEIVE input from
// the client, READ data and IOCTL output from the server - are one DCE/RPC stream per direction
// for an rpc_conversation, as a TCP connection's are. A CLOSE ends the pipe's conversation.
//
// Signatures are not checked (replay has no session key): signed traffic decodes as is.
// SMB 3 TRANSFORM_HEADER messages (sealed) and compressed ones are counted, not decodable; SMB1
// is counted (its SMB_COM_TRANSACTION requests, the pipe transactions, separately), not decoded.
// Memory: one message buffered per direction (at most max_message), at most max_pipes open
// pipes and max_pending requests awaiting their answer; what does not fit is counted.
#include <epmdump/capture/rpc_conversation.hpp>
#include <epmdump/capture/tcp_reassembler.hpp>
#include <epmdump/smb2/create.hpp>
#include <epmdump/smb2/framing.hpp>
#include <epmdump/smb2/header.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace epmdump::capture {

struct smb_limits
{
    std::uint32_t max_message = 1u << 24; // one framed message; the Direct TCP length field's limit
    std::size_t max_pipes = 64;           // open pipes per connection
    std::size_t max_pending = 512;        // requests per connection waiting for their response
    std::size_t max_trees = 64;           // tree connects remembered per connection
};

struct smb_stats
{
    std::uint64_t connections = 0;            // TCP 139/445 connections that carried data
    std::uint64_t pipes = 0;                  // named pipes opened (CREATE answered)
    std::uint64_t rpc_pipes = 0;              // of those, pipes that carried DCE/RPC
    std::uint64_t signed_messages = 0;        // SMB2 messages with SMB2_FLAGS_SIGNED (decoded, not verified)
    std::uint64_t encrypted_connections = 0;  // connections with at least one sealed message
    std::uint64_t encrypted_messages = 0;     // SMB 3 TRANSFORM_HEADER (0xFD 'SMB'): not decodable
    std::uint64_t compressed_messages = 0;    // SMB 3.1.1 COMPRESSION_TRANSFORM_HEADER (0xFC 'SMB')
    std::uint64_t smb1_connections = 0;       // connections with SMB1 beyond a first multi-protocol negotiate
    std::uint64_t smb1_messages = 0;          // 0xFF 'SMB'
    std::uint64_t smb1_pipe_transactions = 0; // SMB_COM_TRANSACTION requests (named-pipe transactions)
    std::uint64_t bad_messages = 0;           // framing, header or body that does not decode
    std::uint64_t dropped_pipes = 0;          // CREATEs over max_pipes: not followed
    std::uint64_t unopened_pipe_messages = 0; // READ/WRITE/IOCTL data on a pipe FileId no followed CREATE opened (before the capture, or dropped)
    std::uint64_t dropped_requests = 0;       // requests over max_pending: their answers not paired

    smb_stats& operator+=(const smb_stats& o) noexcept;
};

// The pipe's name as a string binding's endpoint writes it: "\pipe\epmapper" (a CREATE names
// it relative to IPC$, "epmapper"; a name that already starts with "\pipe\" is kept).
std::string pipe_endpoint(std::string_view create_name);

class smb_connection
{
public:
    // netbios: port 139, where NetBIOS session packets (the session request and its answer,
    // keep-alives) come before and between the SMB messages.
    smb_connection(std::string file, bool netbios, smb_limits limits = {}, conversation_limits conversation = {});

    // Bytes of one direction, in stream order. Returns drop once the stream is no SMB at all.
    stream_interest on_data(const tcp_connection& c, const stream_chunk& chunk);
    void on_gap(flow_direction d);
    // Endpoint-mapper conversations of pipes closed since the last call, in order of closing.
    std::vector<replayed_conversation> take_closed();
    // The connection ended: the endpoint-mapper conversations of the pipes still open, in the
    // order they were opened (after those take_closed has not handed out yet).
    std::vector<replayed_conversation> finish(const tcp_connection& c);
    const smb_stats& stats() const noexcept { return stats_; }

private:
    struct pipe_key
    {
        std::uint64_t session_id = 0;
        std::uint32_t tree_id = 0;
        smb2::file_id file;
        friend auto operator<=>(const pipe_key&, const pipe_key&) = default;
    };
    struct pipe
    {
        std::string endpoint;                      // "\pipe\epmapper"
        std::optional<rpc_conversation> rpc;       // reset once it is no DCE/RPC for us
        std::uint64_t offset[2] = {0, 0};          // pipe stream offsets, per direction
        std::uint64_t opened = 0;                  // order of opening in this connection
    };
    // A request waiting for its response, paired by MessageId.
    struct pending
    {
        smb2::command command = smb2::command::negotiate;
        pipe_key key;                              // session and tree; the file for READ/IOCTL/CLOSE
        std::optional<std::uint64_t> file_of_create; // a related request on the FileId a CREATE earlier in its compound returns
        std::string name;                          // CREATE: the name asked for
    };
    // What a compound's related request inherits from the one before it ([MS-SMB2] 3.3.5.2.7.2).
    struct chain
    {
        std::uint64_t session_id = 0;
        std::uint32_t tree_id = 0;
        std::optional<smb2::file_id> file;
        std::optional<std::uint64_t> create_message; // the previous request was this CREATE
    };
    struct direction
    {
        smb2::frame_reader reader;
        bool preamble;                             // NetBIOS: before the first session message
        std::array<std::byte, 4> header{};         // NetBIOS preamble: the packet header being read
        std::size_t have = 0;                      // octets of it so far
        std::size_t skip = 0;                      // octets of a preamble packet's body still to pass
        bool failed = false;                       // framing lost: nothing more is read this way
        direction(std::uint32_t max, bool netbios) : reader(max, netbios), preamble(netbios) {}
    };

    void feed(flow_direction d, std::span<const std::byte> bytes, const tcp_connection& c, const stream_chunk& chunk);
    bool skip_netbios_preamble(direction& dir, std::span<const std::byte>& bytes);
    void on_message(flow_direction d, std::span<const std::byte> message, const tcp_connection& c,
                    const stream_chunk& chunk);
    void on_smb1(std::span<const std::byte> message);
    void on_request(flow_direction d, const smb2::compound_part& part, chain& ch, const tcp_connection& c,
                    const stream_chunk& chunk);
    void on_response(flow_direction d, const smb2::compound_part& part, const tcp_connection& c,
                     const stream_chunk& chunk);
    void remember(std::uint64_t message_id, pending p);
    void open_pipe(const pipe_key& key, const std::string& name);
    void close_pipe(const pipe_key& key, const tcp_connection& c);
    void feed_pipe(const pipe_key& key, flow_direction d, std::span<const std::byte> data, const tcp_connection& c,
                   const stream_chunk& chunk);
    std::optional<replayed_conversation> end_pipe(pipe& p, const tcp_connection& c);
    bool is_pipe_tree(std::uint64_t session_id, std::uint32_t tree_id) const;

    std::string file_;
    smb_limits limits_;
    conversation_limits conversation_;
    smb_stats stats_;
    direction dirs_[2];
    bool seen_smb_ = false;
    std::uint64_t opened_ = 0;
    std::map<pipe_key, pipe> pipes_;
    std::map<std::uint64_t, pending> pending_;                 // MessageId -> request
    std::map<std::uint64_t, smb2::file_id> created_;           // CREATE MessageId -> FileId, for related requests
    std::map<std::pair<std::uint64_t, std::uint32_t>, bool> trees_; // (session, tree) -> is a pipe share (IPC$)
    std::vector<replayed_conversation> closed_;
};

} // namespace epmdump::capture
