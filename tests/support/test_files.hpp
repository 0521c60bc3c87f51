#pragma once
// Test fixtures on disk: the project's pcaps/, and ../shared (which may be absent).
#include <cstddef>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::test {

std::filesystem::path source_dir();
std::filesystem::path project_pcap(const std::string& name);  // pcaps/NAME in the checkout
// ../shared/SUBPATH, or nullopt when the shared folder is absent.
std::optional<std::filesystem::path> shared_file(const std::string& subpath);
std::vector<std::byte> read_file(const std::filesystem::path& p);
std::string read_text(const std::filesystem::path& p);
std::vector<std::byte> from_hex(std::string_view hex);
std::vector<std::byte> to_bytes(std::string_view text); // the characters as they are

} // namespace epmdump::test

// Ends the current test case as skipped (CTest sees EPMDUMP_SKIP: and reports "Skipped").
#define EPMDUMP_SKIP(reason)                                                                              \
    do                                                                                                     \
    {                                                                                                      \
        std::cout << "EPMDUMP_SKIP: " << (reason) << std::endl;                                            \
        return;                                                                                            \
    } while (0)
