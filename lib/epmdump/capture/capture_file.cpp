// capture_file over the built-in pcap_reader on every platform: epmdump does not load libpcap
// (and its dependency chain: libdbus, libsystemd, libgcrypt...) at start-up, so a scan or one
// lookup pays nothing for replay. The tests hold pcap_reader to libpcap (tests/support/libpcap_file).
#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/pcap_reader.hpp>
#include <epmdump/core/error_exception.hpp>

#include <cerrno>
#include <cstring>
#include <ostream>
#include <stdexcept>
#include <system_error>

namespace epmdump::capture {

std::string capture_error::to_string() const
{
    return file + ": at byte offset " + std::to_string(offset) + ": " + message;
}

std::ostream& operator<<(std::ostream& os, const capture_error& e) { return os << e.to_string(); }

void throw_exception_from_error(const capture_error& e, const boost::source_location&)
{
    // A file we cannot read as a capture has no finer code (yet): the input was not usable.
    throw error_exception(make_error_code(boost::system::errc::invalid_argument), e.to_string(), e.offset);
}

struct capture_file::handle
{
    std::unique_ptr<char[]> buffer; // the FILE's stdio buffer: declared first, freed after fclose
    pcap_reader reader;
};

capture_file::capture_file(std::unique_ptr<handle> h, std::string name, int link, std::uint32_t snap)
    : handle_(std::move(h)), name_(std::move(name)), link_type_(link), snap_length_(snap)
{
}

capture_file::capture_file(capture_file&&) noexcept = default;
capture_file& capture_file::operator=(capture_file&&) noexcept = default;
capture_file::~capture_file() = default;

capture_result<capture_file> capture_file::open(const std::filesystem::path& path)
{
    // fopen() opens a directory on Linux and the first read fails: it is no "empty file".
    if (std::error_code ec; std::filesystem::is_directory(path, ec))
        return capture_error{path.string(), 0, "is a directory, not a capture file"};
#ifdef _WIN32
    // Windows paths are UTF-16: the narrow fopen() would mangle non-ANSI names.
    std::FILE* f = _wfopen(path.c_str(), L"rb");
#else
    std::FILE* f = std::fopen(path.c_str(), "rb");
#endif
    if (f == nullptr) return capture_error{path.string(), 0, std::strerror(errno)};
    // Large reads: stdio's default 4 KiB buffer made one read() per 4 KiB of capture.
    constexpr std::size_t buffer_size = std::size_t{1} << 20;
    auto buffer = std::make_unique_for_overwrite<char[]>(buffer_size);
    std::setvbuf(f, buffer.get(), _IOFBF, buffer_size);
    auto r = open(f, path.string()); // on failure the FILE is closed before `buffer` is freed
    if (r) r->handle_->buffer = std::move(buffer);
    return r;
}

capture_result<capture_file> capture_file::open(std::FILE* file, std::string name)
{
    auto r = pcap_reader::open(file, name);
    if (!r) return r.error();
    const int link = r->link_type();
    const std::uint32_t snap = r->snap_length();
    return capture_file(std::make_unique<handle>(handle{{}, std::move(*r)}), std::move(name), link, snap);
}

capture_result<std::optional<capture_record>> capture_file::next()
{
    auto r = handle_->reader.next();
    if (r && *r) frames_ = (*r)->frame_number;
    return r;
}

} // namespace epmdump::capture
