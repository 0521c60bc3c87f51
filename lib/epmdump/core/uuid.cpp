#include <epmdump/core/uuid.hpp>

#include <algorithm>

namespace epmdump {

// The three integer fields are stored big-endian in uuid (text order), the 8 octets as they are.
uuid load_guid(std::span<const std::byte, 16> wire, byte_order order) noexcept
{
    uuid value{};
    const auto text = std::as_writable_bytes(std::span(value.data));
    store(text.first<4>(), load<std::uint32_t>(wire.first<4>(), order), byte_order::big);
    store(text.subspan<4, 2>(), load<std::uint16_t>(wire.subspan<4, 2>(), order), byte_order::big);
    store(text.subspan<6, 2>(), load<std::uint16_t>(wire.subspan<6, 2>(), order), byte_order::big);
    std::ranges::copy(wire.subspan<8>(), text.subspan<8>().begin());
    return value;
}

void store_guid(const uuid& value, std::span<std::byte, 16> wire, byte_order order) noexcept
{
    const auto text = std::as_bytes(std::span(value.data));
    store(wire.first<4>(), load<std::uint32_t>(text.first<4>(), byte_order::big), order);
    store(wire.subspan<4, 2>(), load<std::uint16_t>(text.subspan<4, 2>(), byte_order::big), order);
    store(wire.subspan<6, 2>(), load<std::uint16_t>(text.subspan<6, 2>(), byte_order::big), order);
    std::ranges::copy(text.subspan<8>(), wire.subspan<8>().begin());
}

std::size_t uuid_hash::operator()(const uuid& value) const noexcept
{
    // FNV-1a: cheap and good enough for hash maps keyed by interface UUID.
    std::size_t h = 1469598103934665603ull;
    for (auto b : value.data) h = (h ^ b) * 1099511628211ull;
    return h;
}

} // namespace epmdump
