// Replay's fast path (pages of ept_lookup stubs read as views) against the owning path, on every
// capture of pcaps/ and the Windows 10 346-entry one: the same entries and the same output.
#include "support/test_files.hpp"

#include <epmdump/capture/replay.hpp>
#include <epmdump/output/csv.hpp>
#include <epmdump/output/json.hpp>
#include <epmdump/output/rpcdump.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace epmdump;

namespace {

std::vector<std::filesystem::path> view_test_captures()
{
    std::vector<std::filesystem::path> out;
    for (const auto& f : std::filesystem::directory_iterator(test::source_dir() / "pcaps"))
        if (f.path().extension() == ".pcap" || f.path().extension() == ".pcapng") out.push_back(f.path());
    if (auto win10 = test::shared_file("pcaps/win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng"))
        out.push_back(*win10);
    return out;
}

} // namespace

TEST_CASE("replay keeping stubs gives the entries and output the owning replay gives, capture by capture")
{
    output::format_options options;
    options.json_towers = true;
    std::size_t paged = 0;
    for (const auto& pcap : view_test_captures())
    {
        CAPTURE(pcap.string());
        capture::replay_options fast;
        fast.conversation.keep_stubs = true;
        auto owning = capture::replay_file(pcap);
        auto viewed = capture::replay_file(pcap, fast);
        REQUIRE(owning.conversations.size() == viewed.conversations.size());
        for (std::size_t i = 0; i < owning.conversations.size(); ++i)
        {
            const auto& a = owning.conversations[i].enumeration;
            const auto& b = viewed.conversations[i].enumeration;
            CHECK(b.entries.empty());
            paged += b.pages.size();
            CHECK(a.entry_count() == b.entry_count());
            CHECK(a.status == b.status);
            CHECK(a.entries == b.pages.to_entries());
            CHECK(output::to_json_line(a, options) == output::to_json_line(b, options));
            std::string csv_a, csv_b, text_a, text_b;
            output::append_csv_rows(csv_a, a);
            output::append_csv_rows(csv_b, b);
            CHECK(csv_a == csv_b);
            output::append_rpcdump(text_a, a, {});
            output::append_rpcdump(text_b, b, {});
            CHECK(text_a == text_b);
        }
    }
    CHECK(paged > 0); // the captures do exercise the pages
}
