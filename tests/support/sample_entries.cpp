#include "support/sample_entries.hpp"

#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/tower.hpp>

#include <stdexcept>
#include <string>

namespace epmdump::test {

epm::endpoint_entry make_entry(std::string_view interface_uuid, std::uint16_t major, std::uint16_t minor,
                               std::string_view protseq, std::string_view host, std::string_view endpoint,
                               std::string_view annotation)
{
    epm::endpoint_entry e;
    auto id = parse_uuid(interface_uuid);
    if (!id) throw std::invalid_argument("bad uuid");
    e.interface = epm::syntax_id{*id, major, minor};
    e.transfer_syntax = dcerpc::ndr20_syntax();
    e.annotation = std::string(annotation);
    auto tower = epm::encode_tower(e.interface, *e.transfer_syntax,
                                   epm::binding{std::string(protseq), std::string(host), std::string(endpoint)});
    if (!tower) throw std::invalid_argument("cannot encode tower: " + tower.error().message());
    e.tower = std::move(*tower);
    // What a decoder makes of these octets (how it renders hosts is the codec's business).
    auto decoded = epm::decode_tower(e.tower);
    if (!decoded) throw std::invalid_argument("tower does not decode: " + decoded.error().message());
    e.where = decoded->where;
    return e;
}

std::vector<epm::endpoint_entry> sample_entries(std::size_t n, std::uint16_t tcp_port)
{
    struct known
    {
        const char* uuid;
        std::uint16_t major, minor;
        const char* name;
    };
    static constexpr known interfaces[] = {
        {"12345778-1234-abcd-ef00-0123456789ab", 0, 0, "lsarpc"},
        {"12345778-1234-abcd-ef00-0123456789ac", 1, 0, "samr"},
        {"12345678-1234-abcd-ef00-01234567cffb", 1, 0, "netlogon"},
        {"e3514235-4b06-11d1-ab04-00c04fc2dcd2", 4, 0, "drsuapi"},
        {"afa8bd80-7d8a-11c9-bef4-08002b102989", 1, 0, "mgmt"},
        {"50abc2a4-574d-40b3-9d66-ee4fd5fba076", 5, 0, "dnsserver"},
        {"6bffd098-a112-3610-9833-46c3f87e345a", 1, 0, "wkssvc"},
    };
    std::vector<epm::endpoint_entry> out;
    for (std::size_t i = 0; i < n; ++i)
    {
        const auto& k = interfaces[i % std::size(interfaces)];
        const std::string note = std::string(k.name) + std::to_string(i);
        switch (i % 4)
        {
        case 0: out.push_back(make_entry(k.uuid, k.major, k.minor, "ncacn_ip_tcp", "0.0.0.0", std::to_string(tcp_port + i % 3), note)); break;
        case 1: out.push_back(make_entry(k.uuid, k.major, k.minor, "ncacn_np", "", "\\pipe\\" + std::string(k.name), note)); break;
        case 2: out.push_back(make_entry(k.uuid, k.major, k.minor, "ncalrpc", "", "LRPC-" + std::to_string(i), note)); break;
        default: out.push_back(make_entry(k.uuid, k.major, k.minor, "ncacn_http", "0.0.0.0", "593", note)); break;
        }
    }
    return out;
}

} // namespace epmdump::test
