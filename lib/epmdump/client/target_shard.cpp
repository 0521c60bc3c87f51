#include <epmdump/client/target_shard.hpp>

#include <algorithm>
#include <charconv>

namespace epmdump::client {

namespace {

std::optional<std::uint64_t> whole_number(std::string_view text)
{
    std::uint64_t v = 0;
    const auto* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || p != end) return std::nullopt;
    return v;
}

} // namespace

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_shard(std::string_view text, std::uint64_t count,
                                                                   std::string& error)
{
    const auto slash = text.find('/');
    const auto index = whole_number(text.substr(0, slash));
    std::uint64_t n = count; // 0: not known yet
    if (slash != std::string_view::npos)
    {
        const auto given = whole_number(text.substr(slash + 1));
        if (!given || *given == 0)
        {
            error = "the shard count after '/' must be a whole number of at least 1";
            return std::nullopt;
        }
        if (n != 0 && n != *given)
        {
            error = "--shards " + std::to_string(n) + " and --shard .../" + std::to_string(*given) + " disagree";
            return std::nullopt;
        }
        n = *given;
    }
    if (!index)
    {
        error = "the shard must be a whole number I (0-based) or I/N";
        return std::nullopt;
    }
    if (n == 0)
    {
        error = "--shard I needs --shards N (or write --shard I/N)";
        return std::nullopt;
    }
    const std::uint64_t i = *index;
    if (i >= n)
    {
        error = "shard " + std::to_string(i) + " of " + std::to_string(n) + " does not exist: shards count from 0 to " +
                std::to_string(n - 1) + " (masscan's --shard counts from 1: its 1/N is our 0/N)";
        return std::nullopt;
    }
    return std::pair{i, n};
}

void target_space::add(target_pattern word)
{
    if (word.count == 0) return;
    starts_.push_back(size_);
    size_ += word.count;
    words_.push_back(std::move(word));
}

std::pair<const target_pattern&, std::uint64_t> target_space::locate(std::uint64_t i) const
{
    // The last word starting at or before i.
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), i) - 1;
    const auto at = static_cast<std::size_t>(it - starts_.begin());
    return {words_[at], i - *it};
}

shard_walk::shard_walk(std::uint64_t space_size, const shard_spec& shard) noexcept
    : permutation_(space_size, shard.seed), step_(std::max<std::uint64_t>(1, shard.count)), position_(shard.index),
      size_(shard.index < space_size ? (space_size - shard.index + step_ - 1) / step_ : 0)
{
}

std::optional<std::uint64_t> shard_walk::next() noexcept
{
    if (position_ >= permutation_.size()) return std::nullopt;
    const auto index = permutation_(position_);
    // No overflow past the end: once beyond the size, stay there.
    position_ = permutation_.size() - position_ > step_ ? position_ + step_ : permutation_.size();
    return index;
}

} // namespace epmdump::client
