#pragma once
// Offline replay: capture files -> TCP streams -> DCE/RPC conversations -> one
// epm::enumeration per endpoint-mapper conversation, as a live scan would produce.
//
// TCP 139/445 connections are read as SMB (smb2_pipes.hpp): each named pipe's DCE/RPC is a
// conversation like a TCP connection's; what SMB hides (encryption, SMB1) is counted in `smb`.
#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/rpc_conversation.hpp>
#include <epmdump/capture/smb2_pipes.hpp>
#include <epmdump/capture/tcp_reassembler.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace epmdump::capture {

struct replay_options
{
    reassembly_limits reassembly;
    conversation_limits conversation;
    smb_limits smb;
};

struct replay_stats
{
    reassembly_stats reassembly;
    std::uint64_t rpc_conversations = 0; // DCE/RPC at stream start, endpoint mapper or not
    smb_stats smb;                       // TCP 139/445: pipes followed, sealed or SMB1 traffic counted
};

// Takes each endpoint-mapper conversation as soon as it ends: its connection closed (FIN or
// RST, then reassembly_limits::linger), its listing provably ended and `linger` of silence
// followed, no packet for reassembly_limits::idle_timeout, evicted by max_connections, or the
// capture ended. Memory holds only the conversations still open, so the sink sees them in the
// order they end (those open at the capture's end last, in order of first packet).
using conversation_sink = std::function<void(replayed_conversation&&)>;

// Sans-I/O core: feed frames from anywhere (a file, a fuzzer), then finish().
class replay_session final : private stream_handler
{
public:
    // With a sink, conversations go to it as they end; finish() then returns none.
    explicit replay_session(std::string file, replay_options options = {}, conversation_sink sink = {});
    ~replay_session();

    packet_kind feed(int link_type, std::span<const std::byte> frame, std::chrono::nanoseconds timestamp);
    // Ends the capture and returns the endpoint-mapper conversations in order of first packet
    // (without a sink), or hands those still open to the sink in that order.
    std::vector<replayed_conversation> finish();
    const replay_stats& stats() const noexcept { return stats_; }

private:
    void on_open(const tcp_connection& c) override;
    stream_interest on_data(const tcp_connection& c, const stream_chunk& chunk) override;
    void on_gap(const tcp_connection& c, flow_direction d, std::uint64_t offset) override;
    void on_close(const tcp_connection& c) override;
    bool ended(const tcp_connection& c) override;
    void deliver(std::vector<replayed_conversation>&& done);

    std::string file_;
    replay_options options_;
    replay_stats stats_;
    tcp_reassembler reassembler_;
    std::unordered_map<std::uint64_t, rpc_conversation> conversations_;
    std::unordered_map<std::uint64_t, smb_connection> smb_; // TCP 139/445, by connection id
    std::vector<replayed_conversation> results_;
    conversation_sink sink_;
};

struct file_replay
{
    std::string file;
    std::vector<replayed_conversation> conversations; // also those read before an error
    std::optional<capture_error> error;                // the file could not be read to its end
    replay_stats stats;
};

// Reads one capture file to its end (or its first bad record). With a sink, conversations go
// to it as they end and file_replay::conversations stays empty (memory bounded by what is open).
file_replay replay_file(const std::filesystem::path& path, const replay_options& options = {},
                        const conversation_sink& sink = {});
// Same over an open FILE* (fmemopen in tests and fuzzers); takes ownership.
file_replay replay_file(std::FILE* file, const std::string& name, const replay_options& options = {},
                        const conversation_sink& sink = {});

} // namespace epmdump::capture
