#pragma once
// UUID value type for interface, object and transfer-syntax identifiers.
#include <epmdump/core/byte_order.hpp>
#include <epmdump/core/hex.hpp>

#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace epmdump {

using uuid = boost::uuids::uuid;

// Parses "a4f1db00-ca47-1067-b31f-00dd010662da" (case-insensitive, optional braces);
// nullopt on anything else. Never throws.
constexpr std::optional<uuid> parse_uuid(std::string_view text) noexcept
{
    if (text.size() == 38 && text.front() == '{' && text.back() == '}') text = text.substr(1, 36);
    if (text.size() != 36) return std::nullopt;
    uuid value{};
    std::size_t out = 0;
    for (std::size_t i = 0; i < text.size();)
    {
        if (i == 8 || i == 13 || i == 18 || i == 23)
        {
            if (text[i] != '-') return std::nullopt;
            ++i;
            continue;
        }
        const int hi = hex_value(text[i]);
        const int lo = hex_value(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        value.data[out++] = static_cast<std::uint8_t>(hi * 16 + lo);
        i += 2;
    }
    return value;
}

// A UUID written in the source ("8a885d04-1ceb-11c9-9fe8-08002b104860"): malformed text does
// not compile.
consteval uuid uuid_literal(std::string_view text)
{
    const auto value = parse_uuid(text);
    if (!value) throw "not a UUID"; // in a constant expression: a compile error
    return *value;
}

// A GUID's first three fields (time_low, time_mid, time_hi_and_version) are integers in the
// sender's byte order; the last 8 octets are bytes (C706 App. A, [MS-DTYP] 2.3.4.2). uuid holds
// the big-endian (text) order. These convert 16 wire octets in either order.
uuid load_guid(std::span<const std::byte, 16> wire, byte_order order) noexcept;
void store_guid(const uuid& value, std::span<std::byte, 16> wire, byte_order order) noexcept;

// Lower-case canonical form, as Windows rpcdump and tshark print it: Boost's own, declared here
// so that epmdump::to_string(u) and an unqualified to_string(u) (found by ADL in boost::uuids)
// name the same function, and `using namespace epmdump` beside uuid_io.hpp is not ambiguous.
using boost::uuids::to_string;

constexpr uuid nil_uuid() noexcept { return uuid{}; }

struct uuid_hash
{
    std::size_t operator()(const uuid& value) const noexcept;
};

} // namespace epmdump
