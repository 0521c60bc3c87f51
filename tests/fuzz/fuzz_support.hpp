#pragma once
// Shared by the fuzz targets: a front-to-back input reader and the property check that
// turns a broken invariant into a crash libFuzzer keeps (abort prints what broke first).
#include <epmdump/ndr/drep.hpp>
#include <epmdump/ndr/writer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <optional>
#include <span>
#include <string_view>

namespace epmdump::fuzz {

[[noreturn]] inline void property_failed(const char* what, const char* file, int line)
{
    std::fprintf(stderr, "fuzz property failed: %s (%s:%d)\n", what, file, line);
    std::abort();
}

// For checking code (models, digests) in a target: keep libFuzzer's coverage feedback about
// the code under test, not about the checker's own maps and comparisons.
// (The regression tests compile the targets with GCC, which has no such sanitizer.)
#if defined(__clang__)
#define EPMDUMP_FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define EPMDUMP_FUZZ_NO_COVERAGE
#endif

// Like assert, but never compiled out: a fuzz target exists to check these.
#define EPMDUMP_FUZZ_CHECK(cond)                                                                           \
    do                                                                                                     \
    {                                                                                                      \
        if (!(cond)) ::epmdump::fuzz::property_failed(#cond, __FILE__, __LINE__);                         \
    } while (0)

inline std::span<const std::byte> as_bytes(const std::uint8_t* data, std::size_t size) noexcept
{
    return {reinterpret_cast<const std::byte*>(data), size};
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept
{
    return {reinterpret_cast<const char*>(data), size};
}

// Takes fields from the front, so a seed is "option bytes, then real bytes" and the seed
// extractor can write it without knowing libFuzzer's FuzzedDataProvider layout.
class input_reader
{
public:
    explicit input_reader(std::span<const std::byte> data) noexcept : rest_(data) {}

    bool empty() const noexcept { return rest_.empty(); }
    std::size_t size() const noexcept { return rest_.size(); }

    // 0 once the input is used up.
    std::uint8_t u8() noexcept
    {
        if (rest_.empty()) return 0;
        const auto v = static_cast<std::uint8_t>(rest_.front());
        rest_ = rest_.subspan(1);
        return v;
    }
    std::uint16_t u16() noexcept { return static_cast<std::uint16_t>(u8() | u8() << 8); }
    std::uint32_t u32() noexcept { return std::uint32_t{u16()} | std::uint32_t{u16()} << 16; }

    // Up to n bytes (fewer at the end).
    std::span<const std::byte> take(std::size_t n) noexcept
    {
        const auto part = rest_.first(n < rest_.size() ? n : rest_.size());
        rest_ = rest_.subspan(part.size());
        return part;
    }
    std::span<const std::byte> rest() noexcept { return take(rest_.size()); }

private:
    std::span<const std::byte> rest_;
};

// Link types a capture target picks with one input byte (the seed extractor writes the index).
inline constexpr int link_types[] = {1, 0, 12, 14, 101, 108, 113, 228, 229, 276, 147};
inline constexpr std::size_t link_type_count = sizeof link_types / sizeof link_types[0];
inline int link_type_of(std::uint8_t b) noexcept { return link_types[b % link_type_count]; }
inline std::uint8_t link_type_index(int link) noexcept
{
    for (std::size_t i = 0; i < link_type_count; ++i)
        if (link_types[i] == link) return static_cast<std::uint8_t>(i);
    return static_cast<std::uint8_t>(link_type_count - 1);
}

// The option byte the stub targets (and the seed extractor) use for an NDR stub's encoding.
// decode -> encode (same drep and syntax) -> decode gives the same value.
template <class Decode, class Encode>
void check_round_trip(std::span<const std::byte> stub, ndr::drep rep, ndr::transfer_syntax syntax, Decode decode,
                      Encode encode)
{
    auto decoded = decode(stub);
    if (!decoded) return;
    ndr::writer w(rep, syntax);
    encode(*decoded, w);
    auto again = decode(std::span<const std::byte>(w.buffer()));
    EPMDUMP_FUZZ_CHECK(again.has_value());
    EPMDUMP_FUZZ_CHECK(*again == *decoded);
}

namespace stub_options {
inline constexpr std::uint8_t big_endian = 0x01;
inline constexpr std::uint8_t ndr64 = 0x02;
inline constexpr std::uint8_t ebcdic = 0x04;
inline constexpr std::uint8_t lenient_towers = 0x08; // decode_limits::strict_towers = false
inline constexpr std::uint8_t small_limits = 0x10;   // tiny decode_limits, to reach the caps

inline ndr::drep drep_of(std::uint8_t o) noexcept
{
    return ndr::drep{(o & big_endian) ? ndr::byte_order::big : ndr::byte_order::little,
                     (o & ebcdic) ? ndr::char_set::ebcdic : ndr::char_set::ascii, 0};
}
inline ndr::transfer_syntax syntax_of(std::uint8_t o) noexcept
{
    return (o & ndr64) ? ndr::transfer_syntax::ndr64 : ndr::transfer_syntax::ndr20;
}
inline std::uint8_t make(ndr::drep rep, ndr::transfer_syntax syntax) noexcept
{
    std::uint8_t o = 0;
    if (rep.integer == ndr::byte_order::big) o |= big_endian;
    if (rep.character == ndr::char_set::ebcdic) o |= ebcdic;
    if (syntax == ndr::transfer_syntax::ndr64) o |= ndr64;
    return o;
}
} // namespace stub_options

} // namespace epmdump::fuzz

#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/common_header.hpp>

#include <vector>

namespace epmdump::fuzz {

// A copy of the input with PTYPE (octet 2) forced to one of two types by its low bit, so a
// body target spends its time in its own decoder. nullopt when the header does not decode.
struct typed_pdu
{
    std::vector<std::byte> bytes;
    dcerpc::common_header header;
};

inline std::optional<typed_pdu> force_type(std::span<const std::byte> input, dcerpc::pdu_type even,
                                           dcerpc::pdu_type odd)
{
    typed_pdu p{std::vector<std::byte>(input.begin(), input.end()), {}};
    if (p.bytes.size() > 2)
        p.bytes[2] = std::byte{static_cast<std::uint8_t>(
            (std::to_integer<std::uint8_t>(p.bytes[2]) & 1) ? odd : even)};
    auto h = dcerpc::decode_common_header(p.bytes);
    if (!h) return std::nullopt;
    p.header = *h;
    return p;
}

// Appends `auth` to a re-encoded PDU as the original carried it (padding to 4 as C706 says),
// so the verifier path round-trips too.
inline void append_same_auth(std::vector<std::byte>& pdu, const std::optional<dcerpc::auth_verifier>& auth)
{
    if (auth) dcerpc::append_auth_verifier(pdu, auth->trailer, auth->auth_value);
}

// The verifier of a re-encoded PDU equals the original's, padding length aside.
inline bool same_auth(const std::optional<dcerpc::auth_verifier>& a, const std::optional<dcerpc::auth_verifier>& b)
{
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    auto ta = a->trailer, tb = b->trailer;
    ta.auth_pad_length = tb.auth_pad_length = 0;
    return ta == tb && std::equal(a->auth_value.begin(), a->auth_value.end(), b->auth_value.begin(),
                                  b->auth_value.end());
}

} // namespace epmdump::fuzz

#include <string>

namespace epmdump::fuzz {

// "\n" -> "\r\n" (what a Windows tool or a paste from one writes); nullopt when the text
// already holds a '\r', since then the two texts are not the same lines.
inline std::optional<std::string> with_crlf(std::string_view text)
{
    if (text.find('\r') != std::string_view::npos) return std::nullopt;
    std::string out;
    out.reserve(text.size() + text.size() / 16);
    for (char c : text)
    {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

} // namespace epmdump::fuzz

#include <epmdump/epm/endpoint.hpp>

namespace epmdump::fuzz {

// Heap bytes decoded entries hold (towers, strings). A decoder may not turn a small stub into
// a large heap: without sharing, a tower is copied once and rendered into strings at most
// twice its size in hex, so 8 bytes per stub byte is generous (see max_amplification).
inline std::size_t footprint(const std::vector<epm::endpoint_entry>& entries)
{
    std::size_t n = 0;
    for (const auto& e : entries)
        n += e.tower.size() + e.annotation.size() + e.where.protseq.size() + e.where.host.size() +
             e.where.endpoint.size();
    return n;
}
inline constexpr std::size_t max_amplification = 8;

} // namespace epmdump::fuzz
