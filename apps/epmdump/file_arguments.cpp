// File arguments: what differs between platforms in how a program is handed its files.
#include "file_arguments.hpp"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#else
#include <unistd.h>
#endif

namespace epmdump::app {

std::FILE* open_stdin_binary() noexcept
{
#ifdef _WIN32
    const int fd = _dup(_fileno(stdin));
    if (fd < 0) return nullptr;
    _setmode(fd, _O_BINARY);
    std::FILE* f = _fdopen(fd, "rb");
    if (f == nullptr) _close(fd);
#else
    const int fd = dup(fileno(stdin));
    if (fd < 0) return nullptr;
    std::FILE* f = fdopen(fd, "rb");
    if (f == nullptr) close(fd);
#endif
    return f;
}

} // namespace epmdump::app
