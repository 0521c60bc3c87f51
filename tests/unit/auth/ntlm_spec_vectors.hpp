#pragma once
// [MS-NLMP] 4.2.4.3: the CHALLENGE_MESSAGE of the spec's NTLMv2 example (server "Server",
// domain "Domain"), shared by the message and context tests.
#include "support/test_files.hpp"

#include <vector>

namespace epmdump::test {

inline const std::vector<std::byte> spec_challenge = from_hex(
    "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000"
    "060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c005300650072007600"
    "6500720000000000");

} // namespace epmdump::test
