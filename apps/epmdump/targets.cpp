#include "targets.hpp"
#include "utf8_path.hpp"

#include <epmdump/core/text_encoding.hpp>
#include <epmdump/output/sanitize.hpp>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
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

namespace epmdump::app {

namespace {

namespace ip = boost::asio::ip;

std::optional<std::uint16_t> parse_port(std::string_view text)
{
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

std::optional<unsigned> parse_small(std::string_view text, unsigned max)
{
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > max) return std::nullopt;
    return value;
}

struct address
{
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};
    bool scoped = false; // fe80::1%eth0 keeps its text (a zone cannot be part of a block)
};

// Four decimal octets 0-255 without leading zeros, as inet_pton reads IPv4 on Linux. On Windows
// Asio parses with WSAStringToAddress, which also takes inet_addr's forms ("3" is 0.0.0.3,
// "10.1" is 10.0.0.1, "010" is octal): "10.0.0.1-3" must read the same everywhere.
bool is_dotted_quad(std::string_view text) noexcept
{
    int dots = 0, digits = 0, octet = 0;
    for (char c : text)
    {
        if (c == '.')
        {
            if (digits == 0) return false;
            ++dots, digits = 0, octet = 0;
        }
        else if (c >= '0' && c <= '9' && !(digits == 1 && octet == 0))
        {
            octet = octet * 10 + (c - '0');
            if (++digits > 3 || octet > 255) return false;
        }
        else
            return false;
    }
    return dots == 3 && digits != 0;
}

std::optional<address> parse_address(std::string_view text)
{
    boost::system::error_code ec;
    const std::string s(text);
    if (text.find(':') == std::string_view::npos)
    {
        if (!is_dotted_quad(text)) return std::nullopt;
        auto v4 = ip::make_address_v4(s, ec);
        if (ec) return std::nullopt;
        address a;
        auto b = v4.to_bytes();
        std::copy(b.begin(), b.end(), a.bytes.begin());
        return a;
    }
    auto v6 = ip::make_address_v6(s, ec);
    if (ec) return std::nullopt;
    address a;
    a.v6 = true;
    a.bytes = v6.to_bytes();
    a.scoped = v6.scope_id() != 0;
    return a;
}

// Big-endian arithmetic on the address bytes (16 for IPv6, 4 for IPv4).
void add(std::array<std::uint8_t, 16>& bytes, std::size_t width, std::uint64_t n)
{
    for (std::size_t i = width; i-- > 0 && n != 0;)
    {
        const std::uint64_t sum = bytes[i] + (n & 0xFF);
        bytes[i] = static_cast<std::uint8_t>(sum);
        n = (n >> 8) + (sum >> 8);
    }
}

// last - first + 1, or nullopt when last < first or the span exceeds max_block_size.
std::optional<std::uint64_t> span_of(const std::array<std::uint8_t, 16>& first,
                                     const std::array<std::uint8_t, 16>& last, std::size_t width)
{
    // Any difference above the low 8 bytes is far beyond the cap.
    for (std::size_t i = 0; i + 8 < width; ++i)
    {
        if (first[i] != last[i]) return first[i] < last[i] ? std::optional<std::uint64_t>(max_block_size + 1) : std::nullopt;
    }
    std::uint64_t lo_first = 0, lo_last = 0;
    for (std::size_t i = width > 8 ? width - 8 : 0; i < width; ++i)
    {
        lo_first = (lo_first << 8) | first[i];
        lo_last = (lo_last << 8) | last[i];
    }
    if (lo_last < lo_first) return std::nullopt;
    const std::uint64_t d = lo_last - lo_first;
    return d >= max_block_size ? max_block_size + 1 : d + 1;
}

bool valid_host_name(std::string_view name)
{
    if (name.empty() || name.size() > 253 || name.front() == '-' || name.front() == '.') return false;
    for (char c : name)
    {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '.' || c == '_';
        if (!ok) return false;
    }
    return true;
}

// The body of a word once any port and brackets are gone.
std::optional<target_pattern> parse_body(std::string_view body, std::string& error)
{
    target_pattern p;
    if (auto slash = body.find('/'); slash != std::string_view::npos)
    {
        auto base = parse_address(body.substr(0, slash));
        if (!base || base->scoped)
        {
            error = "a CIDR block needs an IPv4 or IPv6 address before '/'";
            return std::nullopt;
        }
        const unsigned bits = base->v6 ? 128 : 32;
        auto prefix = parse_small(body.substr(slash + 1), bits);
        if (!prefix)
        {
            error = "prefix length must be 0-" + std::to_string(bits);
            return std::nullopt;
        }
        const unsigned host_bits = bits - *prefix;
        if (host_bits > 24)
        {
            error = "block /" + std::to_string(*prefix) + " is larger than the limit of 2^24 addresses";
            return std::nullopt;
        }
        p.v6 = base->v6;
        p.first = base->bytes;
        // Clear the host bits so 10.0.0.7/24 means 10.0.0.0/24 (as nmap reads it).
        const std::size_t width = base->v6 ? 16 : 4;
        for (std::size_t bit = *prefix; bit < width * 8; ++bit)
            p.first[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
        p.count = std::uint64_t{1} << host_bits;
        return p;
    }
    if (auto dash = body.find('-'); dash != std::string_view::npos)
    {
        auto low = parse_address(body.substr(0, dash));
        if (low && !low->scoped)
        {
            const std::string_view rest = body.substr(dash + 1);
            std::array<std::uint8_t, 16> high = low->bytes;
            if (auto full = parse_address(rest))
            {
                if (full->v6 != low->v6 || full->scoped)
                {
                    error = "both ends of a range must be addresses of the same family";
                    return std::nullopt;
                }
                high = full->bytes;
            }
            else if (auto octet = parse_small(rest, 255); octet && !low->v6)
            {
                high[3] = static_cast<std::uint8_t>(*octet); // 10.0.0.1-20: the last octet's range
            }
            else
            {
                error = "a range ends with an address or (IPv4) a last octet 0-255";
                return std::nullopt;
            }
            auto n = span_of(low->bytes, high, low->v6 ? 16 : 4);
            if (!n)
            {
                error = "range ends before it starts";
                return std::nullopt;
            }
            if (*n > max_block_size)
            {
                error = "range is larger than the limit of 2^24 addresses";
                return std::nullopt;
            }
            p.v6 = low->v6;
            p.first = low->bytes;
            p.count = *n;
            return p;
        }
    }
    // Digits and dots only: meant as an IPv4 address, never a name to look up ("999.1.1.1", "10.1").
    if (!body.empty() && body.find_first_not_of("0123456789.") == std::string_view::npos && !is_dotted_quad(body))
    {
        error = "not an IPv4 address: four numbers 0-255 separated by dots (no leading zeros)";
        return std::nullopt;
    }
    if (auto a = parse_address(body))
    {
        p.v6 = a->v6;
        p.first = a->bytes;
        if (a->scoped) p.name = std::string(body);
        return p;
    }
    if (!valid_host_name(body))
    {
        error = "not a host name, address, CIDR block or range";
        return std::nullopt;
    }
    p.name = std::string(body);
    return p;
}

} // namespace

client::target target_pattern::at(std::uint64_t i, std::uint16_t default_port) const
{
    client::target t;
    t.port = port != 0 ? port : default_port;
    if (!name.empty())
    {
        t.host = name;
        return t;
    }
    auto bytes = first;
    add(bytes, v6 ? 16 : 4, i);
    if (v6)
        t.host = ip::address_v6(bytes).to_string();
    else
        t.host = ip::address_v4({bytes[0], bytes[1], bytes[2], bytes[3]}).to_string();
    return t;
}

std::optional<target_pattern> parse_target(std::string_view word, std::string& error)
{
    error.clear();
    if (word.empty())
    {
        error = "empty target";
        return std::nullopt;
    }
    std::string_view body = word;
    std::uint16_t port = 0;
    auto take_port = [&](std::string_view text) {
        auto p = parse_port(text);
        if (!p) error = "port must be 1-65535";
        else port = *p;
        return p.has_value();
    };
    if (word.front() == '[')
    {
        const auto close = word.find(']');
        if (close == std::string_view::npos)
        {
            error = "missing ']'";
            return std::nullopt;
        }
        body = word.substr(1, close - 1);
        const std::string_view after = word.substr(close + 1);
        if (!after.empty())
        {
            if (after.front() != ':' || !take_port(after.substr(1))) 
            {
                if (error.empty()) error = "expected ':PORT' after ']'";
                return std::nullopt;
            }
        }
    }
    else if (const auto colon = word.find(':'); colon != std::string_view::npos && word.find(':', colon + 1) == std::string_view::npos)
    {
        // Exactly one colon: HOST:PORT. Two or more: a bare IPv6 literal, which has no port.
        body = word.substr(0, colon);
        if (!take_port(word.substr(colon + 1))) return std::nullopt;
    }
    auto p = parse_body(body, error);
    if (!p) return std::nullopt;
    p->port = port;
    return p;
}

namespace {

// Damerau-Levenshtein distance (adjacent swaps count one), for words of a few letters.
std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j)
        {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

bool ends_with_ci(std::string_view text, std::string_view suffix)
{
    if (text.size() < suffix.size()) return false;
    const auto tail = text.substr(text.size() - suffix.size());
    return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == y;
    });
}

