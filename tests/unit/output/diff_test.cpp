#include <epmdump/output/diff.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/reader.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sstream>

using namespace epmdump;
using namespace epmdump::output;

namespace {

diff_side side_of(const std::string& text)
{
    auto d = read_dump(text);
    REQUIRE(d.has_value());
    diff_side s;
    s.has_versions = d->detected != format::rpcdump;
    s.has_objects = d->detected == format::json;
    s.enumerations = std::move(d->enumerations);
    return s;
}

diff_side kb_side(const char* name)
{
    return side_of(test::read_text(test::source_dir() / "tests/fixtures/exchange" / name));
}

std::vector<diff_ignore> ignoring(std::string_view spec)
{
    auto p = parse_diff_ignore(spec);
    REQUIRE_FALSE(p.error.has_value());
    return p.rules;
}

std::size_t count(const host_difference& h, endpoint_change c)
{
    return static_cast<std::size_t>(
        std::count_if(h.endpoints.begin(), h.endpoints.end(), [c](const auto& d) { return d.change == c; }));
}

const endpoint_difference* find_change(const host_difference& h, endpoint_change c, std::string_view id,
                                       std::string_view host)
{
    for (const auto& d : h.endpoints)
        if (d.change == c && to_string(d.entry.interface.id) == id && d.entry.where.host == host) return &d;
    return nullptr;
}

// A scan's JSON Lines: one enumeration per host, each with the given ncacn_ip_tcp entries.
epm::enumeration scanned(const std::string& address, std::vector<std::pair<std::string, std::string>> entries,
                         epm::enumeration_status status = epm::enumeration_status::ok)
{
    epm::enumeration e;
    e.target = e.address = address;
    for (const auto& [id, port] : entries)
    {
        epm::endpoint_entry x;
        x.interface = {*parse_uuid(id), 1, 0};
        x.where = {"ncacn_ip_tcp", address, port};
        x.annotation = "svc";
        e.entries.push_back(x);
    }
    if (status != epm::enumeration_status::ok) e.fail(epm::failure_kind::timeout, "no answer");
    return e;
}

std::string jsonl(const std::vector<epm::enumeration>& es)
{
    std::string out;
    for (const auto& e : es) out += to_json_line(e) + "\n";
    return out;
}

constexpr const char* lsa = "12345778-1234-abcd-ef00-0123456789ab";
constexpr const char* drs = "e3514235-4b06-11d1-ab04-00c04fc2dcd2";
constexpr const char* qadmin = "38a94e72-a9bc-11d2-8faf-00c04fa378ff";
constexpr const char* rfr = "1544f5e0-613c-11d1-93df-00c04fd7bd09";
constexpr const char* nspi = "f5cc5a18-4264-101a-8c59-08002b2f8426";

} // namespace

TEST_CASE("KB 926210's healthy and broken rpcdump listings differ by moved, removed and renamed endpoints")
{
    const auto d = diff_scans(kb_side("kb926210-healthy.txt"), kb_side("kb926210-broken.txt"));
    REQUIRE(d.hosts.size() == 1); // rpcdump text without a "# target:" header: one unnamed host
    const auto& h = d.hosts[0];
    CHECK(h.change == host_change::changed);
    CHECK(d.differs());
    CHECK_FALSE(d.versions_known);
    // MTA QAdmin and Mta 1987 -> 3595, RFR 1031 -> 3518, on each of the three addresses.
    CHECK(count(h, endpoint_change::moved) == 9);
    // The store's 24 lines on 1033 (two of them repeated per address) and System Attendant's 9 on 1031.
    CHECK(count(h, endpoint_change::removed) == 33);
    CHECK(count(h, endpoint_change::added) == 0);
    CHECK(count(h, endpoint_change::annotation_changed) == 1);
    const auto* moved = find_change(h, endpoint_change::moved, qadmin, "10.0.100.33");
    REQUIRE(moved != nullptr);
    CHECK(moved->old_endpoint == "1987");
    CHECK(moved->entry.where.endpoint == "3595");
    const auto* rfr_moved = find_change(h, endpoint_change::moved, rfr, "10.0.100.32");
    REQUIRE(rfr_moved != nullptr);
    CHECK(rfr_moved->old_endpoint == "1031");
    CHECK(rfr_moved->entry.where.endpoint == "3518");
    const auto* renamed = find_change(h, endpoint_change::annotation_changed, nspi, "10.0.100.33");
    REQUIRE(renamed != nullptr);
    CHECK(renamed->old_annotation == "MS ExchangeDirectory NSPI Proxy");
    CHECK(renamed->entry.annotation == "MS Exchange Directory NSPI Proxy");
    CHECK(d.totals.moved == 9);
    CHECK(d.totals.removed == 33);
}

