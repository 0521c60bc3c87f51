#include <epmdump/output/filter.hpp>

#include <epmdump/epm/tower.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace epmdump::output {

std::optional<std::string> canonical_protseq(std::string_view name)
{
    if (name.empty() || name.size() > 64) return std::nullopt;
    std::string lower;
    lower.reserve(name.size());
    for (char c : name)
    {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return std::nullopt;
        lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> aliases{{
        {"tcp", "ncacn_ip_tcp"},
        {"udp", "ncadg_ip_udp"},
        {"np", "ncacn_np"},
        {"smb", "ncacn_np"},
        {"pipe", "ncacn_np"},
        {"lrpc", "ncalrpc"},
        {"local", "ncalrpc"},
        {"http", "ncacn_http"},
    }};
    for (const auto& [alias, full] : aliases)
        if (lower == alias) return std::string(full);
    const auto known = epm::protseq_names();
    if (std::find(known.begin(), known.end(), lower) != known.end()) return lower;
    // binding_of()'s name for a tower it does not know: "unknown_proto_0x" and floor 4's id in hex.
    constexpr std::string_view unknown = "unknown_proto_0x";
    const std::string_view id = std::string_view(lower).substr(std::min(lower.size(), unknown.size()));
    const bool hex = !id.empty() && id.size() <= 2 &&
                     std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    if (lower.starts_with(unknown) && hex) return lower;
    return std::nullopt;
}

bool entry_filter::add_interface(std::string_view text)
{
    const auto id = parse_uuid(text);
    if (!id) return false;
    interfaces.push_back(*id);
    return true;
}

bool entry_filter::add_protseq(std::string_view text)
{
    auto name = canonical_protseq(text);
    if (!name) return false;
    protseqs.push_back(std::move(*name));
    return true;
}

bool entry_filter::matches(const epm::endpoint_entry& entry) const noexcept { return matches(epm::view_of(entry)); }

bool entry_filter::matches(const epm::endpoint_entry_view& entry) const noexcept
{
    if (!interfaces.empty() &&
        std::find(interfaces.begin(), interfaces.end(), entry.interface.id) == interfaces.end())
        return false;
    if (!protseqs.empty() && std::find(protseqs.begin(), protseqs.end(), entry.where.protseq) == protseqs.end())
        return false;
    return true;
}

epm::enumeration filtered(const epm::enumeration& e, const entry_filter& filter)
{
    epm::enumeration copy;
    copy.target = e.target;
    copy.address = e.address;
    copy.port = e.port;
    copy.transport = e.transport; // the header says how the listing was reached, filtered or not
    copy.status = e.status;
    copy.error = e.error;
    copy.elapsed_ms = e.elapsed_ms;
    copy.origin = e.origin;
    copy.auth = e.auth;
    epm::lookup_view_decoder decoder;
    e.for_each_entry(decoder, [&](const epm::endpoint_entry_view& entry) {
        if (filter.matches(entry)) copy.entries.push_back(epm::to_entry(entry));
    });
    return copy;
}

} // namespace epmdump::output
