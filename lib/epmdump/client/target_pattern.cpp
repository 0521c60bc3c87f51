#include <epmdump/client/target_pattern.hpp>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <array>
#include <charconv>

namespace epmdump::client {

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

target target_pattern::at(std::uint64_t i, std::uint16_t default_port) const
{
    target t;
    t.port = port != 0 ? port : default_port;
    t.via = via;
    t.pipe = pipe;
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

namespace {

// PROTSEQ:HOST[ENDPOINT]: the protocol sequence, then a host (a name, an address, even a block),
// then the endpoint in brackets: a port for the TCP ones, a pipe for ncacn_np.
std::optional<target_pattern> parse_string_binding(transport via, std::string_view rest, std::string& error)
{
    std::string_view host = rest;
    std::string_view endpoint;
    if (const auto open = rest.find('['); open != std::string_view::npos)
    {
        if (rest.back() != ']' || open == 0)
        {
            error = "a string binding is PROTSEQ:HOST[ENDPOINT], the endpoint in brackets at the end";
            return std::nullopt;
        }
        host = rest.substr(0, open);
        endpoint = rest.substr(open + 1, rest.size() - open - 2);
    }
    auto p = parse_body(host, error);
    if (!p) return std::nullopt;
    p->via = via;
    if (endpoint.empty()) return p;
    if (via == transport::ncacn_np)
    {
        // \pipe\NAME, case as given ([MS-SMB2] names are case-insensitive); "pipe\NAME" and
        // "NAME" mean the same pipe.
        std::string_view name = endpoint;
        if (name.starts_with('\\')) name.remove_prefix(1);
        if (name.size() >= 5 && (name.substr(0, 5) == "pipe\\" || name.substr(0, 5) == "PIPE\\")) name.remove_prefix(5);
        if (name.empty() || name.size() > 255 || name.find_first_of("\\/:*?\"<>|") != std::string_view::npos ||
            std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        {
            error = "the pipe must be \\pipe\\NAME (a name of 1-255 characters without \\ / : * ? \" < > |)";
            return std::nullopt;
        }
        p->pipe = "\\pipe\\" + std::string(name);
        return p;
    }
    auto port = parse_port(endpoint);
    if (!port)
    {
        error = "port must be 1-65535";
        return std::nullopt;
    }
    p->port = *port;
    return p;
}

} // namespace

std::optional<target_pattern> parse_target(std::string_view word, std::string& error)
{
    error.clear();
    if (const auto colon = word.find(':'); colon != std::string_view::npos && colon >= 8)
    {
        // The full words only: "np:445" is HOST:PORT.
        const std::string_view protseq = word.substr(0, colon);
        if (protseq == "ncacn_np" || protseq == "ncacn_ip_tcp" || protseq == "ncacn_http")
            return parse_string_binding(*parse_transport(protseq), word.substr(colon + 1), error);
    }
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

} // namespace epmdump::client