TEST_CASE("the KB listings compared the other way round are the same moves and additions")
{
    const auto d = diff_scans(kb_side("kb926210-broken.txt"), kb_side("kb926210-healthy.txt"));
    CHECK(d.totals.moved == 9);
    CHECK(d.totals.added == 33);
    CHECK(d.totals.removed == 0);
    const auto* back = find_change(d.hosts[0], endpoint_change::moved, qadmin, "10.0.100.32");
    REQUIRE(back != nullptr);
    CHECK(back->old_endpoint == "3595");
    CHECK(back->entry.where.endpoint == "1987");
}

TEST_CASE("a listing compared with itself has no difference")
{
    const auto d = diff_scans(kb_side("kb926210-healthy.txt"), kb_side("kb926210-healthy.txt"));
    CHECK_FALSE(d.differs());
    CHECK(d.totals.same == 1);
    CHECK(d.hosts[0].endpoints.empty());
}

TEST_CASE("--ignore port hides the moves of dynamic ports but not the endpoints that went away")
{
    const auto d = diff_scans(kb_side("kb926210-healthy.txt"), kb_side("kb926210-broken.txt"), ignoring("port"));
    CHECK(d.totals.moved == 0);
    CHECK(d.totals.removed == 33);
    CHECK(d.totals.annotation_changed == 1);
    CHECK(d.differs());
}

TEST_CASE("--ignore port=UUID hides only that interface's moves, annotation hides renames")
{
    const auto d = diff_scans(kb_side("kb926210-healthy.txt"), kb_side("kb926210-broken.txt"),
                              ignoring(std::string("port=") + qadmin + ",annotation"));
    CHECK(d.totals.moved == 6);
    CHECK(find_change(d.hosts[0], endpoint_change::moved, qadmin, "10.0.100.32") == nullptr);
    CHECK(d.totals.annotation_changed == 0);
}

TEST_CASE("the --ignore grammar takes FIELD or FIELD=UUID[:MAJOR.MINOR] and names what it refuses")
{
    const auto p = parse_diff_ignore(std::string("endpoint=") + lsa + ":0.0,annotation");
    REQUIRE_FALSE(p.error.has_value());
    REQUIRE(p.rules.size() == 2);
    CHECK(p.rules[0].field == diff_field::endpoint);
    CHECK_FALSE(p.rules[0].any_version);
    CHECK(to_string(p.rules[0].interface->id) == lsa);
    CHECK(p.rules[1].field == diff_field::annotation);
    CHECK_FALSE(p.rules[1].interface.has_value());
    CHECK(parse_diff_ignore("ports").error.value().find("unknown field 'ports'") != std::string::npos);
    CHECK(parse_diff_ignore("port=nope").error.has_value());
    CHECK(parse_diff_ignore(std::string("port=") + lsa + ":1").error.has_value());
    CHECK(parse_diff_ignore("port,").error.has_value());
    CHECK(parse_diff_ignore("").error.has_value());
}

TEST_CASE("a versioned ignore rule leaves the interface's other versions compared")
{
    const auto old_side = side_of(jsonl({scanned("10.0.0.1", {{lsa, "49664"}})}));
    const auto new_side = side_of(jsonl({scanned("10.0.0.1", {{lsa, "49700"}})}));
    CHECK(diff_scans(old_side, new_side, ignoring(std::string("port=") + lsa + ":1.0")).totals.moved == 0);
    CHECK(diff_scans(old_side, new_side, ignoring(std::string("port=") + lsa + ":2.0")).totals.moved == 1);
}

TEST_CASE("hosts that appear, stop answering or fail in both scans are told apart")
{
    const auto old_side = side_of(jsonl({scanned("10.0.0.1", {{lsa, "49664"}}), scanned("10.0.0.2", {{drs, "49665"}}),
                                         scanned("10.0.0.4", {}, epm::enumeration_status::error)}));
    const auto new_side = side_of(jsonl({scanned("10.0.0.1", {{lsa, "49664"}}),
                                         scanned("10.0.0.2", {}, epm::enumeration_status::error),
                                         scanned("10.0.0.3", {{drs, "49665"}}),
                                         scanned("10.0.0.4", {}, epm::enumeration_status::error)}));
    const auto d = diff_scans(old_side, new_side);
    REQUIRE(d.hosts.size() == 4);
    CHECK(d.hosts[0].change == host_change::same);
    CHECK(d.hosts[1].change == host_change::stopped_answering);
    CHECK(d.hosts[1].new_error == "no answer");
    CHECK(d.hosts[2].change == host_change::appeared);
    CHECK_FALSE(d.hosts[2].old_status.has_value());
    CHECK(d.hosts[3].change == host_change::same);
    CHECK(d.totals.appeared == 1);
    CHECK(d.totals.stopped_answering == 1);
    CHECK(d.totals.same == 2);
}

