#pragma once
// Checks shared by the tests of decoders of hostile bytes: the OK macros, an exact-size copy (so
// that a read past the end is one under ASan), every prefix, one trailing byte, seeded damage.
#include <epmdump/core/codec_error.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

// Stops the case unless `r` holds a value, printing the codec error when it does not; `r` is
// evaluated once.
#define REQUIRE_OK(r) EPMDUMP_OK_(REQUIRE_MESSAGE, r)
#define CHECK_OK(r) EPMDUMP_OK_(CHECK_MESSAGE, r)
#define EPMDUMP_OK_(assert_, r)                                                                                \
    do                                                                                                         \
    {                                                                                                          \
        const auto& ok_ = (r);                                                                                 \
        assert_(ok_.has_value(), (ok_.has_value() ? std::string{} : ok_.error().message()));                   \
    } while (0)
// Checks that `r` failed with codec_errc `code`.
#define CHECK_ERR(r, errc)                                                                                     \
    do                                                                                                         \
    {                                                                                                          \
        const auto& r_ = (r);                                                                                  \
        REQUIRE_FALSE(r_.has_value());                                                                         \
        CHECK(r_.error().code == (errc));                                                                      \
    } while (0)

namespace epmdump::test {

// Bytes in a heap block of exactly their size: a decoder reading one byte too many reads
// outside the block, which ASan reports (a vector may hold spare capacity behind its end).
class exact_bytes
{
public:
    explicit exact_bytes(std::span<const std::byte> bytes)
        : block_(std::make_unique<std::byte[]>(bytes.empty() ? 1 : bytes.size())), size_(bytes.size())
    {
        std::copy(bytes.begin(), bytes.end(), block_.get());
    }

    std::span<const std::byte> span() const noexcept { return {block_.get(), size_}; }

private:
    std::unique_ptr<std::byte[]> block_;
    std::size_t size_;
};

// Calls check(prefix) for every proper prefix of input (0 to size - 1 bytes), each an
// exact-size copy.
template <class Check>
void for_each_prefix(std::span<const std::byte> input, Check&& check)
{
    for (std::size_t n = 0; n < input.size(); ++n)
    {
        const exact_bytes cut(input.first(n));
        check(cut.span());
    }
}

// input and one more byte, which a decoder of a self-delimiting value must not look at.
inline std::vector<std::byte> with_trailing_byte(std::span<const std::byte> input, std::byte extra = std::byte{0x42})
{
    std::vector<std::byte> out(input.begin(), input.end());
    out.push_back(extra);
    return out;
}

// One to four random edits of bytes, in place: a random byte, a flipped bit, 0xff (a large
// count or length) or a cut. The fixed-seed rng makes a failure reproduce.
inline void damage(std::vector<std::byte>& bytes, std::mt19937& rng)
{
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !bytes.empty(); ++k)
    {
        const std::size_t at = rng() % bytes.size();
        switch (rng() % 4)
        {
        case 0: bytes[at] = static_cast<std::byte>(rng()); break;
        case 1: bytes[at] ^= static_cast<std::byte>(1u << (rng() % 8)); break;
        case 2: bytes[at] = std::byte{0xff}; break;
        default: bytes.resize(at); break;
        }
    }
}

} // namespace epmdump::test
