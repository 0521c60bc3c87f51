#include <epmdump/ndr/reader.hpp>
#include <epmdump/ndr/writer.hpp>

#include <array>

namespace epmdump::ndr {

void writer::align(std::size_t n) { out_.resize(out_.size() + (n - out_.size() % n) % n, std::byte{0}); }

template <class T>
void writer::put(T v)
{
    align(sizeof(T));
    const std::size_t at = out_.size();
    out_.resize(at + sizeof(T));
    patch(at, v);
}

template <class T>
void writer::patch(std::size_t at, T v)
{
    store(std::span(out_).subspan(at).template first<sizeof(T)>(), v, rep_.integer);
}

void writer::u8(std::uint8_t v) { out_.push_back(std::byte{v}); }
void writer::u16(std::uint16_t v) { put(v); }
void writer::u32(std::uint32_t v) { put(v); }
void writer::u64(std::uint64_t v) { put(v); }
void writer::bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }
void writer::patch_u16(std::size_t at, std::uint16_t v) { patch(at, v); }
void writer::patch_u32(std::size_t at, std::uint32_t v) { patch(at, v); }

void writer::guid(const uuid& v)
{
    align(4);
    std::array<std::byte, 16> wire{};
    store_guid(v, wire, rep_.integer);
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
