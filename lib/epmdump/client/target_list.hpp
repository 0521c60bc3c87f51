#pragma once
// Scan targets from lists (files, pipes, stdin) after the command-line words: each word in the
// grammar of target_pattern.hpp, blocks expanded lazily, one target at a time.
#include <epmdump/client/scanner_list.hpp>
#include <epmdump/client/target.hpp>
#include <epmdump/client/target_exclusion.hpp>
#include <epmdump/client/target_pattern.hpp>
#include <epmdump/client/target_resume.hpp>
#include <epmdump/client/target_shard.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::client {

// Longest line a target list may have: a line holds words of at most a host name (253 bytes),
// an IPv6 literal with zone, brackets and port, or a range; 4 KiB leaves room for many of them.
inline constexpr std::size_t max_list_line = 4096;

// A target list's lines as they arrive, decoded to UTF-8: UTF-16LE/BE (with BOM, or recognised
// by a zero byte in the first code unit, as PowerShell 5's "> file" writes) and UTF-8 with or
// without BOM, from a file, a pipe or stdin alike. Reads only as far as each line needs, so a
// pipe is read once and as it comes; a line is never held beyond max_list_line.
class list_reader
{
public:
    enum class status : std::uint8_t { line, end, too_long };
    explicit list_reader(std::streambuf& in) : in_(in) {}

    // status::line: `line` holds the next line (no CR/LF). too_long: `line` holds its first
    // max_list_line bytes and the list cannot be read further (likely not a text file).
    status next(std::string& line);
    std::size_t line_number() const noexcept { return number_; }

private:
    enum class encoding : std::uint8_t { unknown, utf8, utf16le, utf16be };
    int get();
    void detect();
    std::string decode_utf16(const std::string& raw) const;

    std::streambuf& in_;
    encoding encoding_ = encoding::unknown;
    std::string pending_; // bytes read while detecting the encoding, handed out first
    std::size_t number_ = 0;
};

// The words of one list line: whitespace-separated, '#' starts a comment.
std::vector<std::string> list_words(std::string line);

// A word we did not write, fit for a message: escaped (output::sanitize_text), quoted, and cut
// to its first 80 bytes with its length said when longer.
std::string quote_word(std::string_view word);

// Pulls targets one at a time: command-line words first, then each list file ("-" = stdin).
class target_source
{
public:
    using warning_handler = std::function<void(const std::string&)>;

    // `words` must already be valid (parse them first to report usage errors).
    target_source(std::vector<target_pattern> words, std::vector<std::string> list_files,
                  std::uint16_t default_port, warning_handler on_warning = {}, std::istream* stdin_stream = nullptr);
    // Lists that may be a port scanner's output (scanner_list.hpp): its hosts with one of
    // `scanner_ports` open become targets at that port.
    target_source(std::vector<target_pattern> words, std::vector<list_file> lists, std::uint16_t default_port,
                  std::vector<std::uint16_t> scanner_ports, warning_handler on_warning = {}, std::istream* stdin_stream = nullptr);
    ~target_source();
    target_source(const target_source&) = delete;
    target_source& operator=(const target_source&) = delete;

    std::optional<target> next();

    // Set when a list cannot serve as one (missing, a directory, empty, a line too long), found
    // up front for regular files, while reading for pipes and devices: a usage error.
    const std::string& list_error() const noexcept { return list_error_; }
    // Whether a list is a port scanner's output: said so (list_kind nmap, masscan), or found so
    // up front in a regular file given as any; a pipe's kind is learnt only as it is read.
    bool scanner_lists() const noexcept { return scanner_lists_; }

    // Targets known so far; final once total_known() (regular files are counted up front).
    // Safe to read from another thread than the one calling next().
    std::uint64_t total() const noexcept { return total_; }
    bool total_known() const noexcept { return total_known_; }
    // Bad words in lists and unreadable files (each reported through the warning handler).
    std::uint64_t bad_entries() const noexcept { return bad_entries_; }
    void set_warning_handler(warning_handler h) { on_warning_ = std::move(h); }
    // Targets next() skips (--exclude): never handed out, counted in excluded(). Set before next().
    void set_exclusions(std::shared_ptr<const target_exclusions> exclusions) { exclusions_ = std::move(exclusions); }
    std::uint64_t excluded() const noexcept { return excluded_; }
    // Only this shard's targets (--shards): every word is read first (lists too), then the whole
    // space is walked in the shard's permuted order; total() becomes the shard's size. Set before next().
    void set_shard(const shard_spec& shard);
    // Targets next() skips as done by a previous run (--resume), counted in resumed(). Set before next().
    void set_done(std::shared_ptr<const done_targets> done) { done_ = std::move(done); }
    std::uint64_t resumed() const noexcept { return resumed_; }

private:
    bool open_next_file();
    bool next_pattern();
    std::optional<target> next_in_order();
    std::optional<target> next_in_shard();
    bool next_scanner_pattern();

    void fail_list(const std::string& message);

    std::vector<target_pattern> words_;
    std::size_t word_index_ = 0;
    std::vector<std::string> files_;
    std::vector<list_kind> kinds_; // of each file
    std::vector<std::uint16_t> scanner_ports_;
    std::unique_ptr<scanner_list> scanner_; // the current file, when a scanner wrote it
    std::size_t file_index_ = 0;
    std::uint16_t default_port_;
    warning_handler on_warning_;
    std::istream* stdin_;

    std::unique_ptr<std::istream> owned_;  // the list file being read
    std::streambuf* buffer_ = nullptr;    // its bytes (owned_'s or stdin's)
    std::unique_ptr<list_reader> reader_;
    std::string current_file_;            // as it is shown in messages (escaped; "stdin" for "-")
    std::uint64_t words_in_file_ = 0;
    std::uint64_t targets_in_file_ = 0;
    bool counted_ = false;                // the current file was counted up front
    std::vector<std::string> pending_words_; // the rest of the current line
    std::size_t pending_index_ = 0;

    std::optional<target_pattern> pattern_;
    std::uint64_t index_ = 0;
    std::atomic<std::uint64_t> total_ = 0;
    std::atomic<bool> total_known_ = true;
    std::atomic<std::uint64_t> bad_entries_ = 0;
    std::shared_ptr<const target_exclusions> exclusions_;
    std::atomic<std::uint64_t> excluded_ = 0;
    std::string list_error_;
    bool scanner_lists_ = false;
    std::optional<shard_spec> shard_;
    std::optional<target_space> space_;   // the shard's: every word, read on the first next()
    std::optional<shard_walk> walk_;
    std::shared_ptr<const done_targets> done_;
    std::atomic<std::uint64_t> resumed_ = 0;
};

} // namespace epmdump::client
