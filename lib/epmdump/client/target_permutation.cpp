#include <epmdump/client/target_permutation.hpp>

#include <bit>

namespace epmdump::client {

namespace {

// SplitMix64's finaliser: every input bit reaches every output bit (a good round function).
std::uint64_t mix64(std::uint64_t z) noexcept
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

} // namespace

target_permutation::target_permutation(std::uint64_t size, std::uint64_t seed) noexcept : size_(size)
{
    // Bits for [0, size), rounded up to even (two equal halves) and at least 2: the domain is
    // under 4 * size, so cycle-walking takes fewer than 4 steps on average.
    const unsigned bits = size <= 1 ? 0u : static_cast<unsigned>(std::bit_width(size - 1));
    const unsigned even = bits < 2 ? 2u : bits + (bits & 1u);
    half_bits_ = even / 2;
    half_mask_ = (std::uint64_t{1} << half_bits_) - 1; // half_bits_ <= 32
    std::uint64_t state = seed;
    for (auto& k : keys_) k = mix64(state += 0x9e3779b97f4a7c15ULL);
}

std::uint64_t target_permutation::encrypt(std::uint64_t x) const noexcept
{
    std::uint64_t left = (x >> half_bits_) & half_mask_;
    std::uint64_t right = x & half_mask_;
    for (const auto key : keys_)
    {
        const std::uint64_t next = left ^ (mix64(right ^ key) & half_mask_);
        left = right;
        right = next;
    }
    return (left << half_bits_) | right;
}

std::uint64_t target_permutation::operator()(std::uint64_t position) const noexcept
{
    // Cycle-walking: encrypting again from a value out of range ends inside it, since the
    // cycle through `position` (< size) comes back to it; the result stays a bijection.
    std::uint64_t x = encrypt(position);
    while (x >= size_) x = encrypt(x);
    return x;
}

} // namespace epmdump::client
