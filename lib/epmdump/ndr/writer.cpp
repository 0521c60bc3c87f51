#include <epmdump/ndr/reader.hpp>
#include <epmdump/ndr/writer.hpp>

#include <array>

namespace epmdump::ndr {

void writer::align(std::size_t n) { out_.resize(out_.size() + (n - out_.size() % n) % n, std::byte{0}); }

void writer::store(std::size_t at, std::uint64_t v, std::size_t width)
{
    for (std::size_t i = 0; i < width; ++i)
    {
        const std::size_t shift = rep_.integer == byte_order::little ? 8 * i : 8 * (width - 1 - i);
        out_[at + i] = static_cast<std::byte>((v >> shift) & 0xFF);
    }
}

void writer::put(std::uint64_t v, std::size_t width)
{
    align(width);
    const std::size_t at = out_.size();
    out_.resize(at + width);
    store(at, v, width);
}

void writer::u8(std::uint8_t v) { out_.push_back(std::byte{v}); }
void writer::u16(std::uint16_t v) { put(v, 2); }
void writer::u32(std::uint32_t v) { put(v, 4); }
void writer::u64(std::uint64_t v) { put(v, 8); }
void writer::bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }
void writer::patch_u16(std::size_t at, std::uint16_t v) { store(at, v, 2); }
void writer::patch_u32(std::size_t at, std::uint32_t v) { store(at, v, 4); }

void writer::guid(const uuid& v)
{
    align(4);
    std::array<std::byte, 16> wire{};
    store_guid(v, wire, rep_.integer == byte_order::little ? guid_order::little_endian : guid_order::big_endian);
    bytes(wire);
}

void writer::count(std::uint64_t v)
{
    if (syntax_ == transfer_syntax::ndr64)
        u64(v);
    else
        u32(static_cast<std::uint32_t>(v));
}

void writer::varying_string(std::string_view text)
{
    count(0);
    count(text.size() + 1);
    for (char c : text)
        out_.push_back(std::byte{rep_.character == char_set::ebcdic ? ascii_to_ebcdic(c) : static_cast<std::uint8_t>(c)});
    out_.push_back(std::byte{0});
}

} // namespace epmdump::ndr
