#pragma once
// Bounded NDR 2.0 / NDR64 reader over a stub (C706 ch. 14, [MS-RPCE] 2.2.5).
// Every read checks the span first; alignment is relative to the stub start.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/uuid.hpp>
#include <epmdump/ndr/drep.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace epmdump::ndr {

class reader
{
public:
    // base_offset is where data starts in the caller's buffer; errors report absolute offsets.
    reader(std::span<const std::byte> data, drep rep, transfer_syntax syntax = transfer_syntax::ndr20,
           std::size_t base_offset = 0) noexcept
        : data_(data), rep_(rep), syntax_(syntax), base_(base_offset)
    {
    }

    drep representation() const noexcept { return rep_; }
    transfer_syntax syntax() const noexcept { return syntax_; }
    std::size_t position() const noexcept { return pos_; }             // within the stub
    std::size_t offset() const noexcept { return base_ + pos_; }       // within the caller's buffer
    std::size_t remaining() const noexcept { return data_.size() - pos_; }
    bool at_end() const noexcept { return pos_ == data_.size(); }

    codec_error error(codec_errc code, std::string_view detail = {}) const noexcept
    {
        return codec_error{code, offset(), detail};
    }

    result<void> align(std::size_t n) noexcept;
    result<void> skip(std::size_t n) noexcept;
    result<std::uint8_t> u8() noexcept;
    result<std::uint16_t> u16() noexcept;   // aligned to 2
    result<std::uint32_t> u32() noexcept;   // aligned to 4
    result<std::uint64_t> u64() noexcept;   // aligned to 8
    result<std::span<const std::byte>> bytes(std::size_t n) noexcept; // no alignment

    // GUID (C706 App. A): time_low, time_mid, time_hi in the stream's byte order, then 8 bytes.
    // Aligned to 4 like the struct it is.
    result<uuid> guid() noexcept;

    // A conformance/variance count or array size: u32 in NDR 2.0, u64 in NDR64.
    result<std::uint64_t> count() noexcept;
    // A referent id of a unique/full/ref pointer: u32 in NDR 2.0, u64 in NDR64. 0 = null.
    result<std::uint64_t> pointer() noexcept;

    // Varying string of 8-bit chars (offset, actual_count, chars incl. NUL). EBCDIC is
    // translated to ASCII; the terminating NUL is dropped. max_chars counts the NUL:
    // actual_count above it, or max_chars characters with no NUL among them, fails.
    result<std::string> varying_string(std::size_t max_chars) noexcept;

private:
    std::span<const std::byte> data_;
    drep rep_;
    transfer_syntax syntax_;
    std::size_t base_;
    std::size_t pos_ = 0;
};

// EBCDIC (code page 037) to ASCII for the printable repertoire; others map to '?'.
char ebcdic_to_ascii(std::uint8_t c) noexcept;
std::uint8_t ascii_to_ebcdic(char c) noexcept;

} // namespace epmdump::ndr
