#pragma once
// Little-endian writer for SMB2 messages (no NDR alignment: SMB2 fields sit where the spec puts
// them) and the reader helpers every decoder shares: structure size checks and offset/length
// buffers that must lie inside the message.
#include <epmdump/core/byte_cursor.hpp>
#include <epmdump/core/byte_order.hpp>
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/create.hpp>
#include <epmdump/smb2/header.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace epmdump::smb2::detail {

class le_writer
{
public:
    explicit le_writer(std::vector<std::byte>& out) noexcept : out_(out) {}
    std::size_t size() const noexcept { return out_.size(); }
    void u8(std::uint8_t v) { out_.push_back(static_cast<std::byte>(v)); }
    void u16(std::uint16_t v) { put(v); }
    void u32(std::uint32_t v) { put(v); }
    void u64(std::uint64_t v) { put(v); }
    void bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }
    void zeros(std::size_t n) { out_.resize(out_.size() + n, std::byte{0}); }
    void pad_to(std::size_t multiple) { zeros((multiple - out_.size() % multiple) % multiple); }
    void patch_u16(std::size_t at, std::uint16_t v) { store(std::span<std::byte, 2>(out_.data() + at, 2), v, byte_order::little); }
    void patch_u32(std::size_t at, std::uint32_t v) { store(std::span<std::byte, 4>(out_.data() + at, 4), v, byte_order::little); }

private:
    template <class T>
    void put(T v)
    {
        const std::size_t at = out_.size();
        out_.resize(at + sizeof(T));
        store(std::span<std::byte, sizeof(T)>(out_.data() + at, sizeof(T)), v, byte_order::little);
    }
    std::vector<std::byte>& out_;
};

// A message's body cursor (after the 64-octet header), its StructureSize checked and its fixed
// part present (so the decoders read the fixed fields without checking each).
result<byte_cursor> body(std::span<const std::byte> message, std::uint16_t structure_size,
                         std::string_view what) noexcept;

// The buffer at [offset, offset + length) of the message (offsets from the header's start);
// a zero length is an empty span wherever the offset points. Out of the message: truncated at
// `field_at`; before the fixed part (`min_offset`): bad_value.
result<std::span<const std::byte>> buffer_at(std::span<const std::byte> message, std::size_t offset,
                                             std::size_t length, std::size_t min_offset, std::size_t field_at,
                                             std::string_view what) noexcept;

// FileId: Persistent then Volatile (16 octets).
result<file_id> read_file_id(byte_cursor& r) noexcept;
void put_file_id(le_writer& w, const file_id& id);

// Starts a message: the header (with h's fields) then nothing.
std::vector<std::byte> start_message(const header& h, std::size_t body_hint = 64);

} // namespace epmdump::smb2::detail
