#pragma once
// Small helpers shared by the dcerpc tests.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/uuid.hpp>

#include "support/codec_checks.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::test {

inline std::vector<std::byte> hex(std::string_view h) { return from_hex(h); }

inline uuid must_uuid(std::string_view text)
{
    auto u = parse_uuid(text);
    REQUIRE(u.has_value());
    return *u;
}

inline std::vector<std::byte> concat(std::initializer_list<std::span<const std::byte>> parts)
{
    std::vector<std::byte> out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

inline std::vector<std::byte> pattern(std::size_t n, unsigned seed = 1)
{
    std::vector<std::byte> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = std::byte(static_cast<unsigned char>((i * 31 + seed * 7) & 0xFF));
    return out;
}

inline std::vector<std::byte> to_vector(std::span<const std::byte> s) { return {s.begin(), s.end()}; }

} // namespace epmdump::test
