#pragma once
// The one bounded reader of received bytes: every load checks the span first, integers come in
// either byte order through Boost.Endian, and running past the end is a codec_error (truncated)
// at the offset where the value starts. Header-only and allocation-free, so a load compiles to a
// bounds check and one move.
#include <epmdump/core/byte_order.hpp>
#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/uuid.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace epmdump {

class byte_cursor
{
public:
    // base_offset is where data starts in the caller's buffer: errors report offsets there.
    constexpr byte_cursor(std::span<const std::byte> data, byte_order order, std::size_t base_offset = 0) noexcept
        : data_(data), order_(order), base_(base_offset)
    {
    }

    byte_order order() const noexcept { return order_; }
    std::size_t position() const noexcept { return pos_; }       // from the cursor's start
    std::size_t offset() const noexcept { return base_ + pos_; } // in the caller's buffer
    std::size_t remaining() const noexcept { return data_.size() - pos_; }
    bool at_end() const noexcept { return pos_ == data_.size(); }
    std::span<const std::byte> rest() const noexcept { return data_.subspan(pos_); }

    codec_error error(codec_errc code, std::string_view detail = {}) const noexcept
    {
        return codec_error{code, offset(), detail};
    }

    // Pads to a multiple of n counted from the cursor's start (NDR alignment).
    result<void> align(std::size_t n, std::string_view detail = "alignment padding") noexcept
    {
        const std::size_t pad = (n - pos_ % n) % n;
        if (pad > remaining()) return error(codec_errc::truncated, detail);
        pos_ += pad;
        return {};
    }

    result<void> skip(std::size_t n, std::string_view detail = {}) noexcept
    {
        if (n > remaining()) return error(codec_errc::truncated, detail);
        pos_ += n;
        return {};
    }

    result<std::span<const std::byte>> bytes(std::size_t n, std::string_view detail = {}) noexcept
    {
        if (n > remaining()) return error(codec_errc::truncated, detail);
        const auto out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }

    template <std::size_t N>
    result<std::span<const std::byte, N>> bytes(std::string_view detail = {}) noexcept
    {
        if (N > remaining()) return error(codec_errc::truncated, detail);
        const auto out = data_.subspan(pos_).template first<N>();
        pos_ += N;
        return out;
    }

    result<std::uint8_t> u8(std::string_view detail = {}) noexcept { return next<std::uint8_t>(detail); }
    result<std::uint16_t> u16(std::string_view detail = {}) noexcept { return next<std::uint16_t>(detail); }
    result<std::uint32_t> u32(std::string_view detail = {}) noexcept { return next<std::uint32_t>(detail); }
    result<std::uint64_t> u64(std::string_view detail = {}) noexcept { return next<std::uint64_t>(detail); }

    // A GUID whose first three fields are in the cursor's byte order (C706 App. A).
    result<uuid> guid(std::string_view detail = {}) noexcept
    {
        auto b = bytes<16>(detail);
        if (!b) return b.error();
        return load_guid(*b, order_);
    }

    // The next n bytes as a cursor of their own (same byte order, offsets continuing this
    // one's), which cannot read past them; this cursor moves past them.
    result<byte_cursor> sub(std::size_t n, std::string_view detail = {}) noexcept
    {
        const std::size_t at = offset();
        auto b = bytes(n, detail);
        if (!b) return b.error();
        return byte_cursor(*b, order_, at);
    }

private:
    template <std::unsigned_integral T>
    result<T> next(std::string_view detail) noexcept
    {
        if (sizeof(T) > remaining()) return error(codec_errc::truncated, detail);
        const T v = load<T>(data_.subspan(pos_).template first<sizeof(T)>(), order_);
        pos_ += sizeof(T);
        return v;
    }

    std::span<const std::byte> data_;
    byte_order order_;
    std::size_t base_;
    std::size_t pos_ = 0;
};

} // namespace epmdump
