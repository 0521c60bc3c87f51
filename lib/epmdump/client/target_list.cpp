#include <epmdump/client/target_list.hpp>
#include <epmdump/client/detail/input_file.hpp>
#include <epmdump/client/detail/utf8_path.hpp>

#include <epmdump/core/text_encoding.hpp>
#include <epmdump/output/sanitize.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <span>
#include <sstream>

#ifdef _WIN32
#include <cstdio>
#include <fcntl.h>
#include <io.h>
#endif

namespace epmdump::client {

using detail::path_from_utf8;

std::string quote_word(std::string_view word)
{
    constexpr std::size_t shown = 80;
    std::string out = "'" + output::sanitize_text(word.substr(0, shown)) + "'";
    if (word.size() > shown) out += "... (" + std::to_string(word.size()) + " bytes)";
    return out;
}

int list_reader::get()
{
    if (!pending_.empty())
    {
        const auto c = static_cast<unsigned char>(pending_.front());
        pending_.erase(0, 1);
        return c;
    }
    const auto c = in_.sbumpc();
    return c == std::char_traits<char>::eof() ? -1 : static_cast<unsigned char>(std::char_traits<char>::to_char_type(c));
}

void list_reader::detect()
{
    encoding_ = encoding::utf8;
    const int a = get();
    if (a < 0) return;
    const int b = get();
    if (b < 0)
    {
        pending_ = std::string(1, static_cast<char>(a));
        return;
    }
    if (a == 0xFF && b == 0xFE) encoding_ = encoding::utf16le;
    else if (a == 0xFE && b == 0xFF) encoding_ = encoding::utf16be;
    else if (a != 0 && b == 0) encoding_ = encoding::utf16le, pending_ = {static_cast<char>(a), static_cast<char>(b)};
    else if (a == 0 && b != 0) encoding_ = encoding::utf16be, pending_ = {static_cast<char>(a), static_cast<char>(b)};
    else if (a == 0xEF && b == 0xBB)
    {
        const int c = get();
        if (c != 0xBF)
        {
            pending_ = {static_cast<char>(a), static_cast<char>(b)};
            if (c >= 0) pending_ += static_cast<char>(c);
        }
    }
    else
        pending_ = {static_cast<char>(a), static_cast<char>(b)};
}

std::string list_reader::decode_utf16(const std::string& raw) const
{
    // One decoder for files and stdin: decode_text, told the byte order by the BOM it implies.
    std::string with_bom = encoding_ == encoding::utf16le ? "\xFF\xFE" : "\xFE\xFF";
    with_bom += raw;
    return decode_text(std::as_bytes(std::span<const char>(with_bom.data(), with_bom.size())));
}

list_reader::status list_reader::next(std::string& line)
{
    if (encoding_ == encoding::unknown) detect();
    line.clear();
    const bool utf16 = encoding_ != encoding::utf8;
    const std::size_t unit = utf16 ? 2 : 1;
    std::string raw;
    bool any = false;
    for (;;)
    {
        const int a = get();
        if (a < 0) break;
        int b = 0;
        if (utf16 && (b = get()) < 0) break; // an odd last byte is no character
        any = true;
        const bool newline = utf16 ? (encoding_ == encoding::utf16le ? (a == '\n' && b == 0) : (a == 0 && b == '\n'))
                                   : a == '\n';
        if (newline) break;
        if (raw.size() >= max_list_line * unit)
        {
            ++number_;
            line = utf16 ? decode_utf16(raw) : std::move(raw);
            return status::too_long;
        }
        raw += static_cast<char>(a);
        if (utf16) raw += static_cast<char>(b);
    }
    if (!any) return status::end;
    ++number_;
    line = utf16 ? decode_utf16(raw) : std::move(raw);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return status::line;
}

std::vector<std::string> list_words(std::string line)
{
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream split(line);
    std::vector<std::string> out;
    for (std::string w; split >> w;) out.push_back(std::move(w));
    return out;
}

namespace {

std::string shown_name(const std::string& path) { return path == "-" ? std::string("stdin") : output::sanitize_text(path); }

std::string too_long_message(const std::string& name, const list_reader& r, std::string_view start)
{
    return "target list " + name + ": line " + std::to_string(r.line_number()) + " is longer than " +
           std::to_string(max_list_line) + " bytes (not a list of hosts?); it starts " + quote_word(start);
}

// A target list as a stream; on Windows stdin is switched to binary so UTF-16 and CR LF arrive as written.
std::unique_ptr<std::istream> open_list_file(const std::string& path)
{
    auto file = std::make_unique<std::ifstream>(path_from_utf8(path), std::ios::binary);
    if (!*file) return nullptr;
    return file;
}

} // namespace

namespace {

std::vector<list_file> plain_lists(std::vector<std::string> paths)
{
    std::vector<list_file> out;
    out.reserve(paths.size());
    for (auto& p : paths) out.push_back(list_file{std::move(p), list_kind::any});
    return out;
}

std::string port_words(const std::vector<std::uint16_t>& ports)
{
    std::string out;
    for (const auto p : ports) out += (out.empty() ? "" : ", ") + std::to_string(p) + "/tcp";
    return out;
}

} // namespace

target_source::target_source(std::vector<target_pattern> words, std::vector<std::string> list_files,
                             std::uint16_t default_port, warning_handler on_warning, std::istream* stdin_stream)
    : target_source(std::move(words), plain_lists(std::move(list_files)), default_port, scanner_ports(std::nullopt, 0),
                    std::move(on_warning), stdin_stream)
{
}

target_source::target_source(std::vector<target_pattern> words, std::vector<list_file> lists, std::uint16_t default_port,
                             std::vector<std::uint16_t> scanner_ports, warning_handler on_warning, std::istream* stdin_stream)
    : words_(std::move(words)), scanner_ports_(std::move(scanner_ports)), default_port_(default_port),
      on_warning_(std::move(on_warning)), stdin_(stdin_stream)
{
    for (auto& l : lists)
    {
        files_.push_back(std::move(l.path));
        kinds_.push_back(l.kind);
        if (l.kind != list_kind::any) scanner_lists_ = true;
    }
    std::uint64_t total = 0;
    for (const auto& w : words_) total += w.count;
    // Regular files are checked and counted up front so the progress line knows the total; a
    // pipe, FIFO or device can be read only once, so its total is learnt while reading it.
    for (std::size_t i = 0; i < files_.size(); ++i)
    {
        const std::string& f = files_[i];
        if (f == "-")
        {
            total_known_ = false;
            continue;
        }
        std::error_code ec;
        const auto kind = std::filesystem::status(path_from_utf8(f), ec).type(); // UTF-8 names on Windows too
        if (kind == std::filesystem::file_type::directory)
        {
            fail_list("target list " + shown_name(f) + " is a directory");
            return;
        }
        if (kind != std::filesystem::file_type::regular)
        {
            if (ec || kind == std::filesystem::file_type::not_found)
            {
                fail_list("cannot read target list " + shown_name(f) + (ec ? ": " + ec.message() : std::string()));
                return;
            }
            total_known_ = false;
            continue;
        }
        const auto in = open_list_file(f);
        if (!in)
        {
            fail_list("cannot read target list " + shown_name(f));
            return;
        }
        try
        {
            list_reader reader(*in->rdbuf());
            std::uint64_t words_seen = 0;
            std::string line, ignored;
            auto st = reader.next(line);
            if (st == list_reader::status::line)
            {
                std::string why;
                if (const auto format = scanner_format_of(kinds_[i], line, why))
                {
                    // A scanner's output: its errors, found now, are usage errors before anything is sent.
                    scanner_lists_ = true;
                    scanner_list scan(*in->rdbuf(), *format, line, scanner_ports_, shown_name(f));
                    for (auto it = scan.next(); it.what != scanner_list::item::kind::end; it = scan.next())
                    {
                        if (it.what == scanner_list::item::kind::failed)
                        {
                            fail_list(it.message);
                            return;
                        }
                        if (it.what == scanner_list::item::kind::target) ++total;
                    }
                    continue;
                }
                if (!why.empty())
                {
                    fail_list(shown_name(f) + " " + why);
                    return;
                }
            }
            for (; st == list_reader::status::line; st = reader.next(line))
                for (const auto& w : list_words(line))
                {
                    ++words_seen;
                    if (auto p = parse_target(w, ignored)) total += p->count;
                }
            if (st == list_reader::status::too_long)
            {
                fail_list(too_long_message(shown_name(f), reader, line));
                return;
            }
            if (words_seen == 0)
            {
                fail_list("target list " + shown_name(f) + " is empty (no host in it, comments aside)");
                return;
            }
        }
        catch (const std::ios_base::failure&)
        {
            fail_list("cannot read target list " + shown_name(f) + ": " + detail::read_failure_reason());
            return;
        }
    }
    total_ = total;
}

target_source::~target_source() = default;

void target_source::fail_list(const std::string& message)
{
    ++bad_entries_;
    if (list_error_.empty()) list_error_ = message;
    if (on_warning_) on_warning_(message);
}

bool target_source::open_next_file()
{
    owned_.reset();
    reader_.reset();
    scanner_.reset();
    while (file_index_ < files_.size())
    {
        const std::string& path = files_[file_index_++];
        current_file_ = shown_name(path);
        words_in_file_ = targets_in_file_ = 0;
        std::error_code ec;
        counted_ = path != "-" && std::filesystem::is_regular_file(path_from_utf8(path), ec);
        if (path == "-")
        {
#ifdef _WIN32
            if (stdin_ == nullptr) _setmode(_fileno(stdin), _O_BINARY);
#endif
            std::istream& in = stdin_ != nullptr ? *stdin_ : std::cin; // a named reference: GCC -O1 saw a false maybe-uninitialized in the ?: temporary
            buffer_ = in.rdbuf();
            reader_ = std::make_unique<list_reader>(*in.rdbuf());
            return true;
        }
        owned_ = open_list_file(path);
        if (!owned_)
        {
            fail_list("cannot read target list " + current_file_);
            continue;
        }
        buffer_ = owned_->rdbuf();
        reader_ = std::make_unique<list_reader>(*owned_->rdbuf());
        return true;
    }
    return false;
}

bool target_source::next_pattern()
{
    if (word_index_ < words_.size())
    {
        pattern_ = words_[word_index_++];
        return true;
    }
    for (;;)
    {
        while (pending_index_ < pending_words_.size())
        {
            const std::string& w = pending_words_[pending_index_++];
            std::string error;
            if (auto p = parse_target(w, error))
            {
                if (!counted_) total_ += p->count;
                ++targets_in_file_;
                pattern_ = std::move(*p);
                return true;
            }
            ++bad_entries_;
            if (on_warning_)
                on_warning_(current_file_ + ":" + std::to_string(reader_->line_number()) + ": " + quote_word(w) + ": " + error);
        }
        pending_words_.clear();
        pending_index_ = 0;
        if (!reader_ && !open_next_file())
        {
            total_known_ = true;
            return false;
        }
        // A list read after the run started (a pipe, stdin, a file given after others) can fail too.
        std::string line;
        try
        {
            if (scanner_)
            {
                if (next_scanner_pattern()) return true;
                continue;
            }
            const auto st = reader_->next(line);
            if (st == list_reader::status::line && reader_->line_number() == 1)
            {
                std::string why;
                const auto format = scanner_format_of(kinds_[file_index_ - 1], line, why);
                if (!why.empty())
                {
                    fail_list(current_file_ + " " + why);
                    reader_.reset();
                    owned_.reset();
                    continue;
                }
                if (format)
                {
                    scanner_ = std::make_unique<scanner_list>(*buffer_, *format, line, scanner_ports_, current_file_);
                    continue;
                }
            }
            if (st != list_reader::status::line)
            {
                // The list ends here: say what it gave, when that was nothing usable.
                if (st == list_reader::status::too_long)
                    fail_list(too_long_message(current_file_, *reader_, line));
                else if (words_in_file_ == 0)
                    fail_list("target list " + current_file_ + " is empty (no host in it, comments aside)");
                else if (targets_in_file_ == 0 && on_warning_)
                    on_warning_("target list " + current_file_ + " gave no target: none of its " +
                                std::to_string(words_in_file_) + " words is a host, address, block or range");
                reader_.reset();
                owned_.reset();
                continue;
            }
        }
        catch (const std::ios_base::failure&)
        {
            fail_list("cannot read target list " + current_file_ + ": " + detail::read_failure_reason());
            scanner_.reset();
            reader_.reset();
            owned_.reset();
            continue;
        }
        pending_words_ = list_words(std::move(line));
        words_in_file_ += pending_words_.size();
    }
}

void target_source::set_shard(const shard_spec& shard)
{
    shard_ = shard;
    // Known up front (words and regular files counted): the progress line shows the shard's
    // share from the start, not the whole scope until the first target.
    if (total_known_) total_ = shard_walk(total_, shard).size();
}

bool target_source::next_scanner_pattern()
{
    for (;;)
    {
        auto it = scanner_->next();
        switch (it.what)
        {
        case scanner_list::item::kind::target:
            if (!counted_) ++total_;
            ++targets_in_file_;
            pattern_ = std::move(it.pattern);
            return true;
        case scanner_list::item::kind::bad_address:
            ++bad_entries_;
            if (on_warning_) on_warning_(it.message);
            continue;
        case scanner_list::item::kind::failed:
            fail_list(it.message);
            break;
        case scanner_list::item::kind::end:
            if (targets_in_file_ == 0 && on_warning_)
                on_warning_(current_file_ + " gave no target: no host in it has one of the ports looked for open (" +
                            port_words(scanner_ports_) + "; --transport and --port choose them)");
            break;
        }
        scanner_.reset();
        reader_.reset();
        owned_.reset();
        return false;
    }
}

std::optional<target> target_source::next()
{
    for (;;)
    {
        auto t = shard_ ? next_in_shard() : next_in_order();
        if (!t || !done_ || !done_->contains(*t)) return t;
        ++resumed_;
    }
}

std::optional<target> target_source::next_in_order()
{
    for (;;)
    {
        while (!pattern_ || index_ >= pattern_->count)
        {
            pattern_.reset();
            index_ = 0;
            if (!next_pattern()) return std::nullopt;
        }
        // A run of excluded addresses is skipped at once: an excluded /8 costs one lookup, not 2^24.
        if (const auto run = exclusions_ ? exclusions_->excluded_run(*pattern_, index_) : 0; run > 0)
        {
            index_ += run;
            excluded_ += run;
            continue;
        }
        return pattern_->at(index_++, default_port_);
    }
}

std::optional<target> target_source::next_in_shard()
{
    if (!space_)
    {
        // The permutation needs the size of the whole space: every word first (words, not targets).
        space_.emplace();
        while (next_pattern()) space_->add(std::move(*pattern_));
        pattern_.reset();
        walk_.emplace(space_->size(), *shard_);
        total_ = walk_->size();
        total_known_ = true;
    }
    // Exclusions apply after the permutation, target by target: the shards stay the same
    // whatever each machine excludes.
    while (const auto i = walk_->next())
    {
        const auto [word, offset] = space_->locate(*i);
        if (exclusions_ && exclusions_->excluded_run(word, offset) > 0)
        {
            ++excluded_;
            continue;
        }
        return word.at(offset, default_port_);
    }
    return std::nullopt;
}

} // namespace epmdump::client
