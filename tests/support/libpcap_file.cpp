// libpcap's offline API behind libpcap_file's interface (the test oracle; see the header).
#include "support/libpcap_file.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ostream>
#include <stdexcept>
#include <system_error>

namespace epmdump::capture::test {

struct libpcap_file::handle
{
    pcap_t* pcap = nullptr;
    ~handle()
    {
        if (pcap != nullptr) pcap_close(pcap); // also closes the FILE*
    }
};

libpcap_file::libpcap_file(std::unique_ptr<handle> h, std::string name, int link, std::uint32_t snap)
    : handle_(std::move(h)), name_(std::move(name)), link_type_(link), snap_length_(snap)
{
}

libpcap_file::libpcap_file(libpcap_file&&) noexcept = default;
libpcap_file& libpcap_file::operator=(libpcap_file&&) noexcept = default;
libpcap_file::~libpcap_file() = default;

capture_result<libpcap_file> libpcap_file::open(std::FILE* file, std::string name)
{
    if (file == nullptr) return capture_error{std::move(name), 0, "no file"};
    // libpcap's "truncated dump file" for an empty file hides the plain cause.
    const int first = std::fgetc(file);
    if (first == EOF)
    {
        // A read error (EISDIR, EIO) is not an empty file: say what the system said.
        const int read_error = std::ferror(file) != 0 ? errno : 0;
        std::fclose(file);
        return capture_error{std::move(name), 0,
                             read_error != 0 ? std::strerror(read_error) : "empty file (0 bytes), not a capture"};
    }
    // Step back with a seek where the file allows it: glibc's ftell() then answers from the
    // stream's cached position, instead of one lseek() per record in next().
    if (std::fseek(file, -1, SEEK_CUR) != 0) std::ungetc(first, file);

    char errbuf[PCAP_ERRBUF_SIZE] = {};
    // Nanosecond precision: libpcap scales µs files up, so one clock serves every file.
    pcap_t* p = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == nullptr)
    {
        std::fclose(file); // on failure libpcap leaves the FILE* to its owner
        // Offset 0: what failed is the file (or first section) header.
        return capture_error{std::move(name), 0, errbuf[0] != '\0' ? errbuf : "not a pcap or pcapng file"};
    }
    auto h = std::make_unique<handle>();
    h->pcap = p;
    return libpcap_file(std::move(h), std::move(name), pcap_datalink(p), static_cast<std::uint32_t>(pcap_snapshot(p)));
}

capture_result<std::optional<capture_record>> libpcap_file::next()
{
    std::FILE* f = pcap_file(handle_->pcap);
    const long before = f != nullptr ? std::ftell(f) : -1;
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(handle_->pcap, &header, &data);
    if (rc == PCAP_ERROR_BREAK) return std::optional<capture_record>{}; // end of file
    if (rc != 1)
        return capture_error{name_, before < 0 ? 0 : static_cast<std::uint64_t>(before),
                             std::string("bad record ") + std::to_string(frames_ + 1) + ": " +
                                 pcap_geterr(handle_->pcap)};
    capture_record r;
    r.data = std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), header->caplen);
    // With nanosecond precision tv_usec holds nanoseconds.
    // A corrupt record can claim any second; keep it inside what int64 nanoseconds hold.
    constexpr std::int64_t max_seconds = 9'000'000'000;
    const std::int64_t sec = std::clamp<std::int64_t>(header->ts.tv_sec, -max_seconds, max_seconds);
    r.timestamp = std::chrono::seconds(sec) + std::chrono::nanoseconds(header->ts.tv_usec);
    r.original_length = header->len;
    r.offset = before < 0 ? 0 : static_cast<std::uint64_t>(before);
    r.frame_number = ++frames_;
    return std::optional<capture_record>(r);
}

} // namespace epmdump::capture::test
