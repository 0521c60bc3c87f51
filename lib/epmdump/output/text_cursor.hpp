#pragma once
// Writing into a std::string through a pointer: a writer asks once for room for the most a piece
// (one endpoint entry) may take, writes without a size check per character, then says where it
// ended. std::string's append per key and value (a call, a capacity check and a length update
// each) was most of the JSON writer's time.
#include <epmdump/core/uuid.hpp>

#include <boost/endian/conversion.hpp>

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

namespace detail {

// The 8 lower-case hex digits of 4 bytes (`be`: the bytes as a big-endian number), as a number
// whose big-endian bytes are the digits: each nibble spread to a byte, then '0' + n, plus 39
// more where n > 9 (n + 6 carries into bit 4 just there; no byte can carry into the next).
constexpr std::uint64_t hex_digits(std::uint32_t be) noexcept
{
    std::uint64_t x = be;
    x = ((x & 0xFFFF0000u) << 16) | (x & 0xFFFFu);
    x = ((x & 0x0000FF000000FF00u) << 8) | (x & 0x000000FF000000FFu);
    x = ((x & 0x00F000F000F000F0u) << 4) | (x & 0x000F000F000F000Fu);
    const std::uint64_t letters = ((x + 0x0606060606060606u) >> 4) & 0x0101010101010101u;
    return x + 0x3030303030303030u + letters * 0x27;
}

// Digits in text order, whatever the machine's byte order: one store, no byte-wise staging
// (a local array filled byte by byte and read back whole stalled on store forwarding).
inline void store_digits(char* p, std::uint64_t digits) noexcept
{
    boost::endian::store_big_u64(reinterpret_cast<unsigned char*>(p), digits);
}
inline void store_digits(char* p, std::uint32_t digits) noexcept
{
    boost::endian::store_big_u32(reinterpret_cast<unsigned char*>(p), digits);
}

} // namespace detail

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (36 characters), lower case, as to_string(uuid) writes it.
inline char* put_uuid(char* p, const uuid& id) noexcept
{
    // Eight digits per step from 64-bit arithmetic, not a table load and a store per byte (JSON
    // writes three UUIDs per entry). The bytes are read first: writes through p could alias id.
    const std::uint64_t d0 = detail::hex_digits(boost::endian::load_big_u32(id.data));
    const std::uint64_t d1 = detail::hex_digits(boost::endian::load_big_u32(id.data + 4));
    const std::uint64_t d2 = detail::hex_digits(boost::endian::load_big_u32(id.data + 8));
    const std::uint64_t d3 = detail::hex_digits(boost::endian::load_big_u32(id.data + 12));
    detail::store_digits(p, d0);
    p[8] = '-';
    detail::store_digits(p + 9, static_cast<std::uint32_t>(d1 >> 32));
    p[13] = '-';
    detail::store_digits(p + 14, static_cast<std::uint32_t>(d1));
    p[18] = '-';
    detail::store_digits(p + 19, static_cast<std::uint32_t>(d2 >> 32));
    p[23] = '-';
    detail::store_digits(p + 24, static_cast<std::uint32_t>(d2));
    detail::store_digits(p + 28, d3);
    return p + 36;
}

// put_uuid with the last UUID's text kept: an entry's transfer syntax is nearly always NDR,
// and neighbours share their interface and object, so most UUIDs are a 36-byte copy.
class uuid_text_memo
{
public:
    char* put(char* p, const uuid& id) noexcept
    {
        if (known_ && id == id_)
        {
            std::memcpy(p, text_.data(), text_.size());
            return p + text_.size();
        }
        id_ = id;
        known_ = true;
        put_uuid(text_.data(), id); // written twice, not copied: reading it back just after its
        return put_uuid(p, id);     // narrow stores would stall on store forwarding
    }

private:
    uuid id_{};
    bool known_ = false;
    std::array<char, 36> text_{};
};

} // namespace epmdump::output
