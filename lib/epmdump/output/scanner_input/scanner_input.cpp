#include "scanner_input.hpp"
#include "records.hpp"

#include <algorithm>
#include <utility>

namespace epmdump::output::scanner_input {

std::string_view to_string(format f) noexcept
{
    switch (f)
    {
    case format::nmap_xml: return "nmap XML (-oX)";
    case format::nmap_grepable: return "nmap grepable (-oG)";
    case format::masscan_json: return "masscan JSON (-oJ)";
    case format::masscan_list: return "masscan list (-oL)";
    }
    return "scanner output";
}

std::string_view to_string(errc e) noexcept
{
    switch (e)
    {
    case errc::record_too_long: return "record_too_long";
    case errc::bad_record: return "bad_record";
    case errc::bad_xml: return "bad_xml";
    case errc::truncated: return "truncated";
    case errc::no_xml_support: return "no_xml_support";
    }
    return "unknown";
}

std::optional<format> detect(std::string_view first_line) noexcept
{
    if (first_line.starts_with("\xEF\xBB\xBF")) first_line.remove_prefix(3);
    while (!first_line.empty() && (first_line.back() == '\r' || first_line.back() == ' ' || first_line.back() == '\t'))
        first_line.remove_suffix(1);
    if (first_line.starts_with("<?xml") || first_line.starts_with("<nmaprun") || first_line.starts_with("<!DOCTYPE nmaprun"))
        return format::nmap_xml;
    if (first_line.starts_with("# Nmap ")) return format::nmap_grepable;
    if (first_line.starts_with("#masscan")) return format::masscan_list;
    // "[" alone: an IPv6 target is "[addr]..." and never a bare bracket.
    if (first_line == "[" || first_line.starts_with("{")) return format::masscan_json;
    return std::nullopt;
}

struct reader::impl
{
    format kind;
    std::vector<std::uint16_t> wanted;
    std::optional<error> failed;
    // Line formats: the line being gathered, and where it starts.
    std::string line;
    detail::line_place at{1, 0};
    std::uint64_t consumed = 0;
    detail::json_state json;
    std::unique_ptr<detail::xml_parser> xml;

    std::optional<error> take_line(std::vector<open_port>& out)
    {
        std::string_view text = line;
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        switch (kind)
        {
        case format::nmap_grepable: return detail::parse_grepable_line(text, at, wanted, out);
        case format::masscan_list: return detail::parse_masscan_list_line(text, at, wanted, out);
        case format::masscan_json: return detail::parse_masscan_json_line(text, at, wanted, json, out);
        case format::nmap_xml: break;
        }
        return std::nullopt;
    }

    std::optional<error> feed_lines(std::span<const std::byte> bytes, std::vector<open_port>& out)
    {
        for (const std::byte b : bytes)
        {
            const char c = static_cast<char>(b);
            ++consumed;
            if (c == '\n')
            {
                if (auto e = take_line(out)) return e;
                line.clear();
                ++at.line;
                at.offset = consumed;
                continue;
            }
            if (line.size() >= max_scanner_record)
                return error{errc::record_too_long, at.line, at.offset,
                             "a line longer than " + std::to_string(max_scanner_record) + " bytes"};
            line += c;
        }
        return std::nullopt;
    }
};

reader::reader(format f, std::vector<std::uint16_t> ports) : impl_(std::make_unique<impl>())
{
    impl_->kind = f;
    impl_->wanted = std::move(ports);
    if (f == format::nmap_xml) impl_->xml = std::make_unique<detail::xml_parser>(impl_->wanted);
}

reader::~reader() = default;

format reader::kind() const noexcept { return impl_->kind; }

std::optional<error> reader::feed(std::span<const std::byte> bytes, std::vector<open_port>& out)
{
    if (impl_->failed) return impl_->failed;
    impl_->failed = impl_->xml ? impl_->xml->feed(bytes, false, out) : impl_->feed_lines(bytes, out);
    return impl_->failed;
}

std::optional<error> reader::finish(std::vector<open_port>& out)
{
    if (impl_->failed) return impl_->failed;
    if (impl_->xml)
        impl_->failed = impl_->xml->feed({}, true, out);
    else
    {
        // A last line without its newline is taken as it is (scanners end with one, editors may not).
        if (!impl_->line.empty()) impl_->failed = impl_->take_line(out);
        if (!impl_->failed && impl_->kind == format::masscan_json)
            impl_->failed = detail::finish_masscan_json(impl_->json, impl_->at);
    }
    return impl_->failed;
}

namespace detail {

bool looks_like_address(std::string_view text) noexcept
{
    if (text.empty() || text.size() > 64) return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
    });
}

bool wanted_port(std::span<const std::uint16_t> wanted, std::uint16_t port) noexcept
{
    return std::find(wanted.begin(), wanted.end(), port) != wanted.end();
}

std::optional<std::uint16_t> parse_port(std::string_view text) noexcept
{
    if (text.empty() || text.size() > 5) return std::nullopt;
    std::uint32_t v = 0;
    for (const char c : text)
    {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (v == 0 || v > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(v);
}

} // namespace detail

} // namespace epmdump::output::scanner_input
