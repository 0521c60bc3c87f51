#pragma once
// UUID value type for interface, object and transfer-syntax identifiers.
#include <boost/uuid/uuid.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace epmdump {

using uuid = boost::uuids::uuid;

// Parses "a4f1db00-ca47-1067-b31f-00dd010662da" (case-insensitive, optional braces);
// nullopt on anything else. Never throws.
std::optional<uuid> parse_uuid(std::string_view text) noexcept;

// Lower-case canonical form, as Windows rpcdump and tshark print it.
std::string to_string(const uuid& value);

constexpr uuid nil_uuid() noexcept { return uuid{}; }

struct uuid_hash
{
    std::size_t operator()(const uuid& value) const noexcept;
};

} // namespace epmdump
