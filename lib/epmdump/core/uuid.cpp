#include <epmdump/core/uuid.hpp>

#include <boost/endian/conversion.hpp>

#include <cstring>

namespace epmdump {

uuid load_guid(std::span<const std::byte, 16> wire, guid_order order) noexcept
{
    uuid value{};
    std::memcpy(value.data, wire.data(), 16);
    if (order == guid_order::little_endian)
    {
        using boost::endian::load_little_u16;
        using boost::endian::load_little_u32;
        boost::endian::store_big_u32(value.data, load_little_u32(value.data));
        boost::endian::store_big_u16(value.data + 4, load_little_u16(value.data + 4));
        boost::endian::store_big_u16(value.data + 6, load_little_u16(value.data + 6));
    }
    return value;
}

void store_guid(const uuid& value, std::span<std::byte, 16> wire, guid_order order) noexcept
{
    auto* out = reinterpret_cast<unsigned char*>(wire.data());
    std::memcpy(out, value.data, 16);
    if (order == guid_order::little_endian)
    {
        using boost::endian::load_big_u16;
        using boost::endian::load_big_u32;
        boost::endian::store_little_u32(out, load_big_u32(value.data));
        boost::endian::store_little_u16(out + 4, load_big_u16(value.data + 4));
        boost::endian::store_little_u16(out + 6, load_big_u16(value.data + 6));
    }
}

std::size_t uuid_hash::operator()(const uuid& value) const noexcept
{
    // FNV-1a: cheap and good enough for hash maps keyed by interface UUID.
    std::size_t h = 1469598103934665603ull;
    for (auto b : value.data) h = (h ^ b) * 1099511628211ull;
    return h;
}

} // namespace epmdump
