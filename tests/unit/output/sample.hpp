#pragma once
// A fixed enumeration every output test writes, and helpers to compare what comes back.
#include <epmdump/core/uuid.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace epmdump::test {

inline uuid must_uuid(std::string_view text) { return parse_uuid(text).value(); }

inline epm::endpoint_entry make_entry(std::string_view interface, std::uint16_t major, std::uint16_t minor,
                                      std::string annotation, std::string protseq, std::string host,
                                      std::string endpoint, epm::ping_status ping = epm::ping_status::not_pinged)
{
    epm::endpoint_entry e;
    e.interface = {must_uuid(interface), major, minor};
    e.transfer_syntax = epm::syntax_id{must_uuid("8a885d04-1ceb-11c9-9fe8-08002b104860"), 2, 0};
    e.annotation = std::move(annotation);
    e.where = {std::move(protseq), std::move(host), std::move(endpoint)};
    e.ping = ping;
    return e;
}

// Five entries over four protocol sequences, in an order that is not section order.
inline epm::enumeration sample_enumeration()
{
    epm::enumeration e;
    e.target = "exchange01";
    e.address = "10.0.100.32";
    e.port = 135;
    e.elapsed_ms = 12.5;
    e.entries.push_back(make_entry("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3, 0, "epmapper", "ncacn_ip_tcp",
                                   "10.0.100.32", "135"));
    e.entries.push_back(make_entry("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3, 0, "epmapper", "ncacn_np",
                                   "\\\\EXCH01", "\\PIPE\\epmapper"));
    e.entries.push_back(make_entry("deadbeef-0000-4000-8000-000000000001", 1, 2, "", "ncalrpc", "", "LRPC-1234",
                                   epm::ping_status::pinged));
    e.entries.push_back(make_entry("a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81,
                                   "Exchange Server STORE EMSMDB Interface", "ncacn_ip_tcp", "10.0.100.32", "1033",
                                   epm::ping_status::not_listening));
    e.entries.push_back(make_entry("a4f1db00-ca47-1067-b31f-00dd010662da", 0, 81,
                                   "Exchange Server STORE EMSMDB Interface", "ncacn_http", "10.0.100.32", "6004"));
    e.entries[3].object = must_uuid("6d0e5d2a-0000-4000-8000-00000000cafe");
    return e;
}

// What rpcdump text keeps of an entry.
using rpcdump_key = std::tuple<std::string, std::string, std::string, std::string, std::string, int>;
inline std::vector<rpcdump_key> rpcdump_view(const std::vector<epm::endpoint_entry>& entries)
{
    std::vector<rpcdump_key> keys;
    for (const auto& e : entries)
        keys.emplace_back(e.where.protseq, e.where.host, e.where.endpoint, to_string(e.interface.id), e.annotation,
                          static_cast<int>(e.ping));
    std::sort(keys.begin(), keys.end());
    return keys;
}

// What impacket text keeps of an entry.
using impacket_key = std::tuple<std::string, std::string, std::string, std::string, int, int, std::string>;
inline std::vector<impacket_key> impacket_view(const std::vector<epm::endpoint_entry>& entries)
{
    std::vector<impacket_key> keys;
    for (const auto& e : entries)
        keys.emplace_back(e.where.protseq, e.where.host, e.where.endpoint, to_string(e.interface.id),
                          e.interface.major, e.interface.minor, e.annotation);
    std::sort(keys.begin(), keys.end());
    return keys;
}

// Lines of a text, without their line ends.
inline std::vector<std::string> lines_of(std::string_view text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size())
    {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string line(text.substr(start, end - start));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

} // namespace epmdump::test