TEST_CASE("a host written twice by concatenated shards counts by its best answer")
{
    const auto old_side = side_of(jsonl({scanned("10.0.0.1", {{lsa, "49664"}})}));
    const auto new_side = side_of(jsonl({scanned("10.0.0.1", {{lsa, "49664"}}),
                                         scanned("10.0.0.1", {}, epm::enumeration_status::error)}));
    CHECK_FALSE(diff_scans(old_side, new_side).differs());
}

TEST_CASE("a second registration on another port is added, not a move of the first")
{
    const auto old_side = side_of(jsonl({scanned("10.0.0.1", {{lsa, "49664"}})}));
    const auto new_side = side_of(jsonl({scanned("10.0.0.1", {{lsa, "49664"}, {lsa, "49670"}})}));
    const auto d = diff_scans(old_side, new_side);
    CHECK(d.totals.added == 1);
    CHECK(d.totals.moved == 0);
}

TEST_CASE("the diff's JSON Lines carry one object per differing host and a totals object")
{
    const auto d = diff_scans(kb_side("kb926210-healthy.txt"), kb_side("kb926210-broken.txt"));
    std::ostringstream out;
    write_diff_json(out, d);
    std::istringstream lines(out.str());
    std::string line;
    std::vector<nlohmann::json> records;
    while (std::getline(lines, line)) records.push_back(nlohmann::json::parse(line));
    REQUIRE(records.size() == 2);
    CHECK(records[0]["record"] == "diff_host");
    CHECK(records[0]["change"] == "changed");
    CHECK(records[0]["endpoints"].size() == 43);
    const auto& first_moved = *std::find_if(records[0]["endpoints"].begin(), records[0]["endpoints"].end(),
                                            [](const auto& x) { return x["change"] == "moved"; });
    CHECK(first_moved["old_endpoint"].is_string());
    CHECK(first_moved["interface"]["version"].is_null()); // rpcdump text has no versions
    CHECK(records[1]["record"] == "diff_totals");
    CHECK(records[1]["moved"] == 9);
    CHECK(records[1]["removed"] == 33);
}

TEST_CASE("the diff's text escapes server strings and ends with the totals")
{
    auto old_e = scanned("10.0.0.1", {{lsa, "49664"}});
    auto new_e = old_e;
    new_e.entries[0].annotation = "evil\x1b[2Jtext";
    const auto d = diff_scans(side_of(jsonl({old_e})), side_of(jsonl({new_e})));
    std::ostringstream out;
    write_diff_text(out, d);
    CHECK(out.str().find('\x1b') == std::string::npos);
    CHECK(out.str().find("annotation_changed " + std::string(lsa) + " v1.0 ncacn_ip_tcp:10.0.0.1[49664] \"svc\" -> \"evil") !=
          std::string::npos);
    CHECK(out.str().ends_with("1 host(s): 0 same, 1 changed, 0 appeared, 0 stopped answering; endpoints: 0 moved, 0 removed, "
                              "0 added, 1 annotation(s) changed\n"));
}

TEST_CASE("a one-host rpcdump listing without a host name is compared with the other scan's one host, not told apart")
{
    // `epmdump HOST > before.txt` writes no "# target:" header for one host, as rpcdump.exe.
    auto named = read_dump(test::read_text(test::source_dir() / "tests/fixtures/exchange/kb926210-healthy.txt"));
    REQUIRE(named.has_value());
    REQUIRE(named->enumerations.size() == 1);
    named->enumerations[0].target = named->enumerations[0].address = "10.0.100.32";
    const auto json = side_of(jsonl(named->enumerations));
    for (const auto& d : {diff_scans(kb_side("kb926210-healthy.txt"), json), diff_scans(json, kb_side("kb926210-healthy.txt"))})
    {
        REQUIRE(d.hosts.size() == 1);
        CHECK(d.hosts[0].host == "10.0.100.32");
        CHECK(d.hosts[0].change == host_change::same);
        CHECK_FALSE(d.differs());
    }
    // With two hosts on the other side, which one it was cannot be known: both are told apart.
    auto two = named->enumerations;
    two.push_back(two[0]);
    two[1].target = two[1].address = "10.0.100.33";
    CHECK(diff_scans(kb_side("kb926210-healthy.txt"), side_of(jsonl(two))).hosts.size() == 3);
}
