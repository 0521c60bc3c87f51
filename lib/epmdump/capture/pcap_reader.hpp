#pragma once
// A bounded reader of classic pcap and pcapng with no library behind it: capture_file runs
// on it where libpcap is absent (the Windows build), and the tests hold it to libpcap's
// results wherever libpcap is present. It reports what libpcap's offline API reports:
// the link type as pcap_datalink() gives it (LINKTYPE_ values mapped to DLT_ values),
// the snap length as pcap_snapshot() gives it, and nanosecond timestamps.
//
// Classic pcap: both byte orders, µs and ns magic, the 2.3 caplen/len swap, the
// "modified" (Kuznetzov) record header. pcapng: several sections of either byte order,
// several interfaces of one link type and snap length, if_tsresol and if_tsoffset,
// EPB, SPB and the obsolete OPB; every other block is skipped.
// Memory is bounded: a record is never larger than its link type's maximum snap length,
// a pcapng block never larger than max_block_length.
#include <epmdump/capture/capture_file.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::capture {

class pcap_reader
{
public:
    // The largest pcapng block read into memory (libpcap refuses larger ones too).
    static constexpr std::uint32_t max_block_length = 16u * 1024u * 1024u;

    // Takes ownership of `file`; reads the file header (and, for pcapng, the blocks up to the
    // first interface). `name` is used in error messages.
    static capture_result<pcap_reader> open(std::FILE* file, std::string name);

    pcap_reader(pcap_reader&&) noexcept = default;
    pcap_reader& operator=(pcap_reader&&) noexcept = default;
    ~pcap_reader() = default;

    int link_type() const noexcept { return link_type_; }
    std::uint32_t snap_length() const noexcept { return snap_length_; }
    bool is_pcapng() const noexcept { return pcapng_; }

    // The next record (its data valid until the next call); nullopt at a clean end of file.
    // `offset` is where reading for it started, as ftell() before pcap_next_ex() would say.
    capture_result<std::optional<capture_record>> next();

private:
    struct file_closer
    {
        void operator()(std::FILE* f) const noexcept;
    };
    struct interface_info
    {
        std::uint64_t units_per_second = 1'000'000; // if_tsresol
        std::int64_t offset_seconds = 0;            // if_tsoffset
    };
    enum class block_read : std::uint8_t { ok, end_of_file, error };

    pcap_reader(std::unique_ptr<std::FILE, file_closer> file, std::string name);

    capture_error error_at(std::uint64_t offset, std::string message) const;
    std::string which() const; // "bad record N: ", N the record being read
    // Reads exactly n bytes into `out`; false (and `got` < n) when the file ends first.
    bool read_exact(std::byte* out, std::size_t n, std::size_t& got);
    std::uint16_t u16(const std::byte* p) const noexcept;
    std::uint32_t u32(const std::byte* p) const noexcept;

    capture_result<std::optional<capture_record>> next_classic(std::uint64_t start);
    capture_result<std::optional<capture_record>> next_pcapng(std::uint64_t start);
    // Reads one whole pcapng block into block_ (its body only) and sets block_type_ and
    // block_start_; the first `type_read` bytes of it were read already (into pending_type_).
    // section_order: a section header's byte-order magic sets the order its block is read in;
    // false reads it as any block, in the current order (libpcap before the first interface).
    block_read read_block(std::optional<capture_error>& error, std::size_t type_read, bool section_order = true);
    // block_ holds an SHB body; libpcap holds later sections to the major version only.
    std::optional<capture_error> on_section_header(bool first_section);
    std::optional<capture_error> on_interface();      // block_ holds an IDB body
    capture_record record_of(std::span<const std::byte> data, std::uint32_t original_length,
                             std::int64_t seconds, std::int64_t nanoseconds, std::uint64_t offset);

    std::unique_ptr<std::FILE, file_closer> file_;
    std::string name_;
    std::uint64_t position_ = 0; // bytes consumed from the file
    bool pcapng_ = false;
    bool big_endian_ = false;
    int link_type_ = 0;
    std::uint32_t snap_length_ = 0;
    std::uint64_t frames_ = 0;
    // Classic pcap.
    bool nanosecond_ = false;
    bool modified_header_ = false; // 24-byte record headers (Kuznetzov's patched libpcap)
    enum class length_order : std::uint8_t { usual, swapped, maybe_swapped };
    length_order swapped_lengths_ = length_order::usual; // caplen and len in older files
    // pcapng.
    bool have_interface_ = false;
    std::vector<interface_info> interfaces_; // of the current section
    std::uint32_t block_type_ = 0;
    std::uint64_t block_start_ = 0;
    std::array<std::byte, 4> pending_type_{};
    std::vector<std::byte> block_; // the current pcapng block, or the current classic record
};

} // namespace epmdump::capture
