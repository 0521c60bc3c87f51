#include <epmdump/output/sink.hpp>

#include <cerrno>

namespace epmdump::output {

sink::sink(std::FILE* file) : file_(file), stream_(this) {}

void sink::remember_errno()
{
    // A stream error with errno 0 (possible on some C libraries) is still an I/O error.
    const int e = errno;
    if (!error_) error_ = std::error_code(e != 0 ? e : EIO, std::generic_category());
}

sink::int_type sink::overflow(int_type c)
{
    if (failed()) return traits_type::eof();
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    errno = 0;
    if (std::fputc(traits_type::to_char_type(c), file_) == EOF)
    {
        remember_errno();
        return traits_type::eof();
    }
    return c;
}

std::streamsize sink::xsputn(const char* s, std::streamsize n)
{
    if (failed() || n <= 0) return 0;
    errno = 0;
    const std::size_t done = std::fwrite(s, 1, static_cast<std::size_t>(n), file_);
    if (done != static_cast<std::size_t>(n)) remember_errno();
    return static_cast<std::streamsize>(done);
}

int sink::sync()
{
    if (failed()) return -1;
    errno = 0;
    if (std::fflush(file_) != 0 || std::ferror(file_) != 0)
    {
        remember_errno();
        return -1;
    }
    return 0;
}

bool sink::flush()
{
    stream_.flush();
    return !failed();
}

} // namespace epmdump::output
