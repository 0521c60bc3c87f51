// How libpcap's time stamps may differ from pcap_reader's, shared by the platform tests and the
// pcap_reader fuzz target that compare the two readers.
#pragma once

#include <chrono>
#include <cstdint>

namespace epmdump::test {

// libpcap 1.10 reads a classic record's time fields as signed 32-bit when the file is in the
// host's byte order and as unsigned when it is swapped; pcap_reader reads both as unsigned, as
// the format says. So a stamp may differ by 2^32 seconds, 2^32 µs or 2^32 ns (the fraction
// of a µs or ns file), or the sum of the seconds and one fraction term, and by nothing else.
inline bool same_libpcap_stamp(std::chrono::nanoseconds ours, std::chrono::nanoseconds libpcap)
{
    // Ours is never the earlier one; unsigned, the difference of two extreme stamps cannot overflow.
    if (ours < libpcap) return false;
    const std::uint64_t diff = static_cast<std::uint64_t>(ours.count()) - static_cast<std::uint64_t>(libpcap.count());
    constexpr std::uint64_t wrap = std::uint64_t{1} << 32;
    for (std::uint64_t s : {0, 1})
        for (std::uint64_t f : {std::uint64_t{0}, wrap * 1000, wrap})
            if (diff == s * wrap * 1'000'000'000 + f) return true;
    return false;
}

} // namespace epmdump::test
