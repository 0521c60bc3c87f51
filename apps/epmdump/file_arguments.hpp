#pragma once
// File arguments as the platform gives them: `-` for standard input, and on Windows the
// wildcards cmd.exe leaves to the program (file_arguments.cpp).
#include <cstdio>
#include <string>
#include <vector>

namespace epmdump::app {

// Standard input as a binary FILE* of its own (closing it leaves fd 0 open); nullptr with errno
// set when it cannot be had. On Windows text mode would turn CR LF into LF inside a capture.
std::FILE* open_stdin_binary() noexcept;

} // namespace epmdump::app
