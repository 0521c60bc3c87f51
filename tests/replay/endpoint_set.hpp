#pragma once
// The endpoint set of a listing in a stable order: what two listings of one server must share.
#include <epmdump/epm/enumeration.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace epmdump::test {

enum class ports : bool { compared, ignored };

// `ports::ignored` leaves TCP ports out: a server hands its dynamic ports out anew at each start.
inline std::vector<std::string> endpoint_set(const epm::enumeration& e, ports p = ports::compared)
{
    std::vector<std::string> out;
    for (const auto& entry : e.entries)
    {
        auto where = entry.where;
        if (p == ports::ignored && where.protseq == "ncacn_ip_tcp") where.endpoint.clear();
        out.push_back(to_string(entry.interface.id) + " " + entry.annotation + " " + epm::to_string(where));
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace epmdump::test
