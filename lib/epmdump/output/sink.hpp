#pragma once
// Standard output (any FILE*) as one stream that remembers its first failed write or flush:
// a full disk or a closed pipe is seen once, here, not checked in every command.
#include <cstdio>
#include <ostream>
#include <streambuf>
#include <system_error>

namespace epmdump::output {

class sink final : private std::streambuf
{
public:
    explicit sink(std::FILE* file);
    sink(const sink&) = delete;
    sink& operator=(const sink&) = delete;

    // Writes go straight to the FILE (its own buffer); after the first failure they are dropped.
    std::ostream& stream() noexcept { return stream_; }
    // Pushes the FILE's buffer out; false once any write or flush has failed.
    bool flush();
    bool failed() const noexcept { return static_cast<bool>(error_); }
    // The first failure (ENOSPC, EPIPE, EIO...); empty while all went well.
    std::error_code error() const noexcept { return error_; }

private:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;
    void remember_errno();

    std::FILE* file_;
    std::error_code error_;
    std::ostream stream_;
};

} // namespace epmdump::output
