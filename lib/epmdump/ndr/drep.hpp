#pragma once
// Data representation label: C706 §14.1 (format label) and §12.6.3.1 (packed_drep).
#include <epmdump/core/byte_order.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace epmdump::ndr {

using epmdump::byte_order; // drep[0]'s high nibble names one
enum class char_set : std::uint8_t { ascii = 0, ebcdic = 1 };

// Only NDR 2.0 (8a885d04-...) and NDR64 (71710533-...) are transfer syntaxes we speak.
enum class transfer_syntax : std::uint8_t { ndr20, ndr64 };

struct drep
{
    byte_order integer = byte_order::little;
    char_set character = char_set::ascii;
    std::uint8_t floating = 0; // 0 IEEE, 1 VAX, 2 Cray, 3 IBM; the EPM has no floats

    // drep[0]: high nibble integer order, low nibble character set; drep[1]: float format.
    static constexpr drep from_bytes(std::uint8_t b0, std::uint8_t b1) noexcept
    {
        return drep{(b0 & 0xF0) == 0x10 ? byte_order::little : byte_order::big,
                    (b0 & 0x0F) == 0x01 ? char_set::ebcdic : char_set::ascii, b1};
    }
    constexpr std::array<std::byte, 4> to_bytes() const noexcept
    {
        return {std::byte(((integer == byte_order::little ? 1u : 0u) << 4) |
                          (character == char_set::ebcdic ? 1u : 0u)),
                std::byte(floating), std::byte{0}, std::byte{0}};
    }
    friend constexpr bool operator==(drep, drep) = default;
};

inline constexpr drep little_endian_ascii{};
inline constexpr drep big_endian_ascii{byte_order::big, char_set::ascii, 0};

} // namespace epmdump::ndr
