#pragma once
// impacket's rpcmap.py (Debian python3-impacket's examples) as the live tests run it, and its
// "UUID: XXXXXXXX-... vM.m" lines read back as "uuid vM.m", lower case, mgmt left out (rpcmap
// adds the management interface to every port it maps).
#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <string>

namespace epmdump::test {

inline constexpr const char* rpcmap_script = "/usr/share/doc/python3-impacket/examples/rpcmap.py";
inline constexpr const char* mgmt_interface_uuid = "afa8bd80-7d8a-11c9-bef4-08002b102989";

inline std::set<std::string> rpcmap_interfaces(const std::string& output)
{
    std::set<std::string> out;
    static const std::regex line(R"(UUID: ([0-9A-Fa-f-]{36}) v(\d+\.\d+))");
    for (std::sregex_iterator it(output.begin(), output.end(), line), end; it != end; ++it)
    {
        std::string id = (*it)[1];
        std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (id != mgmt_interface_uuid) out.insert(id + " v" + (*it)[2].str());
    }
    return out;
}

} // namespace epmdump::test
