// The built-in pcap/pcapng reader (pcap_reader, what the Windows build reads captures with)
// against libpcap's offline reader (support/libpcap_file) on the same bytes.
// Input: a capture file.
// Property (differential): the same records (bytes, time stamps, lengths, frame numbers; file
// offsets for classic pcap) and the same ending, clean or error; the same link type and snap
// length when both opened the file. Refusing at open and failing at the first record are the
// same ending (no records, an error). Known, deliberate differences are skipped: pcapng files
// whose interfaces have different link types (libpcap refuses them, we read them),
// if_tsresol finer than 2^-30 s (libpcap's 64-bit scaling overflows; ours does not), and a
// later section in the other byte order (libpcap stops there, we read it). Time
// stamps may differ only as libpcap's signed reading of host-order fields makes them, and are
// not compared once either reader had to clamp them.
#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/pcap_reader.hpp>

#include "fuzz_support.hpp"
#include "support/libpcap_file.hpp"
#include "support/libpcap_stamp.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace epmdump;
using namespace epmdump::capture;

namespace {

struct read_back
{
    bool opened = false;
    int link = -1;
    std::uint32_t snap = 0;
    std::vector<capture_record> records;
    std::vector<std::vector<std::byte>> data;
    std::optional<capture_error> error;
};

template <class Reader>
read_back drain(capture_result<Reader> opened)
{
    read_back out;
    if (!opened)
    {
        out.error = opened.error();
        return out;
    }
    out.opened = true;
    out.link = opened->link_type();
    out.snap = opened->snap_length();
    for (;;)
    {
        auto r = opened->next();
        if (!r)
        {
            out.error = r.error();
            break;
        }
        if (!*r) break;
        out.records.push_back(**r);
        out.data.emplace_back((*r)->data.begin(), (*r)->data.end());
        (*r)->data = {};
    }
    return out;
}

std::FILE* open_bytes(const std::uint8_t* data, std::size_t size)
{
    return fmemopen(const_cast<std::uint8_t*>(data), size, "rb"); // never written through "rb"
}

// if_tsresol options (code 9, length 1) asking for more than 2^-30 or 10^-9 s resolution.
bool has_extreme_tsresol(const std::uint8_t* data, std::size_t size)
{
    for (std::size_t i = 0; i + 4 < size; ++i)
    {
        const bool le = data[i] == 9 && data[i + 1] == 0 && data[i + 2] == 1 && data[i + 3] == 0;
        const bool be = data[i] == 0 && data[i + 1] == 9 && data[i + 2] == 0 && data[i + 3] == 1;
        if (!le && !be) continue;
        const std::uint8_t v = data[i + 4];
        if ((v & 0x80) ? (v & 0x7F) > 30 : v > 9) return true;
    }
    return false;
}

// Both readers clamp a stamp to +-9e9 s (what int64 nanoseconds hold); libpcap's pcapng seconds
// wrap negative past 2^63 where ours stay positive, so clamped stamps are not compared.
bool beyond_int64_nanoseconds(std::chrono::nanoseconds t)
{
    constexpr auto limit = std::chrono::seconds(9'000'000'000 - 1);
    return t >= limit || t <= -limit;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0; // fmemopen refuses an empty buffer
    const auto ours = drain(pcap_reader::open(open_bytes(data, size), "fuzz.pcap"));
    const auto libpcap = drain(capture::test::libpcap_file::open(open_bytes(data, size), "fuzz.pcap"));
    if (ours.error) EPMDUMP_FUZZ_CHECK(ours.error->offset <= size);
    for (const auto& r : ours.records) EPMDUMP_FUZZ_CHECK(r.offset < size);

    if (libpcap.error && libpcap.error->message.find("different from the type of the first interface") != std::string::npos)
        return 0;
    if (has_extreme_tsresol(data, size)) return 0;
    // A later section in the other byte order: libpcap stops, pcap_reader reads it.
    if (libpcap.error && libpcap.error->message.find("sections with different byte orders") != std::string::npos)
        return 0;
    const bool pcapng = size >= 4 && data[0] == 0x0a && data[1] == 0x0d && data[2] == 0x0d && data[3] == 0x0a;

    EPMDUMP_FUZZ_CHECK(ours.error.has_value() == libpcap.error.has_value());
    if (ours.opened && libpcap.opened) EPMDUMP_FUZZ_CHECK(ours.link == libpcap.link && ours.snap == libpcap.snap);
    EPMDUMP_FUZZ_CHECK(ours.records.size() == libpcap.records.size());
    for (std::size_t i = 0; i < ours.records.size(); ++i)
    {
        EPMDUMP_FUZZ_CHECK(ours.data[i] == libpcap.data[i]);
        if (!beyond_int64_nanoseconds(ours.records[i].timestamp) && !beyond_int64_nanoseconds(libpcap.records[i].timestamp))
            EPMDUMP_FUZZ_CHECK(epmdump::test::same_libpcap_stamp(ours.records[i].timestamp, libpcap.records[i].timestamp));
        EPMDUMP_FUZZ_CHECK(ours.records[i].original_length == libpcap.records[i].original_length);
        EPMDUMP_FUZZ_CHECK(ours.records[i].frame_number == libpcap.records[i].frame_number);
        if (!pcapng) EPMDUMP_FUZZ_CHECK(ours.records[i].offset == libpcap.records[i].offset);
    }
    if (!pcapng && ours.error && libpcap.error) EPMDUMP_FUZZ_CHECK(ours.error->offset == libpcap.error->offset);
    return 0;
}
