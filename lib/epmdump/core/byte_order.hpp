#pragma once
// Which end of an integer comes first on the wire (NDR's drep integer nibble, C706 §14.1; pcap's
// magic; GUID fields), and the one load and store of an integer in either order (Boost.Endian).
#include <boost/endian/conversion.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

namespace epmdump {

enum class byte_order : std::uint8_t { big = 0, little = 1 };

// The integer in bytes whose length is already known to be right (a fixed-extent span): fixed
// layouts (IP, TCP, pcap headers) check their size once, the byte_cursor checks every value.
template <std::unsigned_integral T>
inline T load(std::span<const std::byte, sizeof(T)> bytes, byte_order order) noexcept
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    return order == byte_order::little ? boost::endian::endian_load<T, sizeof(T), boost::endian::order::little>(p)
                                       : boost::endian::endian_load<T, sizeof(T), boost::endian::order::big>(p);
}

template <std::unsigned_integral T>
inline void store(std::span<std::byte, sizeof(T)> bytes, T value, byte_order order) noexcept
{
    auto* p = reinterpret_cast<unsigned char*>(bytes.data());
    if (order == byte_order::little)
        boost::endian::endian_store<T, sizeof(T), boost::endian::order::little>(p, value);
    else
        boost::endian::endian_store<T, sizeof(T), boost::endian::order::big>(p, value);
}

} // namespace epmdump
