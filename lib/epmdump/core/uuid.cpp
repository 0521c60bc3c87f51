#include <epmdump/core/uuid.hpp>

#include <boost/uuid/uuid_io.hpp>

namespace epmdump {

namespace {
int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
} // namespace

std::optional<uuid> parse_uuid(std::string_view text) noexcept
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

std::string to_string(const uuid& value) { return boost::uuids::to_string(value); }

std::size_t uuid_hash::operator()(const uuid& value) const noexcept
{
    // FNV-1a: cheap and good enough for hash maps keyed by interface UUID.
    std::size_t h = 1469598103934665603ull;
    for (auto b : value.data) h = (h ^ b) * 1099511628211ull;
    return h;
}

} // namespace epmdump
