#pragma once
// --exclude / --excludefile: hosts a scan must never touch, in the target grammar (names,
// addresses, CIDR blocks, ranges). Blocks are kept as merged address intervals, so a /8 of
// exclusions costs one interval and a lookup is a binary search.
#include <epmdump/client/target_pattern.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace epmdump::client {

class target_exclusions
{
public:
    // One word; false with `error` set when it is not a host, address, block or range (or names a port).
    bool add(std::string_view word, std::string& error);
    // Every word of a list file in -iL's format ("#" comments, UTF-16 too); false with `error` set
    // (unreadable, a line too long, a bad word with its line number).
    bool add_file(const std::string& path, std::string& error);

    bool empty() const noexcept { return v4_.empty() && v6_.empty() && names_.empty(); }

    // How many targets of `p` from index `i` on are excluded in a row: 0 when the i-th is not.
    std::uint64_t excluded_run(const target_pattern& p, std::uint64_t i) const;

private:
    using address_v6 = std::array<std::uint8_t, 16>; // network order: compares as the number
    void merge() const;

    // Kept sorted and merged lazily (after adds), so add() stays cheap for 100,000 words.
    mutable std::vector<std::pair<std::uint32_t, std::uint32_t>> v4_;
    mutable std::vector<std::pair<address_v6, address_v6>> v6_;
    mutable std::vector<std::string> names_; // lower case
    mutable bool merged_ = true;
};

} // namespace epmdump::client
