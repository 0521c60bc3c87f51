#pragma once
// Opens a file named on the command line for reading, or says why not: a directory is refused
// up front, as libstdc++'s filebuf would open it and then throw from its first read (EISDIR).
#include <epmdump/client/detail/utf8_path.hpp>

#include <cerrno>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace epmdump::client::detail {

// Empty when `in` is open; else the reason ("is a directory", "No such file or directory").
inline std::string open_input_file(std::string_view path, std::ifstream& in)
{
    const auto p = path_from_utf8(path);
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) return "is a directory";
    errno = 0;
    in.open(p, std::ios::binary);
    if (in) return {};
    const int e = errno;
    return e != 0 ? std::generic_category().message(e) : std::string("cannot open");
}

// libstdc++'s filebuf throws std::ios_base::failure from a read that fails (EIO, EISDIR) whatever
// the stream's exception mask; callers reading through the buffer catch it and say this.
inline std::string read_failure_reason()
{
    const int e = errno;
    return e != 0 ? std::generic_category().message(e) : std::string("read error");
}

} // namespace epmdump::client::detail
