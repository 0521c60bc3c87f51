#include <epmdump/exchange/detail/observed.hpp>
#include <epmdump/names/interface_names.hpp>

#include <algorithm>

namespace epmdump::exchange::detail {

namespace {

// A tower or a transfer syntax means the interface version came off the wire; a text dump has
// neither and reads back as 0.0, which must not be taken for "version 0.0".
bool version_known(const epm::endpoint_entry& e)
{
    return !e.tower.empty() || e.transfer_syntax.has_value() || e.interface.major != 0 || e.interface.minor != 0;
}

void add_unique(std::vector<std::string>& v, const std::string& s)
{
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

} // namespace

observed::observed(const std::vector<epm::enumeration>& enumerations)
{
    for (const auto& en : enumerations)
    {
        for (const auto& e : en.entries)
        {
            ++entries_;
            registration r;
            r.entry = &e;
            r.version_known = version_known(e);
            if (e.where.protseq == "ncacn_ip_tcp")
            {
                r.port = epm::port_of(e);
                if (r.port)
                {
                    ++tcp_entries_;
                    by_port_[*r.port].push_back(&e);
                    const auto& host = e.where.host.empty() || e.where.host == "0.0.0.0" ? en.address : e.where.host;
                    // 0.0.0.0 in a listing that names no host (one-host rpcdump text): no address known.
                    if (!host.empty() && address_set_.insert(host).second) addresses_.push_back(host);
                }
            }
            by_uuid_[e.interface.id].push_back(r);
        }
    }
}

std::vector<registration> observed::matching(const interface_info& row) const
{
    std::vector<registration> out;
    auto it = by_uuid_.find(row.id);
    if (it == by_uuid_.end()) return out;
    for (const auto& r : it->second)
        if (!r.version_known || r.entry->interface.major == row.major) out.push_back(r);
    return out;
}

std::vector<std::uint32_t> observed::tcp_ports(const interface_info& row) const
{
    std::vector<std::uint32_t> ports;
    for (const auto& r : matching(row))
        if (r.port) ports.push_back(*r.port);
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    return ports;
}

bool observed::registered_anywhere(const interface_info& row) const { return !matching(row).empty(); }

std::vector<std::string> observed::other_versions(const interface_info& row) const
{
    std::vector<std::string> out;
    auto it = by_uuid_.find(row.id);
    if (it == by_uuid_.end()) return out;
    for (const auto& r : it->second)
        if (r.version_known && r.entry->interface.major != row.major)
            add_unique(out, "v" + std::to_string(r.entry->interface.major) + "." +
                                std::to_string(r.entry->interface.minor));
    return out;
}

std::vector<std::string> observed::other_protseqs(const interface_info& row) const
{
    std::vector<std::string> out;
    for (const auto& r : matching(row))
        if (!r.port) add_unique(out, r.entry->where.protseq);
    return out;
}

std::vector<const epm::endpoint_entry*> observed::on_port(std::uint32_t port) const
{
    auto it = by_port_.find(port);
    return it == by_port_.end() ? std::vector<const epm::endpoint_entry*>{} : it->second;
}

std::string describe(const epm::endpoint_entry& e)
{
    std::string name;
    if (auto rows = find_rows(e.interface.id); !rows.empty())
        name = std::string(rows.front()->annotation);
    else if (const auto* info = names::find_interface(e.interface.id, e.interface.major))
        name = std::string(info->name);
    else
        name = e.annotation; // the server's bytes: the text report escapes them (sanitize_text)
    const std::string id = epmdump::to_string(e.interface.id);
    return name.empty() ? "interface " + id : name + " [" + id + "]";
}

} // namespace epmdump::exchange::detail
