#include <epmdump/dcerpc/syntax.hpp>

namespace epmdump::dcerpc {

namespace {
constexpr uuid make_uuid(std::uint32_t a, std::uint16_t b, std::uint16_t c, std::uint64_t tail) noexcept
{
    uuid u{};
    u.data[0] = static_cast<std::uint8_t>(a >> 24);
    u.data[1] = static_cast<std::uint8_t>(a >> 16);
    u.data[2] = static_cast<std::uint8_t>(a >> 8);
    u.data[3] = static_cast<std::uint8_t>(a);
    u.data[4] = static_cast<std::uint8_t>(b >> 8);
    u.data[5] = static_cast<std::uint8_t>(b);
    u.data[6] = static_cast<std::uint8_t>(c >> 8);
    u.data[7] = static_cast<std::uint8_t>(c);
    for (int i = 0; i < 8; ++i) u.data[8 + i] = static_cast<std::uint8_t>(tail >> (56 - 8 * i));
    return u;
}
constexpr std::uint32_t feature_time_low = 0x6cb71c2c;
constexpr std::uint16_t feature_time_mid = 0x9812;
constexpr std::uint16_t feature_time_hi = 0x4540;
} // namespace

syntax_id ndr20_syntax() noexcept
{
    return {make_uuid(0x8a885d04, 0x1ceb, 0x11c9, 0x9fe808002b104860ull), 2, 0};
}

syntax_id ndr64_syntax() noexcept
{
    return {make_uuid(0x71710533, 0xbeba, 0x4937, 0x8319b5dbef9ccc36ull), 1, 0};
}

syntax_id bind_time_feature_syntax(std::uint64_t features) noexcept
{
    auto s = syntax_id{make_uuid(feature_time_low, feature_time_mid, feature_time_hi, 0), 1, 0};
    for (int i = 0; i < 8; ++i) s.id.data[8 + i] = static_cast<std::uint8_t>(features >> (8 * i));
    return s;
}

std::optional<std::uint64_t> bind_time_features(const syntax_id& s) noexcept
{
    const auto prefix = make_uuid(feature_time_low, feature_time_mid, feature_time_hi, 0);
    for (int i = 0; i < 8; ++i)
        if (s.id.data[i] != prefix.data[i]) return std::nullopt;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= std::uint64_t(s.id.data[8 + i]) << (8 * i);
    return bits;
}

} // namespace epmdump::dcerpc
