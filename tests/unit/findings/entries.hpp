#pragma once
// Registrations built in the tests, as the mapper lists them (UUIDs from real listings).
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/findings/classifier.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace epmdump::test {

inline epm::endpoint_entry registration(const std::string& id, std::uint16_t major, const std::string& protseq,
                                        const std::string& endpoint, const std::string& annotation = "")
{
    epm::endpoint_entry e;
    const auto u = parse_uuid(id);
    REQUIRE(u);
    e.interface.id = *u;
    e.interface.major = major;
    e.where = {protseq, "", endpoint};
    e.annotation = annotation;
    return e;
}

// The ids a result holds, roles then exposures.
inline std::vector<std::string> ids(std::span<const findings::match> matches)
{
    std::vector<std::string> out;
    for (const auto& m : matches) out.emplace_back(m.what->id);
    return out;
}

} // namespace epmdump::test
