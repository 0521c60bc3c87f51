#include <epmdump/client/scanner_list.hpp>

#include <epmdump/output/sanitize.hpp>

#include <algorithm>
#include <array>
#include <span>

namespace epmdump::client {

namespace scan_in = output::scanner_input;

std::vector<std::uint16_t> scanner_ports(std::optional<transport> asked, std::uint16_t port)
{
    if (port != 0) return {port};
    if (!asked) return {135, 445, 139, 593};
    switch (*asked)
    {
    case transport::ncacn_ip_tcp: return {135};
    case transport::ncacn_np: return {445, 139};
    case transport::ncacn_http: return {593};
    case transport::automatic: return {135, 445, 139};
    }
    return {135};
}

std::optional<scan_in::format> scanner_format_of(list_kind kind, std::string_view first_line, std::string& error)
{
    const auto found = scan_in::detect(first_line);
    switch (kind)
    {
    case list_kind::any: return found;
    case list_kind::nmap:
        if (found == scan_in::format::nmap_xml || found == scan_in::format::nmap_grepable) return found;
        error = "is not nmap's XML (-oX) or grepable (-oG) output (its first line should start \"<?xml\" or \"# Nmap \")";
        return std::nullopt;
    case list_kind::masscan:
        if (found == scan_in::format::masscan_json || found == scan_in::format::masscan_list) return found;
        error = "is not masscan's JSON (-oJ) or list (-oL) output (its first line should be \"[\" or start \"#masscan\")";
        return std::nullopt;
    }
    return std::nullopt;
}

scanner_list::scanner_list(std::streambuf& in, scan_in::format f, std::string_view first_line, std::vector<std::uint16_t> ports,
                           std::string shown_name)
    : in_(in), reader_(f, std::move(ports)), shown_(std::move(shown_name))
{
    std::string line(first_line);
    line += '\n';
    failed_ = reader_.feed(std::as_bytes(std::span<const char>(line.data(), line.size())), ready_);
}

bool scanner_list::read_more()
{
    if (ended_ || failed_) return false;
    // One byte blocks until something comes; then only what is already buffered is taken, so a
    // pipe's targets go out as the scanner writes them.
    std::array<char, 16384> buf{};
    const auto first = in_.sbumpc();
    if (first == std::char_traits<char>::eof())
    {
        ended_ = true;
        failed_ = reader_.finish(ready_);
        return !ready_.empty();
    }
    buf[0] = std::char_traits<char>::to_char_type(first);
    const auto avail = std::max<std::streamsize>(0, in_.in_avail());
    const auto more = in_.sgetn(buf.data() + 1, std::min<std::streamsize>(avail, static_cast<std::streamsize>(buf.size() - 1)));
    failed_ = reader_.feed(std::as_bytes(std::span<const char>(buf.data(), static_cast<std::size_t>(1 + more))), ready_);
    return true;
}

scanner_list::item scanner_list::next()
{
    for (;;)
    {
        while (ready_index_ < ready_.size())
        {
            const auto& found = ready_[ready_index_++];
            if (!seen_.insert(found.address).second) continue; // another of its ports: the host is out already
            item it;
            std::string why;
            auto pattern = parse_target(found.address, why);
            if (!pattern || pattern->count != 1 || !pattern->name.empty())
            {
                it.what = item::kind::bad_address;
                it.message = shown_ + ":" + std::to_string(found.line) + ": '" + output::sanitize_text(found.address) +
                             "' is not an IP address" + (why.empty() ? std::string() : ": " + why);
                return it;
            }
            pattern->port = found.port;
            it.what = item::kind::target;
            it.pattern = std::move(*pattern);
            return it;
        }
        ready_.clear();
        ready_index_ = 0;
        if (failed_)
        {
            item it;
            it.what = item::kind::failed;
            it.message = shown_ + ":" + std::to_string(failed_->line) + ": " + std::string(scan_in::to_string(reader_.kind())) + ": " +
                         failed_->detail;
            return it;
        }
        if (!read_more() && ready_.empty())
        {
            if (failed_) continue;
            return item{};
        }
    }
}

} // namespace epmdump::client
