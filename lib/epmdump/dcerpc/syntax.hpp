#pragma once
// Transfer syntaxes we offer in bind, and the bind-time feature negotiation pseudo-syntax
// ([MS-RPCE] 3.3.1.5.3, 2.2.2.14).
#include <epmdump/epm/endpoint.hpp>

#include <cstdint>
#include <optional>

namespace epmdump::dcerpc {

// NDR 2.0: 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0 (C706 App. I).
epm::syntax_id ndr20_syntax() noexcept;
// NDR64: 71710533-beba-4937-8319-b5dbef9ccc36 v1.0 ([MS-RPCE] 2.2.5).
epm::syntax_id ndr64_syntax() noexcept;

// BindTimeFeatureNegotiationBitmask bits ([MS-RPCE] 2.2.2.14).
inline constexpr std::uint64_t feature_security_context_multiplexing = 0x01;
inline constexpr std::uint64_t feature_keep_connection_on_orphan = 0x02;

// 6cb71c2c-9812-4540-XXXX-XXXXXXXXXXXX v1.0: the first 8 octets are fixed, the last 8 carry
// the bitmask, least significant octet first ([MS-RPCE] 3.3.1.5.3).
epm::syntax_id bind_time_feature_syntax(std::uint64_t features) noexcept;
// The bitmask when s is a bind-time feature negotiation syntax, else nullopt.
std::optional<std::uint64_t> bind_time_features(const epm::syntax_id& s) noexcept;

} // namespace epmdump::dcerpc
