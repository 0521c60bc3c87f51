// The Exchange role's version profile is the one `epmdump exchange` detects from the same
// registrations: the two read one catalog (catalog.inc) and must not drift apart.
#include "entries.hpp"
#include "support/test_files.hpp"

#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/findings/classifier.hpp>
#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace epmdump;
using test::registration;

namespace {

// The Exchange role's detail, or "" when the role did not match.
std::string classified_profile(const std::vector<epm::endpoint_entry>& entries)
{
    const auto r = findings::classify(entries);
    for (const auto& m : r.roles())
        if (m.what->id == "exchange_server") return std::string(m.detail);
    return "";
}

std::string diagnosed_profile(const std::vector<epm::endpoint_entry>& entries)
{
    exchange::diagnosis_input in;
    epm::enumeration en;
    en.address = "10.0.100.32";
    en.entries = entries;
    in.enumerations.push_back(en);
    const auto report = exchange::diagnose(in);
    REQUIRE(report.profile_detected);
    return std::string(exchange::to_string(report.profile));
}

std::vector<epm::endpoint_entry> dump(const std::string& name)
{
    const auto d = output::read_dump(test::read_text(test::source_dir() / "tests" / "fixtures" / "exchange" / name));
    REQUIRE(d.has_value());
    std::vector<epm::endpoint_entry> all;
    for (const auto& en : d->enumerations) all.insert(all.end(), en.entries.begin(), en.entries.end());
    return all;
}

constexpr const char* emsmdb = "a4f1db00-ca47-1067-b31f-00dd010662da";
constexpr const char* async_emsmdb = "5261574a-4572-206e-b268-6b199213b4e4";
constexpr const char* sa_public = "469d6ec0-0d87-11ce-b13f-00aa003bac6c";
constexpr const char* rfr = "1544f5e0-613c-11d1-93df-00c04fd7bd09";

} // namespace

TEST_CASE("KB 926210's two rpcdump dumps are an Exchange 2000/2003 server, as epmdump exchange says")
{
    for (const char* name : {"kb926210-healthy.txt", "kb926210-broken.txt"})
    {
        CAPTURE(name);
        const auto entries = dump(name);
        CHECK(classified_profile(entries) == "2000/2003");
        CHECK(classified_profile(entries) == diagnosed_profile(entries));
    }
}

TEST_CASE("each registration pattern gets the profile epmdump exchange detects from it")
{
    const std::vector<std::vector<epm::endpoint_entry>> listings = {
        {registration(emsmdb, 0, "ncacn_ip_tcp", "6001")},
        {registration(emsmdb, 0, "ncacn_ip_tcp", "6001"), registration(emsmdb, 0, "ncacn_ip_tcp", "59531")},
        {registration(async_emsmdb, 0, "ncacn_ip_tcp", "6001")},
        {registration(sa_public, 16, "ncacn_ip_tcp", "1025"), registration(rfr, 1, "ncacn_ip_tcp", "1031")},
        {registration(sa_public, 16, "ncacn_ip_tcp", "1025")},
        {registration(rfr, 1, "ncacn_ip_tcp", "1031")},
    };
    const std::vector<std::string> expected = {"2010", "2010", "2010", "2007", "2010", "2010"};
    for (std::size_t i = 0; i < listings.size(); ++i)
    {
        CAPTURE(i);
        CHECK(classified_profile(listings[i]) == expected[i]);
        CHECK(classified_profile(listings[i]) == diagnosed_profile(listings[i]));
    }
}

TEST_CASE("NSPI alone, which a global catalog registers too, makes no Exchange server")
{
    const std::vector<epm::endpoint_entry> gc = {registration("f5cc5a18-4264-101a-8c59-08002b2f8426", 56, "ncacn_ip_tcp", "49154")};
    CHECK(classified_profile(gc).empty());
}
