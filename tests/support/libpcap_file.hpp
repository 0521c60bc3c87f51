#pragma once
// libpcap's offline reader behind capture_file's interface: the oracle the built-in
// pcap_reader (what capture_file runs on) is held to, in the platform tests and the
// pcap_reader fuzzer. Test-only: epmdump itself does not link libpcap.
#include <epmdump/capture/capture_file.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

namespace epmdump::capture::test {

class libpcap_file
{
public:
    // Takes ownership of `file` (e.g. from fmemopen); `name` is used in messages.
    static capture_result<libpcap_file> open(std::FILE* file, std::string name);

    libpcap_file(libpcap_file&&) noexcept;
    libpcap_file& operator=(libpcap_file&&) noexcept;
    ~libpcap_file();

    int link_type() const noexcept { return link_type_; }
    std::uint32_t snap_length() const noexcept { return snap_length_; }
    capture_result<std::optional<capture_record>> next();

private:
    struct handle;
    libpcap_file(std::unique_ptr<handle> h, std::string name, int link, std::uint32_t snap);

    std::unique_ptr<handle> handle_;
    std::string name_;
    int link_type_ = 0;
    std::uint32_t snap_length_ = 0;
    std::uint64_t frames_ = 0;
};

} // namespace epmdump::capture::test
