#include <epmdump/dcerpc/syntax.hpp>

namespace epmdump::dcerpc {

namespace {
// The fixed first 8 octets of the feature negotiation syntax; the last 8 are the bitmask.
constexpr uuid feature_prefix = uuid_literal("6cb71c2c-9812-4540-0000-000000000000");
constexpr uuid ndr20_uuid = uuid_literal("8a885d04-1ceb-11c9-9fe8-08002b104860");
constexpr uuid ndr64_uuid = uuid_literal("71710533-beba-4937-8319-b5dbef9ccc36");
} // namespace

syntax_id ndr20_syntax() noexcept
{
    return {ndr20_uuid, 2, 0};
}

syntax_id ndr64_syntax() noexcept
{
    return {ndr64_uuid, 1, 0};
}

syntax_id bind_time_feature_syntax(std::uint64_t features) noexcept
{
    auto s = syntax_id{feature_prefix, 1, 0};
    for (int i = 0; i < 8; ++i) s.id.data[8 + i] = static_cast<std::uint8_t>(features >> (8 * i));
    return s;
}

std::optional<std::uint64_t> bind_time_features(const syntax_id& s) noexcept
{
    for (int i = 0; i < 8; ++i)
        if (s.id.data[i] != feature_prefix.data[i]) return std::nullopt;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= std::uint64_t(s.id.data[8 + i]) << (8 * i);
    return bits;
}

} // namespace epmdump::dcerpc
