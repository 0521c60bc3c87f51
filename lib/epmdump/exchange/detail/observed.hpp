#pragma once
// An index of what the endpoint mappers returned, by interface UUID and by TCP port.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/exchange/catalog.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace epmdump::exchange::detail {

struct registration
{
    const epm::endpoint_entry* entry = nullptr;
    std::optional<std::uint16_t> port; // ncacn_ip_tcp only
    bool version_known = false;        // text dumps (rpcdump.exe) carry no interface version
};

class observed
{
public:
    explicit observed(const std::vector<epm::enumeration>& enumerations);

    // Registrations that are this row: same UUID and, when the input has one, same major version.
    std::vector<registration> matching(const interface_info& row) const;
    std::vector<std::uint32_t> tcp_ports(const interface_info& row) const;
    bool registered_anywhere(const interface_info& row) const;
    // Same UUID registered under another major version ("v2.0"), for the evidence.
    std::vector<std::string> other_versions(const interface_info& row) const;
    // Protocol sequences other than ncacn_ip_tcp that carry the row.
    std::vector<std::string> other_protseqs(const interface_info& row) const;

    std::vector<const epm::endpoint_entry*> on_port(std::uint32_t port) const;
    bool port_registered(std::uint32_t port) const { return by_port_.count(port) != 0; }

    std::size_t entries() const noexcept { return entries_; }
    std::size_t tcp_entries() const noexcept { return tcp_entries_; }
    const std::vector<std::string>& addresses() const noexcept { return addresses_; }

private:
    std::unordered_map<uuid, std::vector<registration>, uuid_hash> by_uuid_;
    std::map<std::uint32_t, std::vector<const epm::endpoint_entry*>> by_port_;
    std::vector<std::string> addresses_;             // in order of appearance
    std::unordered_set<std::string> address_set_;    // the same, for O(1) de-duplication
    std::size_t entries_ = 0;
    std::size_t tcp_entries_ = 0;
};

// "MS Exchange MTA 'Mta' Interface [9e8ee830-...]": catalog annotation, else the well-known
// name, else what the server sent, else the UUID alone.
std::string describe(const epm::endpoint_entry& e);

} // namespace epmdump::exchange::detail
