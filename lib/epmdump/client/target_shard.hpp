#pragma once
// --shards N --shard I --seed S (zmap's convention, 0-based): every machine orders the whole
// target space with the same keyed permutation and takes the positions I, I+N, I+2N, ... of it,
// so the shards are disjoint, their union is the scope, and each spreads over all of it.
#include <epmdump/client/target_pattern.hpp>
#include <epmdump/client/target_permutation.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace epmdump::client {

struct shard_spec
{
    std::uint64_t count = 1; // N
    std::uint64_t index = 0; // I, 0-based
    std::uint64_t seed = 0;
};

// "I" (with `count` from --shards) or "I/N"; nullopt with `error` set when not a shard of N.
// `count` is 0 when --shards was not given.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_shard(std::string_view text, std::uint64_t count,
                                                                   std::string& error);

// Every target of every word as one index space [0, size()): the words in order, each taking
// its `count` indices. Holds the words, never their expansions.
class target_space
{
public:
    void add(target_pattern word);
    std::uint64_t size() const noexcept { return size_; }
    // The word holding index `i` (< size()) and the target's index inside it.
    std::pair<const target_pattern&, std::uint64_t> locate(std::uint64_t i) const;

private:
    std::vector<target_pattern> words_;
    std::vector<std::uint64_t> starts_; // the first index of each word, ascending
    std::uint64_t size_ = 0;
};

// The indices one shard visits, in the permutation's order.
class shard_walk
{
public:
    shard_walk(std::uint64_t space_size, const shard_spec& shard) noexcept;

    // How many indices this shard visits in all: ceil((size - I) / N).
    std::uint64_t size() const noexcept { return size_; }
    std::optional<std::uint64_t> next() noexcept;

private:
    target_permutation permutation_;
    std::uint64_t step_;
    std::uint64_t position_;
    std::uint64_t size_;
};

} // namespace epmdump::client
