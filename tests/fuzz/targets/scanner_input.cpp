// Port scanners' output read as targets (output/scanner_input: nmap -oX, -oG, masscan -oJ, -oL).
// Input: a selector byte (the format, and the ports wanted), a cut byte, then the file.
// Properties:
//  - the same ports and the same error (code, line, offset) whether the file comes whole, cut in
//    two at the cut byte's fraction, or in 3-byte slices (a pipe's arbitrary reads);
//  - every port is one of those wanted, its address a short IP literal, lines in range and in order.
#include <epmdump/output/scanner_input/scanner_input.hpp>

#include "fuzz_support.hpp"

#include <algorithm>

using namespace epmdump::output;

namespace {

// Expat classes malformed input by how it was cut (a partial character at a feed's end is an
// unclosed token until more comes): for XML only that an error ended it must not depend on cuts.
std::string scanner_digest(const std::vector<scanner_input::open_port>& ports, const std::optional<scanner_input::error>& e,
                           bool error_detail)
{
    std::string s;
    for (const auto& p : ports) s += p.address + " " + std::to_string(p.port) + " " + std::to_string(p.line) + "\n";
    if (e && !error_detail) s += "error\n";
    else if (e) s += "error " + std::string(to_string(e->code)) + " " + std::to_string(e->line) + " " + std::to_string(e->offset) + "\n";
    return s;
}

std::string run_sliced(scanner_input::format f, const std::vector<std::uint16_t>& wanted, std::span<const std::byte> bytes,
                       const std::vector<std::size_t>& cuts, std::vector<scanner_input::open_port>& ports)
{
    scanner_input::reader r(f, wanted);
    std::optional<scanner_input::error> e;
    std::size_t at = 0;
    for (const auto cut : cuts)
    {
        if (e) break;
        e = r.feed(bytes.subspan(at, cut - at), ports);
        at = cut;
    }
    if (!e) e = r.feed(bytes.subspan(at), ports);
    if (!e) e = r.finish(ports);
    return scanner_digest(ports, e, f != scanner_input::format::nmap_xml);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2) return 0;
    const auto f = static_cast<scanner_input::format>(data[0] % 4);
    const std::vector<std::uint16_t> wanted = (data[0] & 4) != 0 ? std::vector<std::uint16_t>{445, 139}
                                                                : std::vector<std::uint16_t>{135, 445, 139, 593};
    const auto bytes = std::as_bytes(std::span<const std::uint8_t>(data + 2, size - 2));

    std::vector<scanner_input::open_port> whole_ports;
    const auto whole = run_sliced(f, wanted, bytes, {}, whole_ports);
    std::vector<scanner_input::open_port> ignored;
    EPMDUMP_FUZZ_CHECK(run_sliced(f, wanted, bytes, {bytes.size() * data[1] / 256}, ignored) == whole);
    std::vector<std::size_t> small;
    for (std::size_t i = 3; i < bytes.size(); i += 3) small.push_back(i);
    ignored.clear();
    EPMDUMP_FUZZ_CHECK(run_sliced(f, wanted, bytes, small, ignored) == whole);

    const auto lines = 1 + static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), std::byte{'\n'}));
    std::uint64_t last = 0;
    for (const auto& p : whole_ports)
    {
        EPMDUMP_FUZZ_CHECK(std::find(wanted.begin(), wanted.end(), p.port) != wanted.end());
        EPMDUMP_FUZZ_CHECK(!p.address.empty() && p.address.size() <= 64);
        EPMDUMP_FUZZ_CHECK(p.address.find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos);
        EPMDUMP_FUZZ_CHECK(p.line >= 1 && p.line <= lines && p.line >= last);
        last = p.line;
    }
    return 0;
}