// pcap (either byte order, micro- or nanosecond) or pcapng's section header block.
bool starts_like_capture(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_from_utf8(path), ec)) return false;
    std::ifstream f(path_from_utf8(path), std::ios::binary);
    std::array<unsigned char, 4> m{};
    if (!f.read(reinterpret_cast<char*>(m.data()), m.size())) return false;
    const std::uint32_t be = std::uint32_t{m[0]} << 24 | std::uint32_t{m[1]} << 16 | std::uint32_t{m[2]} << 8 | m[3];
    return be == 0xA1B2C3D4 || be == 0xD4C3B2A1 || be == 0xA1B23C4D || be == 0x4D3CB2A1 || be == 0x0A0D0D0A;
}

} // namespace

std::string quote_word(std::string_view word)
{
    constexpr std::size_t shown = 80;
    std::string out = "'" + output::sanitize_text(word.substr(0, shown)) + "'";
    if (word.size() > shown) out += "... (" + std::to_string(word.size()) + " bytes)";
    return out;
}

std::string misplaced_word(std::string_view word, bool first)
{
    const std::string shown = output::sanitize_text(word.substr(0, 256));
    if (ends_with_ci(word, ".pcap") || ends_with_ci(word, ".pcapng") || ends_with_ci(word, ".cap") ||
        starts_like_capture(std::string(word)))
        return "'" + shown + "' is a capture file, not a host; to read it, run: epmdump replay " + shown;
    const bool letters = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
    if (!first || !letters) return {};
    // Short host names are common ("dc", "ad", "app"): "map" takes one slip, longer commands two.
    for (std::string_view command : {"replay", "exchange", "map"})
    {
        std::string lower(word);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == command) return {};
        if (edit_distance(lower, command) <= (command.size() > 3 ? 2u : 1u))
            return "'" + shown + "' looks like a mistyped subcommand: did you mean 'epmdump " + std::string(command) +
                   "'? (to scan a host of that name, write it with a final dot: " + shown + ".)";
    }
    return {};
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

