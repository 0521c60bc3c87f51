#include <epmdump/capture/ip_address.hpp>

#include <cstdio>

namespace epmdump::capture {

ip_address ip_address::from_v4(std::span<const std::byte, 4> raw) noexcept
{
    ip_address a;
    for (std::size_t i = 0; i < 4; ++i) a.bytes[i] = std::to_integer<std::uint8_t>(raw[i]);
    return a;
}

ip_address ip_address::from_v6(std::span<const std::byte, 16> raw) noexcept
{
    ip_address a;
    a.v6 = true;
    for (std::size_t i = 0; i < 16; ++i) a.bytes[i] = std::to_integer<std::uint8_t>(raw[i]);
    return a;
}

namespace {

std::string dotted(const std::uint8_t* b)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}

} // namespace

std::string to_string(const ip_address& a)
{
    if (!a.v6) return dotted(a.bytes.data());

    std::uint16_t words[8];
    for (std::size_t i = 0; i < 8; ++i) words[i] = static_cast<std::uint16_t>(a.bytes[2 * i] << 8 | a.bytes[2 * i + 1]);

    // RFC 5952 §5: IPv4-mapped addresses keep the dotted tail.
    const bool mapped = words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0 && words[4] == 0 &&
                        words[5] == 0xffff;
    if (mapped) return "::ffff:" + dotted(a.bytes.data() + 12);

    // RFC 5952 §4.2: compress the longest run of two or more zero words, the first one on a tie.
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;)
    {
        if (words[i] != 0)
        {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && words[j] == 0) ++j;
        if (j - i > best_len && j - i >= 2)
        {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    std::string out;
    char buf[8];
    for (int i = 0; i < 8; ++i)
    {
        if (i == best)
        {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        std::snprintf(buf, sizeof buf, "%x", words[i]);
        out += buf;
    }
    return out;
}

} // namespace epmdump::capture
