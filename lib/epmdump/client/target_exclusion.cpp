#include <epmdump/client/target_exclusion.hpp>
#include <epmdump/client/target_list.hpp>
#include <epmdump/client/detail/input_file.hpp>

#include <algorithm>
#include <fstream>
#include <limits>

namespace epmdump::client {

namespace {

std::string lower_name(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::uint32_t v4_of(const std::array<std::uint8_t, 16>& a)
{
    return (std::uint32_t{a[0]} << 24) | (std::uint32_t{a[1]} << 16) | (std::uint32_t{a[2]} << 8) | a[3];
}

// a + n, big-endian, wrapping (blocks never wrap: the parser refuses them).
std::array<std::uint8_t, 16> v6_plus(std::array<std::uint8_t, 16> a, std::uint64_t n)
{
    for (int i = 15; i >= 0 && n != 0; --i)
    {
        const std::uint64_t sum = a[static_cast<std::size_t>(i)] + (n & 0xff);
        a[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(sum);
        n = (n >> 8) + (sum >> 8);
    }
    return a;
}

// hi - lo for lo <= hi, saturated to the uint64 range.
std::uint64_t v6_distance(const std::array<std::uint8_t, 16>& hi, const std::array<std::uint8_t, 16>& lo)
{
    std::array<std::uint8_t, 16> d{};
    int borrow = 0;
    for (int i = 15; i >= 0; --i)
    {
        const auto k = static_cast<std::size_t>(i);
        int v = int{hi[k]} - int{lo[k]} - borrow;
        borrow = v < 0 ? 1 : 0;
        d[k] = static_cast<std::uint8_t>(v + (borrow << 8));
    }
    for (std::size_t k = 0; k < 8; ++k)
        if (d[k] != 0) return std::numeric_limits<std::uint64_t>::max();
    std::uint64_t n = 0;
    for (std::size_t k = 8; k < 16; ++k) n = (n << 8) | d[k];
    return n;
}

template <class Interval>
void merge_intervals(std::vector<Interval>& v, auto adjacent)
{
    std::sort(v.begin(), v.end());
    std::vector<Interval> out;
    for (const auto& x : v)
    {
        if (!out.empty() && (x.first <= out.back().second || adjacent(out.back().second, x.first)))
            out.back().second = std::max(out.back().second, x.second);
        else
            out.push_back(x);
    }
    v = std::move(out);
}

} // namespace

bool target_exclusions::add(std::string_view word, std::string& error)
{
    auto p = parse_target(word, error);
    if (!p) return false;
    if (p->port != 0)
    {
        error = "an exclusion names hosts, not ports";
        return false;
    }
    merged_ = false;
    if (!p->name.empty())
        names_.push_back(lower_name(p->name));
    else if (p->v6)
        v6_.emplace_back(p->first, v6_plus(p->first, p->count - 1));
    else
    {
        const auto lo = v4_of(p->first);
        v4_.emplace_back(lo, static_cast<std::uint32_t>(lo + (p->count - 1)));
    }
    return true;
}

bool target_exclusions::add_file(const std::string& path, std::string& error)
{
    std::ifstream in;
    if (const auto why = detail::open_input_file(path, in); !why.empty())
    {
        error = "cannot read exclude file " + quote_word(path) + ": " + why;
        return false;
    }
    list_reader reader(*in.rdbuf());
    std::string line;
    auto st = list_reader::status::line;
    try
    {
        while ((st = reader.next(line)) == list_reader::status::line)
            for (const auto& w : list_words(line))
            {
                std::string why;
                if (!add(w, why))
                {
                    error = quote_word(path) + ":" + std::to_string(reader.line_number()) + ": " + quote_word(w) + ": " + why;
                    return false;
                }
            }
    }
    catch (const std::ios_base::failure&)
    {
        error = "cannot read exclude file " + quote_word(path) + ": " + detail::read_failure_reason();
        return false;
    }
    if (st == list_reader::status::too_long)
    {
        error = "exclude file " + quote_word(path) + " has a line longer than " + std::to_string(max_list_line) +
                " bytes at line " + std::to_string(reader.line_number()) + " (not a text list?)";
        return false;
    }
    if (in.bad())
    {
        error = "cannot read exclude file " + quote_word(path);
        return false;
    }
    return true;
}

void target_exclusions::merge() const
{
    if (merged_) return;
    merge_intervals(v4_, [](std::uint32_t a, std::uint32_t b) { return a != 0xffffffffu && a + 1 == b; });
    merge_intervals(v6_, [](const address_v6& a, const address_v6& b) { return v6_plus(a, 1) == b && a < b; });
    std::sort(names_.begin(), names_.end());
    names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
    merged_ = true;
}

std::uint64_t target_exclusions::excluded_run(const target_pattern& p, std::uint64_t i) const
{
    if (empty() || i >= p.count) return 0;
    merge();
    const std::uint64_t left = p.count - i;
    if (!p.name.empty()) return std::binary_search(names_.begin(), names_.end(), lower_name(p.name)) ? left : 0;
    if (!p.v6)
    {
        const auto a = static_cast<std::uint32_t>(v4_of(p.first) + i);
        // The last interval starting at or before a.
        auto it = std::upper_bound(v4_.begin(), v4_.end(), std::pair{a, std::numeric_limits<std::uint32_t>::max()});
        if (it == v4_.begin()) return 0;
        --it;
        if (a > it->second) return 0;
        return std::min<std::uint64_t>(left, std::uint64_t{it->second} - a + 1);
    }
    const auto a = v6_plus(p.first, i);
    address_v6 top;
    top.fill(0xff);
    auto it = std::upper_bound(v6_.begin(), v6_.end(), std::pair{a, top});
    if (it == v6_.begin()) return 0;
    --it;
    if (it->second < a) return 0;
    const auto d = v6_distance(it->second, a);
    return d >= left ? left : std::min(left, d + 1);
}

} // namespace epmdump::client
