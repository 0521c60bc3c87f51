#pragma once
// The ports `epmdump probe` asks: "135", "1024-65535,135", "49152-49154,593". Kept as sorted,
// merged ranges and read by index, so a list of every port costs a few bytes, never 65535 items.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::client {

struct port_range
{
    std::uint16_t first = 0;
    std::uint16_t last = 0; // inclusive
    friend bool operator==(const port_range&, const port_range&) = default;
};

class port_list
{
public:
    port_list() = default;

    // Comma-separated ports (1-65535) and ranges FIRST-LAST (FIRST <= LAST); repeats and
    // overlaps count once. nullopt with `error` set for anything else (an empty item too).
    static std::optional<port_list> parse(std::string_view text, std::string& error);

    void add(port_range r);
    void add(const port_list& other);
    // Ports in ascending order: at(0) is the lowest; i < size().
    std::uint16_t at(std::uint64_t i) const;
    std::uint64_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    bool contains(std::uint16_t port) const noexcept;
    const std::vector<port_range>& ranges() const noexcept { return ranges_; }

private:
    std::vector<port_range> ranges_; // sorted, disjoint, not adjacent
    std::uint64_t size_ = 0;
};

} // namespace epmdump::client
