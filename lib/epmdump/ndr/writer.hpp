#pragma once
// NDR 2.0 / NDR64 writer: the mirror of reader, in any byte order (tests build big-endian twins).
#include <epmdump/core/uuid.hpp>
#include <epmdump/ndr/drep.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace epmdump::ndr {

class writer
{
public:
    explicit writer(drep rep = little_endian_ascii, transfer_syntax syntax = transfer_syntax::ndr20)
        : rep_(rep), syntax_(syntax)
    {
    }

    drep representation() const noexcept { return rep_; }
    transfer_syntax syntax() const noexcept { return syntax_; }
    std::size_t size() const noexcept { return out_.size(); }

    void align(std::size_t n);                     // pads with zero bytes
    void u8(std::uint8_t v);
    void u16(std::uint16_t v);                     // aligned to 2
    void u32(std::uint32_t v);                     // aligned to 4
    void u64(std::uint64_t v);                     // aligned to 8
    void bytes(std::span<const std::byte> b);
    void guid(const uuid& v);                      // aligned to 4, first three fields in drep order
    void count(std::uint64_t v);                   // u32 (NDR 2.0) or u64 (NDR64)
    void pointer(std::uint64_t referent_id) { count(referent_id); }
    // offset 0, actual_count incl. NUL, chars (EBCDIC when the drep says so), NUL.
    void varying_string(std::string_view text);

    // Overwrites a u16/u32 already written (frag_length and friends) in the writer's byte order.
    void patch_u16(std::size_t at, std::uint16_t v);
    void patch_u32(std::size_t at, std::uint32_t v);

    std::vector<std::byte>& buffer() noexcept { return out_; }
    std::vector<std::byte> take() noexcept { return std::move(out_); }

private:
    template <class T>
    void put(T v); // aligned to sizeof(T)
    template <class T>
    void patch(std::size_t at, T v);

    drep rep_;
    transfer_syntax syntax_;
    std::vector<std::byte> out_;
};

} // namespace epmdump::ndr
