#include <epmdump/dcerpc/pdu_framer.hpp>

#include <cstring>

namespace epmdump::dcerpc {

namespace {
codec_error at_stream(codec_error e, std::uint64_t stream_offset) noexcept
{
    e.offset = static_cast<std::size_t>(stream_offset + e.offset);
    return e;
}
} // namespace

result<std::optional<pdu_frame>> frame_at(std::span<const std::byte> data, std::size_t max_frag_length,
                                          std::uint64_t stream_offset) noexcept
{
    // Reject non-DCE/RPC streams (HTTP, TLS, ...) on the first bytes instead of after 16.
    if (!data.empty() && std::to_integer<std::uint8_t>(data[0]) != rpc_vers)
        return at_stream({codec_errc::bad_header, 0, "rpc_vers"}, stream_offset);
    if (data.size() >= 2 && std::to_integer<std::uint8_t>(data[1]) > rpc_vers_minor_max)
        return at_stream({codec_errc::bad_header, 1, "rpc_vers_minor"}, stream_offset);
    if (data.size() < common_header_size) return std::optional<pdu_frame>{};
    auto h = decode_common_header(data);
    if (!h) return at_stream(h.error(), stream_offset);
    if (h->frag_length > max_frag_length)
        return at_stream({codec_errc::limit_exceeded, 8, "frag_length above max_recv_frag"}, stream_offset);
    if (data.size() < h->frag_length) return std::optional<pdu_frame>{};
    return std::optional<pdu_frame>{pdu_frame{*h, data.first(h->frag_length), stream_offset}};
}

void pdu_framer::compact()
{
    if (read_ == 0) return;
    const std::size_t keep = buffer_.size() - read_;
    if (keep != 0) std::memmove(buffer_.data(), buffer_.data() + read_, keep);
    buffer_.resize(keep);
    read_ = 0;
}

result<void> pdu_framer::feed(std::span<const std::byte> chunk)
{
    if (error_) return *error_;
    if (prepared_ != 0) (void)commit(0);
    if (chunk.size() > limits_.max_buffered - std::min(limits_.max_buffered, buffered()))
    {
        error_ = codec_error{codec_errc::limit_exceeded,
                             static_cast<std::size_t>(consumed_ + limits_.max_buffered), "buffered bytes"};
        return *error_;
    }
    compact();
    buffer_.insert(buffer_.end(), chunk.begin(), chunk.end());
    return {};
}

std::span<std::byte> pdu_framer::prepare(std::size_t n)
{
    if (prepared_ != 0) (void)commit(0);
    compact();
    const std::size_t room = limits_.max_buffered - std::min(limits_.max_buffered, buffered());
    // Hand out at least one byte when full so a reader notices the cap via commit().
    n = std::min(n, std::max<std::size_t>(room, 1));
    const std::size_t at = buffer_.size();
    buffer_.resize(at + n);
    prepared_ = n;
    return {buffer_.data() + at, n};
}

result<void> pdu_framer::commit(std::size_t n)
{
    n = std::min(n, prepared_);
    buffer_.resize(buffer_.size() - (prepared_ - n));
    prepared_ = 0;
    if (error_) return *error_;
    if (buffered() > limits_.max_buffered)
    {
        error_ = codec_error{codec_errc::limit_exceeded,
                             static_cast<std::size_t>(consumed_ + limits_.max_buffered), "buffered bytes"};
        return *error_;
    }
    return {};
}

result<std::optional<pdu_frame>> pdu_framer::next() noexcept
{
    if (error_) return *error_;
    const std::span<const std::byte> pending(buffer_.data() + read_, buffered() - prepared_);
    auto frame = frame_at(pending, limits_.max_frag_length, consumed_);
    if (!frame)
    {
        error_ = frame.error();
        return *error_;
    }
    if (*frame)
    {
        read_ += (*frame)->bytes.size();
        consumed_ += (*frame)->bytes.size();
    }
    return frame;
}

void pdu_framer::reset() noexcept
{
    buffer_.clear();
    read_ = 0;
    prepared_ = 0;
    consumed_ = 0;
    error_.reset();
}

} // namespace epmdump::dcerpc
