#pragma once
// Cuts a connection-oriented byte stream into whole PDUs (C706 §12.6.1: each fragment is
// exactly frag_length bytes). Sans-I/O: a socket client feeds what it read, a replay feeds
// reassembled TCP payload; both then drain next() until it yields nullopt.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/common_header.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::dcerpc {

struct framer_limits
{
    // Largest frag_length accepted: our advertised max_recv_frag once bound. 65535 (any
    // frag_length) until then.
    std::size_t max_frag_length = 65535;
    // Hard cap on bytes held (received but not yet returned by next()).
    std::size_t max_buffered = std::size_t{256} * 1024;
};

// One whole PDU. bytes is a view into the framer's buffer (or the caller's input for
// frame_at) and stays valid until the next feed()/prepare()/commit()/reset().
struct pdu_frame
{
    common_header header;
    std::span<const std::byte> bytes;  // exactly header.frag_length bytes
    std::uint64_t stream_offset = 0;   // offset of bytes[0] in the stream
};

// The PDU at the start of data, nullopt when more bytes are needed. Errors carry stream
// offsets (stream_offset + position): bad_header for a header decode_common_header rejects
// (checked as soon as the bytes are there, so garbage fails before 16 bytes arrive when
// rpc_vers is wrong), limit_exceeded when frag_length > max_frag_length.
result<std::optional<pdu_frame>> frame_at(std::span<const std::byte> data, std::size_t max_frag_length,
                                          std::uint64_t stream_offset = 0) noexcept;

class pdu_framer
{
public:
    explicit pdu_framer(framer_limits limits = {}) : limits_(limits) {}

    const framer_limits& limits() const noexcept { return limits_; }
    // After bind: our max_recv_frag. Applies to PDUs not yet returned.
    void set_max_frag_length(std::size_t n) noexcept { limits_.max_frag_length = n; }

    // Appends a chunk. limit_exceeded (at the stream offset where the cap was hit) when it
    // would hold more than max_buffered bytes; the framer is then failed.
    result<void> feed(std::span<const std::byte> chunk);

    // Zero-copy alternative to feed: read up to n bytes into prepare(n), then commit(read).
    std::span<std::byte> prepare(std::size_t n);
    result<void> commit(std::size_t n);

    // The next whole PDU, nullopt when more bytes are needed. Once it has failed, the framer
    // keeps returning the same error (the stream cannot be resynchronised).
    result<std::optional<pdu_frame>> next() noexcept;

    std::size_t buffered() const noexcept { return buffer_.size() - read_; }
    // Stream offset of the first byte not yet returned by next().
    std::uint64_t stream_offset() const noexcept { return consumed_; }
    bool failed() const noexcept { return error_.has_value(); }
    // True when no partial PDU is held (a clean place for the peer to close).
    bool idle() const noexcept { return buffered() == 0; }
    void reset() noexcept;

private:
    void compact();

    framer_limits limits_;
    std::vector<std::byte> buffer_;
    std::size_t read_ = 0;          // start of unreturned bytes in buffer_
    std::size_t prepared_ = 0;      // size of the prepare() area at the end of buffer_
    std::uint64_t consumed_ = 0;    // stream offset of buffer_[read_]
    std::optional<codec_error> error_;
};

} // namespace epmdump::dcerpc
