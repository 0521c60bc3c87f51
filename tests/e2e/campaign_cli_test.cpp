// Across runs and machines through the whole program: shards whose outputs concatenate to one
// run, a Ctrl-C'd scan resumed to the same result, and the usage errors of the options.
#include "e2e/campaign.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using epmdump::test::campaign_records;
using epmdump::test::process_result;
using epmdump::test::scripted_server;

namespace {

process_result campaign_run(const std::vector<std::string>& args,
                            std::optional<std::chrono::milliseconds> sigint_after = std::nullopt)
{
    return epmdump::test::run_process(EPMDUMP_EXE, args, {}, sigint_after);
}

std::size_t line_count(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

} // namespace

TEST_CASE("the outputs of 4 shards concatenated equal one run of the whole scope, each target once")
{
    scripted_server server(epmdump::test::campaign_server_script(), epmdump::test::campaign_hosts(61, 48));
    const std::string scope = "127.0.61.0/26:" + std::to_string(server.port());
    const auto whole = campaign_run({scope, "-f", "json", "-c", "16"});
    CHECK(whole.exit_code == 1); // 16 addresses refuse
    REQUIRE(line_count(whole.out) == 64);
    std::string merged;
    for (int i = 0; i < 4; ++i)
    {
        const auto part = campaign_run({scope, "-f", "json", "-c", "16", "--shards", "4", "--shard", std::to_string(i), "--seed", "2026"});
        CHECK(part.exit_code != 2);
        CHECK(line_count(part.out) == 16);
        merged += part.out;
    }
    CHECK(campaign_records(merged) == campaign_records(whole.out));
    // I/N is the same shard as --shards N --shard I.
    const auto a = campaign_run({scope, "-f", "json", "--shard", "1/4", "--seed", "2026"});
    const auto b = campaign_run({scope, "-f", "json", "--shards", "4", "--shard", "1", "--seed", "2026"});
    CHECK(campaign_records(a.out) == campaign_records(b.out));
}

TEST_CASE("a scan stopped with Ctrl-C and resumed from its output equals one whole run")
{
    scripted_server server(epmdump::test::campaign_server_script(), epmdump::test::campaign_hosts(62, 48));
    const std::string scope = "127.0.62.0/26:" + std::to_string(server.port());
    const auto whole = campaign_run({scope, "-f", "json", "-c", "16"});
    REQUIRE(line_count(whole.out) == 64);
    // 20 hosts a second: Ctrl-C after 1 s (a slow start under a sanitizer included) leaves most
    // of the 64 undone, with some in flight.
    const auto cut = campaign_run({scope, "-f", "json", "-c", "4", "--rate", "20"}, std::chrono::milliseconds(1000));
    CHECK(cut.exit_code == 1);
    const auto done_before = campaign_records(cut.out, true).size();
    CHECK(done_before > 0);
    CHECK(done_before < 64);
    const auto file = std::filesystem::temp_directory_path() / "epmdump-e2e-resume.jsonl";
    // As a killed writer may leave it: the last record cut in the middle.
    std::ofstream(file, std::ios::binary) << cut.out << R"({"schema":1,"target":"127.0.62.)";
    const auto resumed = campaign_run({scope, "-f", "json", "-c", "16", "--resume", file.string()});
    CHECK(resumed.exit_code != 2);
    CHECK(resumed.err.find(std::to_string(done_before) + " targets already done") != std::string::npos);
    CHECK(line_count(resumed.out) == 64 - done_before);
    CHECK(campaign_records(cut.out + resumed.out, true) == campaign_records(whole.out));
    std::filesystem::remove(file);
}

TEST_CASE("shards without a seed, a seed without shards, a shard past N and a bad resume file are usage errors")
{
    const std::string scope = "127.0.63.0/30:" + std::to_string(epmdump::test::closed_port());
    const auto no_seed = campaign_run({scope, "--shards", "4", "--shard", "0"});
    CHECK(no_seed.exit_code == 2);
    CHECK(no_seed.err.find("--seed") != std::string::npos);
    const auto seed_only = campaign_run({scope, "--seed", "5"});
    CHECK(seed_only.exit_code == 2);
    CHECK(seed_only.err.find("--shards") != std::string::npos);
    const auto past = campaign_run({scope, "--shard", "4/4", "--seed", "5"});
    CHECK(past.exit_code == 2);
    CHECK(past.err.find("masscan") != std::string::npos);
    const auto shard_only = campaign_run({scope, "--shards", "4", "--seed", "5"});
    CHECK(shard_only.exit_code == 2);
    const auto file = std::filesystem::temp_directory_path() / "epmdump-e2e-resume-bad.jsonl";
    std::ofstream(file, std::ios::binary) << "# target: 127.0.0.1\nnot json\n";
    const auto bad = campaign_run({scope, "--resume", file.string()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("line 1") != std::string::npos);
    CHECK(bad.out.empty());
    std::filesystem::remove(file);
}
