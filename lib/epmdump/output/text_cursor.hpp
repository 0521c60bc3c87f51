#pragma once
// Writing into a std::string through a pointer: a writer asks once for room for the most a piece
// (one endpoint entry) may take, writes without a size check per character, then says where it
// ended. std::string's append per key and value (a call, a capacity check and a length update
// each) was most of the JSON writer's time.
#include <epmdump/core/uuid.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace epmdump::output {

class text_cursor
{
public:
    explicit text_cursor(std::string& out) noexcept : out_(out), start_(out.size()), used_(out.size()) {}
    text_cursor(const text_cursor&) = delete;
    text_cursor& operator=(const text_cursor&) = delete;
    ~text_cursor() { out_.resize(used_); } // shrinking never allocates

    // Where to write up to n characters; hand the end of what was written to done(). Room grows
    // by at least what this cursor wrote so far, so growing (and its zero fill) stays linear.
    char* room(std::size_t n)
    {
        if (out_.size() - used_ < n) out_.resize(used_ + std::max(n, used_ - start_));
        return out_.data() + used_;
    }
    void done(const char* end) noexcept { used_ = static_cast<std::size_t>(end - out_.data()); }

private:
    std::string& out_;
    std::size_t start_;
    std::size_t used_;
};

// s at p; the end.
inline char* put(char* p, std::string_view s) noexcept
{
    if (s.empty()) return p; // an empty view's data() may be null, which memcpy must not get
    std::memcpy(p, s.data(), s.size());
    return p + s.size();
}

// Two lower-case hex digits per byte value: one load per byte instead of two digit lookups.
inline constexpr auto hex_pairs = [] {
    std::array<char, 512> t{};
    constexpr std::string_view digits = "0123456789abcdef";
    for (std::size_t i = 0; i < 256; ++i)
    {
        t[2 * i] = digits[i >> 4];
        t[2 * i + 1] = digits[i & 0x0F];
    }
    return t;
}();

inline char* put_hex_byte(char* p, std::uint8_t b) noexcept
{
    std::memcpy(p, &hex_pairs[2 * std::size_t{b}], 2);
    return p + 2;
}

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (36 characters), lower case, as to_string(uuid) writes it.
inline char* put_uuid(char* p, const uuid& id) noexcept
{
    // The bytes copied first: writes through p could alias id. Digits go straight to p (a local
    // text read back in wide loads after narrow stores stalled on store forwarding).
    constexpr std::array<std::uint8_t, 16> at{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), id.data, bytes.size());
    for (std::size_t i = 0; i < 16; ++i) put_hex_byte(p + at[i], bytes[i]);
    p[8] = p[13] = p[18] = p[23] = '-';
    return p + 36;
}

} // namespace epmdump::output
