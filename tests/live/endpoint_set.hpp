#pragma once
// A JSON host record's listing as comparable lines, for the live tests that compare two runs.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace epmdump::test {

// "uuid vX.Y binding" for every entry, sorted: what must not change with the caller's identity
// or the transport it came over.
inline std::vector<std::string> endpoint_set(const nlohmann::json& host)
{
    std::vector<std::string> out;
    for (const auto& e : host.at("entries"))
        out.push_back(e.at("interface").at("uuid").get<std::string>() + " v" +
                      e.at("interface").at("version").get<std::string>() + " " + e.at("binding").get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace epmdump::test
