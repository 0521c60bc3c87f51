#pragma once
// Scan targets from the command line and from lists: host names, IPv4/IPv6 literals, HOST:PORT,
// [IPv6]:PORT, CIDR blocks (10.0.0.0/24, [fd00::/120]) and ranges (10.0.0.1-20,
// 10.0.0.1-10.0.1.5). Blocks are expanded lazily, so memory does not grow with their size.
#include <epmdump/client/target.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::app {

// Largest block one word may name (a /8); more is almost certainly a typo.
inline constexpr std::uint64_t max_block_size = std::uint64_t{1} << 24;

// One parsed word: a single name, or `count` consecutive addresses from `first`.
struct target_pattern
{
    std::string name;                  // DNS name or a literal with a zone id; empty for blocks
    bool v6 = false;
    std::array<std::uint8_t, 16> first{}; // network order; IPv4 uses the first 4 bytes
    std::uint64_t count = 1;
    std::uint16_t port = 0;            // 0: not given in the word

    // The i-th target (i < count), port filled from `default_port` when the word gave none.
    client::target at(std::uint64_t i, std::uint16_t default_port) const;
};

// nullopt with `error` set when the word is not a target.
std::optional<target_pattern> parse_target(std::string_view word, std::string& error);

// Reads a target list: whitespace-separated words, '#' starts a comment.
// Calls `on_word` for each word with its 1-based line number.
// A target list file as text: UTF-16 (PowerShell 5's "> file") and UTF-8 with BOM decoded to
// UTF-8, anything else read as it is. Null when it cannot be opened (or decodes past 256 MiB).
std::unique_ptr<std::istream> open_target_list(const std::string& path);
void for_each_list_word(std::istream& in, const std::function<bool(std::string_view, std::size_t)>& on_word);

// Pulls targets one at a time: command-line words first, then each list file ("-" = stdin).
class target_source
{
public:
    using warning_handler = std::function<void(const std::string&)>;

    // `words` must already be valid (parse them first to report usage errors).
    target_source(std::vector<target_pattern> words, std::vector<std::string> list_files,
                  std::uint16_t default_port, warning_handler on_warning = {}, std::istream* stdin_stream = nullptr);
    ~target_source();
    target_source(const target_source&) = delete;
    target_source& operator=(const target_source&) = delete;

    std::optional<client::target> next();

    // Targets known so far; final once total_known() (regular files are counted up front).
    std::uint64_t total() const noexcept { return total_; }
    bool total_known() const noexcept { return total_known_; }
    // Bad words in lists and unreadable files (each reported through the warning handler).
    std::uint64_t bad_entries() const noexcept { return bad_entries_; }

private:
    bool open_next_file();
    bool next_pattern();

    std::vector<target_pattern> words_;
    std::size_t word_index_ = 0;
    std::vector<std::string> files_;
    std::size_t file_index_ = 0;
    std::uint16_t default_port_;
    warning_handler on_warning_;
    std::istream* stdin_;

    std::unique_ptr<std::istream> owned_;  // the list file being read
    std::istream* in_ = nullptr;
    std::string current_file_;
    std::size_t line_ = 0;
    std::vector<std::string> pending_words_; // the rest of the current line
    std::size_t pending_index_ = 0;

    std::optional<target_pattern> pattern_;
    std::uint64_t index_ = 0;
    std::uint64_t total_ = 0;
    bool total_known_ = true;
    std::uint64_t bad_entries_ = 0;
};

} // namespace epmdump::app
