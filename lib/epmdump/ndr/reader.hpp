#pragma once
// Bounded NDR 2.0 / NDR64 reader over a stub (C706 ch. 14, [MS-RPCE] 2.2.5).
// Every read goes through one byte_cursor; alignment is relative to the stub start.
#include <epmdump/core/byte_cursor.hpp>
#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/uuid.hpp>
#include <epmdump/ndr/drep.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace epmdump::ndr {

class reader
{
public:
    // base_offset is where data starts in the caller's buffer; errors report absolute offsets.
    reader(std::span<const std::byte> data, drep rep, transfer_syntax syntax = transfer_syntax::ndr20,
           std::size_t base_offset = 0) noexcept
        : in_(data, rep.integer, base_offset), rep_(rep), syntax_(syntax)
    {
    }

    drep representation() const noexcept { return rep_; }
    transfer_syntax syntax() const noexcept { return syntax_; }
    std::size_t position() const noexcept { return in_.position(); } // within the stub
    std::size_t offset() const noexcept { return in_.offset(); }     // within the caller's buffer
    std::size_t remaining() const noexcept { return in_.remaining(); }
    bool at_end() const noexcept { return in_.at_end(); }

    codec_error error(codec_errc code, std::string_view detail = {}) const noexcept { return in_.error(code, detail); }

    result<void> align(std::size_t n) noexcept { return in_.align(n); }
    result<void> skip(std::size_t n) noexcept { return in_.skip(n); }
    result<std::uint8_t> u8() noexcept { return in_.u8(); }
    result<std::uint16_t> u16() noexcept { return aligned<std::uint16_t>(); } // aligned to 2
    result<std::uint32_t> u32() noexcept { return aligned<std::uint32_t>(); } // aligned to 4
    result<std::uint64_t> u64() noexcept { return aligned<std::uint64_t>(); } // aligned to 8
    result<std::span<const std::byte>> bytes(std::size_t n) noexcept { return in_.bytes(n); } // no alignment

    // The next n bytes after padding to `alignment`, moved past, when all of them are there: one
    // bounds check for a fixed-size run of fields. nullopt (nothing moved) when they are not: the
    // caller then reads field by field, and the field that is cut reports the error.
    std::optional<std::span<const std::byte>> block(std::size_t alignment, std::size_t n) noexcept
    {
        const std::size_t pad = (alignment - in_.position() % alignment) % alignment;
        if (pad > in_.remaining() || n > in_.remaining() - pad) return std::nullopt;
        const auto out = in_.rest().subspan(pad, n);
        (void)in_.skip(pad + n);
        return out;
    }
    // The integer at `at` of a block(), in the stream's byte order.
    template <std::unsigned_integral T>
    T load_at(std::span<const std::byte> b, std::size_t at) const noexcept
    {
        return load<T>(b.subspan(at).template first<sizeof(T)>(), rep_.integer);
    }
    // A count (u32 in NDR 2.0, u64 in NDR64) at `at` of a block().
    std::uint64_t count_at(std::span<const std::byte> b, std::size_t at) const noexcept
    {
        return syntax_ == transfer_syntax::ndr64 ? load_at<std::uint64_t>(b, at) : load_at<std::uint32_t>(b, at);
    }
    std::size_t count_size() const noexcept { return syntax_ == transfer_syntax::ndr64 ? 8 : 4; }

    // GUID (C706 App. A): time_low, time_mid, time_hi in the stream's byte order, then 8 bytes.
    // Aligned to 4 like the struct it is.
    result<uuid> guid() noexcept
    {
        if (auto r = in_.align(4); !r) return r.error();
        return in_.guid();
    }

    // A conformance/variance count or array size: u32 in NDR 2.0, u64 in NDR64.
    result<std::uint64_t> count() noexcept
    {
        if (syntax_ == transfer_syntax::ndr64) return u64();
        auto v = u32();
        if (!v) return v.error();
        return std::uint64_t{*v};
    }
    // A referent id of a unique/full/ref pointer: u32 in NDR 2.0, u64 in NDR64. 0 = null.
    result<std::uint64_t> pointer() noexcept { return count(); }

    // Reads each field in turn by its type (u8/u16/u32/u64, uuid as guid()), as a struct's
    // members are laid out; the first error stops it and is returned.
    template <class... Fields>
    result<void> read(Fields&... fields) noexcept
    {
        result<void> r;
        (void)((r = read_one(fields)).has_value() && ...);
        return r;
    }

    // Varying string of 8-bit chars (offset, actual_count, chars incl. NUL). EBCDIC is
    // translated to ASCII; the terminating NUL is dropped. max_chars counts the NUL:
    // actual_count above it, or max_chars characters with no NUL among them, fails.
    result<std::string> varying_string(std::size_t max_chars) noexcept;
    // The same checks, but the characters before the NUL as they sit in the buffer (not
    // translated from EBCDIC): for views that must not allocate.
    result<std::span<const std::byte>> varying_chars(std::size_t max_chars) noexcept;
    // varying_chars() once its offset and actual_count are read (from a block()): the checks and
    // the characters. offset_at / actual_at: where those counts sit, for the errors.
    result<std::span<const std::byte>> varying_chars_after(std::uint64_t offset, std::size_t offset_at,
                                                           std::uint64_t actual, std::size_t actual_at,
                                                           std::size_t max_chars) noexcept;

private:
    template <class T>
    static result<void> assign(result<T> value, T& out) noexcept
    {
        if (!value) return value.error();
        out = *value;
        return {};
    }
    result<void> read_one(std::uint8_t& v) noexcept { return assign(u8(), v); }
    result<void> read_one(std::uint16_t& v) noexcept { return assign(u16(), v); }
    result<void> read_one(std::uint32_t& v) noexcept { return assign(u32(), v); }
    result<void> read_one(std::uint64_t& v) noexcept { return assign(u64(), v); }
    result<void> read_one(uuid& v) noexcept { return assign(guid(), v); }

    // NDR aligns every primitive to its size (C706 §14.2.2).
    template <class T>
    result<T> aligned() noexcept
    {
        if (auto r = in_.align(sizeof(T)); !r) return r.error();
        if constexpr (sizeof(T) == 2) return in_.u16();
        else if constexpr (sizeof(T) == 4) return in_.u32();
        else return in_.u64();
    }

    byte_cursor in_;
    drep rep_;
    transfer_syntax syntax_;
};

// EBCDIC (code page 037) to ASCII for the printable repertoire; others map to '?'.
char ebcdic_to_ascii(std::uint8_t c) noexcept;
std::uint8_t ascii_to_ebcdic(char c) noexcept;

} // namespace epmdump::ndr
