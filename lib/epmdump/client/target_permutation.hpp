#pragma once
// A keyed pseudo-random permutation of [0, size), computed one index at a time in constant
// memory: a balanced Feistel network over the smallest even power of two >= size, cycle-walked
// back into range. The same (size, seed) gives the same order on every machine, which is what
// lets shards split a scope without talking to each other.
#include <array>
#include <cstdint>

namespace epmdump::client {

class target_permutation
{
public:
    // size 0 is an empty permutation (operator() must not be called).
    target_permutation(std::uint64_t size, std::uint64_t seed) noexcept;

    std::uint64_t size() const noexcept { return size_; }
    // The index at position `position` (< size): a bijection of [0, size).
    std::uint64_t operator()(std::uint64_t position) const noexcept;

private:
    static constexpr int rounds = 6; // 4 make a strong PRP (Luby-Rackoff); 6 leave margin for a weak round function
    std::uint64_t encrypt(std::uint64_t x) const noexcept;

    std::uint64_t size_;
    unsigned half_bits_;
    std::uint64_t half_mask_;
    std::array<std::uint64_t, rounds> keys_{};
};

} // namespace epmdump::client
