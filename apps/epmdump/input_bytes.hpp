#pragma once
// A file named on the command line, read whole as bytes ("-": standard input, in binary mode).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::app {

// nullopt with `why` set ("cannot open", "read error") when the bytes cannot be had.
std::optional<std::vector<std::byte>> read_input_bytes(const std::string& path, std::string& why);

} // namespace epmdump::app
