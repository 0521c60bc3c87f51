#include <epmdump/capture/pcap_reader.hpp>
#include <epmdump/core/byte_order.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>

// Layouts: draft-ietf-opsawg-pcap (classic) and draft-ietf-opsawg-pcapng (blocks, options).
namespace epmdump::capture {

namespace {

constexpr std::uint32_t magic_us = 0xa1b2c3d4;
constexpr std::uint32_t magic_ns = 0xa1b23c4d;
constexpr std::uint32_t magic_modified = 0xa1b2cd34; // Kuznetzov's patched libpcap
constexpr std::uint32_t magic_us_swapped = 0xd4c3b2a1;
constexpr std::uint32_t magic_ns_swapped = 0x4d3cb2a1;
constexpr std::uint32_t magic_modified_swapped = 0x34cdb2a1;

constexpr std::uint32_t block_shb = 0x0a0d0d0a;
constexpr std::uint32_t block_idb = 1;
constexpr std::uint32_t block_opb = 2; // obsolete packet block
constexpr std::uint32_t block_spb = 3;
constexpr std::uint32_t block_epb = 6;
constexpr std::uint32_t byte_order_magic = 0x1a2b3c4d;

constexpr std::uint16_t opt_endofopt = 0;
constexpr std::uint16_t opt_if_tsresol = 9;
constexpr std::uint16_t opt_if_tsoffset = 14;

constexpr std::size_t classic_file_header = 24;

// pcap_datalink() reports DLT_ values; files hold LINKTYPE_ values. They differ only where
// DLT_ values were never the same across systems (these are the Linux/Windows ones).
int dlt_of_linktype(std::uint32_t linktype) noexcept
{
    switch (linktype)
    {
    case 100: return 11; // ATM_RFC1483
    case 101: return 12; // RAW
    case 102: return 15; // SLIP_BSDOS
    case 103: return 16; // PPP_BSDOS
    case 106: return 19; // ATM_CLIP
    default: return static_cast<int>(linktype);
    }
}

// libpcap's per-link-type ceiling on a record; anything above is corrupt, not big.
std::uint32_t max_snap_length(int dlt) noexcept
{
    switch (dlt)
    {
    case 231: return 128u * 1024u * 1024u; // D-Bus messages
    case 249: return 1024u * 1024u;        // USBPcap
    case 279: return 8u * 1024u * 1024u;   // EBHSCR
    default: return 262144;
    }
}

std::uint32_t adjusted_snap_length(int dlt, std::uint32_t snap) noexcept
{
    // libpcap keeps any other value, large ones too: records above the link's maximum are
    // errors, records between the two are cut to the snap length.
    return snap == 0 || snap > 0x7fffffffu ? max_snap_length(dlt) : snap;
}

bool is_power_of_ten(std::uint64_t units) noexcept
{
    while (units >= 10 && units % 10 == 0) units /= 10;
    return units == 1;
}

// Fraction of a second in `units` -> nanoseconds, as libpcap scales to nanosecond precision.
std::int64_t to_nanoseconds(std::uint64_t fraction, std::uint64_t units) noexcept
{
    constexpr std::uint64_t ns = 1'000'000'000;
    if (units == ns) return static_cast<std::int64_t>(fraction);
    if (is_power_of_ten(units))
        return static_cast<std::int64_t>(units < ns ? fraction * (ns / units) : fraction / (units / ns));
    // 2^-n resolution: fraction < units = 2^n. Shed low bits first so fraction * 10^9 fits.
    int shift = 0;
    while ((units >> shift) > (std::uint64_t{1} << 30)) ++shift;
    return static_cast<std::int64_t>(((fraction >> shift) * ns) / (units >> shift));
}

} // namespace

void pcap_reader::file_closer::operator()(std::FILE* f) const noexcept
{
    if (f != nullptr) std::fclose(f);
}

pcap_reader::pcap_reader(std::unique_ptr<std::FILE, file_closer> file, std::string name)
    : file_(std::move(file)), name_(std::move(name))
{
}

std::string pcap_reader::which() const
{
    // Built only on the error path: a string per record was most of the reader's own CPU.
    return "bad record " + std::to_string(frames_ + 1) + ": ";
}

capture_error pcap_reader::error_at(std::uint64_t offset, std::string message) const
{
    return capture_error{name_, offset, std::move(message)};
}

bool pcap_reader::read_exact(std::byte* out, std::size_t n, std::size_t& got)
{
    got = n == 0 ? 0 : std::fread(out, 1, n, file_.get());
    position_ += got;
    return got == n;
}

std::uint16_t pcap_reader::u16(const std::byte* p) const noexcept
{
    return load<std::uint16_t>(std::span<const std::byte, 2>(p, 2), big_endian_ ? byte_order::big : byte_order::little);
}

std::uint32_t pcap_reader::u32(const std::byte* p) const noexcept
{
    return load<std::uint32_t>(std::span<const std::byte, 4>(p, 4), big_endian_ ? byte_order::big : byte_order::little);
}

capture_result<pcap_reader> pcap_reader::open(std::FILE* file, std::string name)
{
    if (file == nullptr) return capture_error{std::move(name), 0, "no file"};
    std::unique_ptr<std::FILE, file_closer> owned(file);
    const long at = std::ftell(file);
    pcap_reader r(std::move(owned), std::move(name));
    r.position_ = at > 0 ? static_cast<std::uint64_t>(at) : 0;
    const std::uint64_t start = r.position_;

    std::array<std::byte, classic_file_header> h{};
    std::size_t got = 0;
    if (!r.read_exact(h.data(), 4, got))
    {
        // A read error (EISDIR, EIO) is not an empty file: say what the system said.
        if (std::ferror(file) != 0 && errno != 0) return r.error_at(start, std::strerror(errno));
        return r.error_at(start, got == 0 ? "empty file (0 bytes), not a capture"
                                          : "truncated file: " + std::to_string(got) + " bytes, not a capture");
    }
    r.big_endian_ = true;
    const std::uint32_t magic = r.u32(h.data());

    if (magic == block_shb)
    {
        r.pcapng_ = true;
        std::copy_n(h.data(), 4, r.pending_type_.data());
        std::optional<capture_error> error;
        if (r.read_block(error, 4) == block_read::error) return std::move(*error);
        if (auto e = r.on_section_header(true)) return std::move(*e);
        // libpcap learns the link type from the first interface, before any packet.
        while (!r.have_interface_)
        {
            const block_read b = r.read_block(error, 0, false);
            if (b == block_read::error) return std::move(*error);
            if (b == block_read::end_of_file)
                return r.error_at(r.block_start_, "the capture has no interface description block");
            if (r.block_type_ == block_epb || r.block_type_ == block_spb || r.block_type_ == block_opb)
                return r.error_at(r.block_start_, "a packet block comes before any interface description block");
            // Another section header before any interface is skipped, read in the current byte
            // order, its magic and version unread, as libpcap does.
            if (r.block_type_ != block_idb) continue;
            if (auto e = r.on_interface()) return std::move(*e);
        }
        return r;
    }

    switch (magic)
    {
    case magic_us: case magic_ns: case magic_modified: break;
    case magic_us_swapped: case magic_ns_swapped: case magic_modified_swapped: r.big_endian_ = false; break;
    default: return r.error_at(start, "unknown file format (not a pcap or pcapng capture)");
    }
    const std::uint32_t native_magic = r.big_endian_ ? magic : boost::endian::endian_reverse(magic);
    r.nanosecond_ = native_magic == magic_ns;
    r.modified_header_ = native_magic == magic_modified;
    if (!r.read_exact(h.data() + 4, h.size() - 4, got))
        return r.error_at(start, "truncated file header: " + std::to_string(4 + got) + " of 24 bytes");
    const std::uint16_t major = r.u16(h.data() + 4), minor = r.u16(h.data() + 6);
    if (major != 2 || minor > 4)
        return r.error_at(start, "unsupported pcap file version " + std::to_string(major) + "." + std::to_string(minor));
    // Files older than 2.3 hold caplen and len the other way round; 2.3 files may (libpcap's rule).
    r.swapped_lengths_ = minor < 3 ? length_order::swapped : minor == 3 ? length_order::maybe_swapped : length_order::usual;
    // The top bits of the link type field carry FCS information, not the link type.
    r.link_type_ = dlt_of_linktype(r.u32(h.data() + 20) & 0x03ffffffu);
    r.snap_length_ = adjusted_snap_length(r.link_type_, r.u32(h.data() + 16));
    // libpcap's rule for Kuznetzov files of Ethernet: the capture may have been cooked, with a
    // 14-byte fake Ethernet header added after the snap length was applied.
    if (r.modified_header_ && r.link_type_ == 1) r.snap_length_ += 14;
    return r;
}

capture_result<std::optional<capture_record>> pcap_reader::next()
{
    const std::uint64_t start = position_;
    return pcapng_ ? next_pcapng(start) : next_classic(start);
}

capture_record pcap_reader::record_of(std::span<const std::byte> data, std::uint32_t original_length,
                                      std::int64_t seconds, std::int64_t nanoseconds, std::uint64_t offset)
{
    capture_record r;
    r.data = data;
    // A corrupt record can claim any second; keep it inside what int64 nanoseconds hold.
    constexpr std::int64_t max_seconds = 9'000'000'000;
    r.timestamp = std::chrono::seconds(std::clamp<std::int64_t>(seconds, -max_seconds, max_seconds)) +
                  std::chrono::nanoseconds(nanoseconds);
    r.original_length = original_length;
    r.offset = offset;
    r.frame_number = ++frames_;
    return r;
}

capture_result<std::optional<capture_record>> pcap_reader::next_classic(std::uint64_t start)
{
    std::array<std::byte, 24> h{};
    const std::size_t header_size = modified_header_ ? 24 : 16;
    std::size_t got = 0;
    if (!read_exact(h.data(), header_size, got))
    {
        if (got == 0 && std::feof(file_.get())) return std::optional<capture_record>{};
        return error_at(start, which() + "truncated record header: " + std::to_string(got) + " of " +
                                   std::to_string(header_size) + " bytes");
    }
    // libpcap 1.10 reads both time fields as unsigned 32-bit (a capture made after 2038 stays
    // after 2038) and does not carry an oversized fraction into the seconds.
    const std::int64_t seconds = u32(h.data());
    const std::int64_t fraction = u32(h.data() + 4);
    std::uint32_t caplen = u32(h.data() + 8), len = u32(h.data() + 12);
    if (swapped_lengths_ == length_order::swapped || (swapped_lengths_ == length_order::maybe_swapped && caplen > len))
        std::swap(caplen, len);
    if (caplen > max_snap_length(link_type_))
        return error_at(start, which() + "captured length " + std::to_string(caplen) + " is larger than the maximum " +
                                   std::to_string(max_snap_length(link_type_)));
    // A record longer than the file's snap length is cut to it, the rest skipped (libpcap does so).
    const std::uint32_t kept = std::min(caplen, snap_length_);
    block_.resize(caplen);
    if (!read_exact(block_.data(), caplen, got))
        return error_at(start, which() + "truncated record: " + std::to_string(got) + " of " + std::to_string(caplen) +
                                   " captured bytes");
    const std::int64_t ns = nanosecond_ ? fraction : fraction * 1000;
    return std::optional<capture_record>(
        record_of(std::span<const std::byte>(block_.data(), kept), len, seconds, ns, start));
}

pcap_reader::block_read pcap_reader::read_block(std::optional<capture_error>& error, std::size_t type_read,
                                                bool section_order)
{
    // `type_read` bytes of the block type were consumed already (open() read the magic).
    block_start_ = position_ - type_read;
    std::array<std::byte, 12> h{};
    if (type_read != 0) std::copy_n(pending_type_.data(), type_read, h.data());
    std::size_t got = 0;
    if (!read_exact(h.data() + type_read, 8 - type_read, got))
    {
        if (type_read == 0 && got == 0 && std::feof(file_.get())) return block_read::end_of_file;
        error = error_at(block_start_, "truncated block header: " + std::to_string(type_read + got) + " of 8 bytes");
        return block_read::error;
    }
    block_type_ = u32(h.data());
    std::size_t head = 8;
    if (block_type_ == block_shb && section_order) // the value reads the same in both byte orders
    {
        // A section may change byte order: its byte-order magic says how to read its own length.
        if (!read_exact(h.data() + 8, 4, got))
        {
            error = error_at(block_start_, "truncated section header block");
            return block_read::error;
        }
        big_endian_ = true;
        const std::uint32_t m = u32(h.data() + 8);
        if (m != byte_order_magic && m != boost::endian::endian_reverse(byte_order_magic))
        {
            error = error_at(block_start_, "section header block has no byte-order magic");
            return block_read::error;
        }
        big_endian_ = m == byte_order_magic;
        head = 12;
    }
    const std::uint32_t total = u32(h.data() + 4);
    // libpcap does not hold the file's first section header to a multiple of 4 (its reader of
    // later blocks does), and neither do we: the blocks after it start where its length says.
    const bool first_block = type_read != 0;
    if (total < head + 4 || (total % 4 != 0 && !first_block))
    {
        error = error_at(block_start_, "block length " + std::to_string(total) + " is too small or not a multiple of 4");
        return block_read::error;
    }
    if (total > max_block_length)
    {
        error = error_at(block_start_, "block length " + std::to_string(total) + " is larger than the maximum " +
                                           std::to_string(max_block_length));
        return block_read::error;
    }
    // block_ gets the body (an SHB's starts with its byte-order magic) and the trailing length.
    block_.resize(total - 8);
    std::copy(h.data() + 8, h.data() + head, block_.data());
    if (!read_exact(block_.data() + (head - 8), block_.size() - (head - 8), got))
    {
        error = error_at(block_start_, "truncated block: " + std::to_string(head + got) + " of " +
                                           std::to_string(total) + " bytes");
        return block_read::error;
    }
    // libpcap checks the trailing copy of the length on every block but the first section
    // header; so do we, so that both read the same files.
    if (type_read == 0 && u32(block_.data() + block_.size() - 4) != total)
    {
        error = error_at(block_start_, "block length " + std::to_string(total) + " and its trailing copy differ");
        return block_read::error;
    }
    block_.resize(block_.size() - 4);
    return block_read::ok;
}

std::optional<capture_error> pcap_reader::on_section_header(bool first_section)
{
    // Body: byte-order magic, major, minor, section length (64 bits), options.
    if (block_.size() < 16) return error_at(block_start_, "section header block is too short");
    const std::uint16_t major = u16(block_.data() + 4), minor = u16(block_.data() + 6);
    if (major != 1 || (first_section && minor != 0 && minor != 2))
        return error_at(block_start_, "unsupported pcapng version " + std::to_string(major) + "." + std::to_string(minor));
    interfaces_.clear(); // interface ids count from 0 again in each section
    return std::nullopt;
}

std::optional<capture_error> pcap_reader::on_interface()
{
    // Body: link type (16), reserved (16), snap length (32), options.
    if (block_.size() < 8) return error_at(block_start_, "interface description block is too short");
    const int link = dlt_of_linktype(u16(block_.data()));
    const std::uint32_t snap = adjusted_snap_length(link, u32(block_.data() + 4));
    if (!have_interface_)
    {
        link_type_ = link;
        snap_length_ = snap;
        have_interface_ = true;
    }
    else if (link != link_type_) // one link type per file, as pcap_datalink() can only say one
        return error_at(block_start_, "an interface has link type " + std::to_string(link) +
                                          ", different from the first interface's " + std::to_string(link_type_));
    else if (snap != snap_length_)
        return error_at(block_start_, "an interface has snap length " + std::to_string(snap) +
                                          ", different from the first interface's " + std::to_string(snap_length_));

    interface_info info;
    std::size_t at = 8;
    while (block_.size() - at >= 4)
    {
        const std::uint16_t code = u16(block_.data() + at), length = u16(block_.data() + at + 2);
        at += 4;
        const std::size_t padded = (std::size_t{length} + 3) & ~std::size_t{3};
        // Checked before opt_endofopt too, as libpcap does.
        if (padded > block_.size() - at) return error_at(block_start_, "an interface option runs past its block");
        if (code == opt_endofopt)
        {
            if (length != 0) return error_at(block_start_, "an interface's end-of-options option has a length");
            break;
        }
        const std::byte* value = block_.data() + at;
        if (code == opt_if_tsresol)
        {
            if (length != 1) return error_at(block_start_, "if_tsresol option is not 1 byte long");
            const auto v = std::to_integer<unsigned>(value[0]);
            const unsigned exponent = v & 0x7fu;
            // 10^19 and 2^63 are the finest resolutions a 64-bit tick count can hold.
            if ((v & 0x80u) != 0 ? exponent > 63 : exponent > 19)
                return error_at(block_start_, "if_tsresol " + std::to_string(v) + " is finer than 64 bits can count");
            info.units_per_second = 1;
            for (unsigned i = 0; i < exponent; ++i) info.units_per_second *= (v & 0x80u) != 0 ? 2 : 10;
        }
        else if (code == opt_if_tsoffset)
        {
            if (length != 8) return error_at(block_start_, "if_tsoffset option is not 8 bytes long");
            const std::uint64_t hi = u32(value + (big_endian_ ? 0 : 4)), lo = u32(value + (big_endian_ ? 4 : 0));
            info.offset_seconds = static_cast<std::int64_t>((hi << 32) | lo);
        }
        at += padded;
    }
    interfaces_.push_back(info);
    return std::nullopt;
}

capture_result<std::optional<capture_record>> pcap_reader::next_pcapng(std::uint64_t start)
{
    for (;;)
    {
        std::optional<capture_error> error;
        const block_read b = read_block(error, 0);
        if (b == block_read::end_of_file) return std::optional<capture_record>{};
        if (b == block_read::error) return error_at(error->offset, which() + error->message);
        if (block_type_ == block_shb || block_type_ == block_idb)
        {
            auto e = block_type_ == block_shb ? on_section_header(false) : on_interface();
            if (e) return error_at(e->offset, which() + e->message);
            continue;
        }
        if (block_type_ != block_epb && block_type_ != block_spb && block_type_ != block_opb) continue;

        const std::byte* body = block_.data();
        std::uint32_t interface_id = 0, caplen = 0, len = 0;
        std::uint64_t ticks = 0;
        std::size_t data_at = 0;
        if (block_type_ == block_spb)
        {
            // No interface id, no time stamp, no captured length: it is the original length cut
            // to the snap length, and the block must hold that much.
            if (block_.size() < 4) return error_at(block_start_, which() + "simple packet block is too short");
            len = u32(body);
            caplen = std::min(len, snap_length_);
            data_at = 4;
            if (caplen > block_.size() - data_at)
                return error_at(block_start_, which() + "simple packet block holds less than its " +
                                                  std::to_string(caplen) + "-byte packet");
        }
        else
        {
            if (block_.size() < 20) return error_at(block_start_, which() + "packet block is too short");
            const bool obsolete = block_type_ == block_opb; // 16-bit interface id, 16-bit drop count
            interface_id = obsolete ? u16(body) : u32(body);
            ticks = (std::uint64_t{u32(body + 4)} << 32) | u32(body + 8);
            caplen = u32(body + 12);
            len = u32(body + 16);
            data_at = 20;
            if (caplen > block_.size() - data_at)
                return error_at(block_start_, which() + "captured length " + std::to_string(caplen) +
                                                  " runs past its block");
            // Unlike classic pcap, libpcap refuses (rather than cuts) such a pcapng record.
            if (caplen > snap_length_)
                return error_at(block_start_, which() + "captured length " + std::to_string(caplen) +
                                                  " is larger than the snap length " + std::to_string(snap_length_));
        }
        if (interface_id >= interfaces_.size())
            return error_at(block_start_, which() + "a packet names interface " + std::to_string(interface_id) +
                                              ", but its section describes " + std::to_string(interfaces_.size()));
        const interface_info& i = interfaces_[interface_id];
        const std::uint64_t whole = ticks / i.units_per_second;
        std::int64_t seconds = whole > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / 2)
                                   ? std::numeric_limits<std::int64_t>::max() / 2
                                   : static_cast<std::int64_t>(whole);
        seconds += std::clamp<std::int64_t>(i.offset_seconds, std::numeric_limits<std::int64_t>::min() / 4,
                                            std::numeric_limits<std::int64_t>::max() / 4);
        const std::int64_t ns = to_nanoseconds(ticks % i.units_per_second, i.units_per_second);
        return std::optional<capture_record>(
            record_of(std::span<const std::byte>(body + data_at, caplen), len, seconds, ns, start));
    }
}

} // namespace epmdump::capture
