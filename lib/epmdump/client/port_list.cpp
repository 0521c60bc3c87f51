#include <epmdump/client/port_list.hpp>

#include <algorithm>
#include <charconv>

namespace epmdump::client {

namespace {

std::optional<std::uint16_t> parse_port(std::string_view s)
{
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || value < 1 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

} // namespace

std::optional<port_list> port_list::parse(std::string_view text, std::string& error)
{
    port_list list;
    std::size_t start = 0;
    while (true)
    {
        const auto comma = text.find(',', start);
        const std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        const auto dash = item.find('-');
        const auto first = parse_port(item.substr(0, dash));
        const auto last = dash == std::string_view::npos ? first : parse_port(item.substr(dash + 1));
        if (!first || !last)
        {
            error = item.empty() ? "an empty item (two commas, or one at an end)"
                                 : "'" + std::string(item) + "' is not a port (1-65535) or a range FIRST-LAST";
            return std::nullopt;
        }
        if (*first > *last)
        {
            error = "the range '" + std::string(item) + "' ends before it starts";
            return std::nullopt;
        }
        list.add(port_range{*first, *last});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return list;
}

void port_list::add(port_range r)
{
    // Merge with every range it overlaps or touches, then put it in its place.
    auto it = std::find_if(ranges_.begin(), ranges_.end(), [&](const port_range& x) { return x.last + 1 >= r.first; });
    while (it != ranges_.end() && it->first <= r.last + 1)
    {
        r.first = std::min(r.first, it->first);
        r.last = std::max(r.last, it->last);
        size_ -= it->last - it->first + 1;
        it = ranges_.erase(it);
    }
    ranges_.insert(it, r);
    size_ += r.last - r.first + 1;
}

void port_list::add(const port_list& other)
{
    for (const auto& r : other.ranges_) add(r);
}

std::uint16_t port_list::at(std::uint64_t i) const
{
    for (const auto& r : ranges_)
    {
        const std::uint64_t n = r.last - r.first + 1u;
        if (i < n) return static_cast<std::uint16_t>(r.first + i);
        i -= n;
    }
    return 0;
}

bool port_list::contains(std::uint16_t port) const noexcept
{
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const port_range& r) { return r.first <= port && port <= r.last; });
}

} // namespace epmdump::client
