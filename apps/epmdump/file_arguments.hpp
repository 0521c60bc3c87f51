#pragma once
// File arguments as the platform gives them: `-` for standard input, and on Windows the
// wildcards cmd.exe leaves to the program (file_arguments.cpp).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace epmdump::app {

// Standard input as a binary FILE* of its own (closing it leaves fd 0 open); nullptr with errno
// set when it cannot be had. On Windows text mode would turn CR LF into LF inside a capture.
std::FILE* open_stdin_binary() noexcept;

struct expanded_files
{
    std::vector<std::string> files;     // in argument order, each pattern's matches sorted
    std::vector<std::string> unmatched; // patterns that matched nothing
};

// Windows: an argument with `*` or `?` in its last component becomes the names it matches
// (FindFirstFileW; sorted case-insensitively; UTF-8), a name without them passes through.
// Elsewhere the shell has expanded already: the arguments are returned as given.
expanded_files expand_wildcards(const std::vector<std::string>& args);

// CLI11 check for a file option: an existing file, or on Windows a pattern that matches one.
CLI::Validator existing_file_or_pattern();

} // namespace epmdump::app