target_source::target_source(std::vector<target_pattern> words, std::vector<std::string> list_files,
                             std::uint16_t default_port, warning_handler on_warning, std::istream* stdin_stream)
    : words_(std::move(words)), files_(std::move(list_files)), default_port_(default_port),
      on_warning_(std::move(on_warning)), stdin_(stdin_stream)
{
    std::uint64_t total = 0;
    for (const auto& w : words_) total += w.count;
    // Regular files are checked and counted up front so the progress line knows the total; a
    // pipe, FIFO or device can be read only once, so its total is learnt while reading it.
    for (const auto& f : files_)
    {
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
        list_reader reader(*in->rdbuf());
        std::uint64_t words_seen = 0;
        std::string line, ignored;
        auto st = list_reader::status::line;
        while ((st = reader.next(line)) == list_reader::status::line)
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
    total_ = total;
}

target_source::~target_source() = default;

void target_source::fail_list(std::string message)
{
    ++bad_entries_;
    if (list_error_.empty()) list_error_ = message;
    if (on_warning_) on_warning_(message);
}

bool target_source::open_next_file()
{
    owned_.reset();
    reader_.reset();
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
            reader_ = std::make_unique<list_reader>(*in.rdbuf());
            return true;
        }
        owned_ = open_list_file(path);
        if (!owned_)
        {
            fail_list("cannot read target list " + current_file_);
            continue;
        }
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
        std::string line;
        const auto st = reader_->next(line);
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
        pending_words_ = list_words(std::move(line));
        words_in_file_ += pending_words_.size();
    }
}

std::optional<client::target> target_source::next()
{
    while (!pattern_ || index_ >= pattern_->count)
    {
        pattern_.reset();
        index_ = 0;
        if (!next_pattern()) return std::nullopt;
    }
    auto t = pattern_->at(index_++, default_port_);
    return t;
}

} // namespace epmdump::app
