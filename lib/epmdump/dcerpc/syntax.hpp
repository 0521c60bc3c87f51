#pragma once
// Presentation syntax identifiers (p_syntax_id_t), the transfer syntaxes we offer in bind, and
// the bind-time feature negotiation pseudo-syntax ([MS-RPCE] 3.3.1.5.3, 2.2.2.14).
#include <epmdump/core/uuid.hpp>

#include <cstdint>
#include <optional>

namespace epmdump::dcerpc {

// Interface or transfer syntax identity: p_syntax_id_t (C706 §12.6.3.1), as bind contexts and a
// tower's floors 1-2 (C706 App. L) carry it.
struct syntax_id
{
    uuid id{};
    std::uint16_t major = 0;
    std::uint16_t minor = 0;
    friend bool operator==(const syntax_id&, const syntax_id&) = default;
    // Boost.Uuid has no operator<=>, so order by hand: uuid, then major, then minor.
    friend bool operator<(const syntax_id& a, const syntax_id& b) noexcept
    {
        if (a.id != b.id) return a.id < b.id;
        if (a.major != b.major) return a.major < b.major;
        return a.minor < b.minor;
    }
};

// NDR 2.0: 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0 (C706 App. I).
syntax_id ndr20_syntax() noexcept;
// NDR64: 71710533-beba-4937-8319-b5dbef9ccc36 v1.0 ([MS-RPCE] 2.2.5).
syntax_id ndr64_syntax() noexcept;

// BindTimeFeatureNegotiationBitmask bits ([MS-RPCE] 2.2.2.14).
inline constexpr std::uint64_t feature_security_context_multiplexing = 0x01;
inline constexpr std::uint64_t feature_keep_connection_on_orphan = 0x02;

// 6cb71c2c-9812-4540-XXXX-XXXXXXXXXXXX v1.0: the first 8 octets are fixed, the last 8 carry
// the bitmask, least significant octet first ([MS-RPCE] 3.3.1.5.3).
syntax_id bind_time_feature_syntax(std::uint64_t features) noexcept;
// The bitmask when s is a bind-time feature negotiation syntax, else nullopt.
std::optional<std::uint64_t> bind_time_features(const syntax_id& s) noexcept;

} // namespace epmdump::dcerpc
