#pragma once
// Reads classic pcap (either byte order, µs or ns) and pcapng (any section byte order,
// several interfaces of one link type, EPB/SPB/OPB) with the built-in pcap_reader, which the
// tests hold to libpcap's offline API record for record.
// Errors name the file and the byte offset where reading stopped; nothing here throws
// on bad input.
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace epmdump::capture {

struct capture_error
{
    std::string file;
    std::uint64_t offset = 0; // byte offset in the file where the bad header or record starts
    std::string message;      // what is wrong, in libpcap's terms where it has them

    // "FILE: at byte offset N: MESSAGE"
    std::string to_string() const;
};

// capture_result<T>::value() throws epmdump::error_exception (errc::invalid_argument) with the
// offset and to_string().
[[noreturn]] void throw_exception_from_error(const capture_error& e, const boost::source_location& loc);

template <class T>
using capture_result = boost::system::result<T, capture_error>;

struct capture_record
{
    std::span<const std::byte> data;  // valid until the next call to next()
    std::chrono::nanoseconds timestamp{}; // since the epoch
    std::uint32_t original_length = 0;    // on the wire; data.size() is what was kept
    std::uint64_t offset = 0;             // where the record starts in the file
    std::uint64_t frame_number = 0;       // 1-based, as Wireshark counts
};

class capture_file
{
public:
    // Opens `path`. The error says why it is not a capture we can read.
    static capture_result<capture_file> open(const std::filesystem::path& path);
    // Takes ownership of `file` (e.g. from fmemopen); `name` is used in messages.
    static capture_result<capture_file> open(std::FILE* file, std::string name);

    capture_file(capture_file&&) noexcept;
    capture_file& operator=(capture_file&&) noexcept;
    ~capture_file();

    const std::string& name() const noexcept { return name_; }
    int link_type() const noexcept { return link_type_; }
    std::uint32_t snap_length() const noexcept { return snap_length_; }

    // The next record; nullopt at a clean end of file; an error for a cut or corrupt record.
    capture_result<std::optional<capture_record>> next();

private:
    struct handle;
    capture_file(std::unique_ptr<handle> h, std::string name, int link, std::uint32_t snap);

    std::unique_ptr<handle> handle_;
    std::string name_;
    int link_type_ = 0;
    std::uint32_t snap_length_ = 0;
    std::uint64_t frames_ = 0;
};

std::ostream& operator<<(std::ostream& os, const capture_error& e);

} // namespace epmdump::capture
