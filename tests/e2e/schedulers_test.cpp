// The files of packaging/schedulers. GNU parallel for real: the repository's recipe
// (parallel-shards.sh) runs 4 shard processes through parallel's --sshloginfile (":" is this
// machine) against loopback responders, and their merged output equals one run of the scope.
// The Kubernetes manifest and the Slurm script cannot run here: they are read back and checked.
#include "e2e/campaign.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using epmdump::test::campaign_records;
using epmdump::test::scripted_server;

TEST_CASE("4 shards run by GNU parallel over an sshlogin file merge to one run of the scope")
{
    if (epmdump::test::run_shell("command -v parallel >/dev/null").exit_code != 0)
    {
        // scripts/install-deps.sh --test installs it: in CI its absence is a failure, not a skip.
        REQUIRE_MESSAGE(std::getenv("CI") == nullptr, "GNU parallel is not installed (bash scripts/install-deps.sh --test)");
        EPMDUMP_SKIP("GNU parallel is not installed (bash scripts/install-deps.sh --test)");
    }
    scripted_server server(epmdump::test::campaign_server_script(), epmdump::test::campaign_hosts(64, 40));
    const std::string scope = "127.0.64.0/26:" + std::to_string(server.port());
    const auto whole = epmdump::test::run_process(EPMDUMP_EXE, {scope, "-f", "json", "-c", "16"});
    REQUIRE(std::count(whole.out.begin(), whole.out.end(), '\n') == 64);

    const auto logins = std::filesystem::temp_directory_path() / "epmdump-e2e-sshlogins.txt";
    std::ofstream(logins) << "4/:\n"; // four shards at once on this machine
    const auto recipe = epmdump::test::source_dir() / "packaging" / "schedulers" / "parallel-shards.sh";
    const auto r = epmdump::test::run_shell("EPMDUMP_SEED=77 EPMDUMP='" + std::string(EPMDUMP_EXE) + "' bash '" + recipe.string() +
                                            "' -S '" + logins.string() + "' -n 4 -- " + scope + " -c 16 2>&1");
    CHECK_MESSAGE(r.exit_code == 0, r.out); // the refused hosts are results, not failed shards
    CHECK(campaign_records(r.out) == campaign_records(whole.out));
    std::filesystem::remove(logins);
}

namespace {

std::filesystem::path scheduler_file(const std::string& name) { return epmdump::test::source_dir() / "packaging" / "schedulers" / name; }

} // namespace

TEST_CASE("the Kubernetes manifest is an Indexed Job whose completion index is the shard, read back by kubectl when present")
{
    const auto manifest = scheduler_file("kubernetes-indexed-job.yaml");
    const auto text = epmdump::test::read_text(manifest);
    CHECK(text.find("kind: Job") != std::string::npos);
    CHECK(text.find("completionMode: Indexed") != std::string::npos);
    CHECK(text.find("--shard \"$JOB_COMPLETION_INDEX\"") != std::string::npos);
    // completions (the pod count) and --shards (through EPMDUMP_SHARDS) name the same N.
    const auto completions = text.find("completions: ");
    const auto shards = text.find("name: EPMDUMP_SHARDS");
    REQUIRE(completions != std::string::npos);
    REQUIRE(shards != std::string::npos);
    const std::string n = text.substr(completions + 13, text.find_first_of(" \n", completions + 13) - completions - 13);
    CHECK(text.find("value: \"" + n + "\"", shards) == text.find("value: ", shards));
    if (epmdump::test::run_shell("command -v kubectl >/dev/null").exit_code != 0)
    {
        MESSAGE("kubectl is not installed: the manifest was checked as text only");
        return;
    }
    // `kubectl apply --dry-run=client` needs an API server's discovery even with
    // --validate=false; `label --local` parses and re-emits the manifest with no cluster.
    const auto r = epmdump::test::run_shell("HOME=\"${TMPDIR:-/tmp}\" kubectl label --local -o yaml epmdump-check=yes -f '" +
                                            manifest.string() + "' 2>&1");
    CHECK_MESSAGE(r.exit_code == 0, r.out);
    CHECK(r.out.find("epmdump-check: \"yes\"") != std::string::npos);
    CHECK(r.out.find("completionMode: Indexed") != std::string::npos);
}

TEST_CASE("the Slurm array script and the parallel recipe are valid bash and derive the shard from the scheduler")
{
    for (const char* name : {"slurm-array.sh", "parallel-shards.sh"})
        CHECK_MESSAGE(epmdump::test::run_shell("bash -n '" + scheduler_file(name).string() + "' 2>&1").exit_code == 0, name);
    const auto slurm = epmdump::test::read_text(scheduler_file("slurm-array.sh"));
    CHECK(slurm.find("shard=$SLURM_ARRAY_TASK_ID") != std::string::npos);
    CHECK(slurm.find("--shards \"$shards\" --shard \"$shard\" --seed \"$EPMDUMP_SEED\"") != std::string::npos);
    // Without a seed the recipe refuses before any shard starts.
    const auto r = epmdump::test::run_shell("env -u EPMDUMP_SEED bash '" + scheduler_file("parallel-shards.sh").string() +
                                            "' -S /dev/null -n 2 -- 127.0.0.1 2>&1");
    CHECK(r.exit_code != 0);
    CHECK(r.out.find("EPMDUMP_SEED") != std::string::npos);
}

TEST_CASE("the Slurm array script run as tasks 0 and 1 of 2 writes shard files that merge to one run")
{
    // No Slurm here: the script runs as sbatch would start it, with the array variables set.
    scripted_server server(epmdump::test::campaign_server_script(), epmdump::test::campaign_hosts(65, 20));
    const std::string scope = "127.0.65.0/27:" + std::to_string(server.port());
    const auto whole = epmdump::test::run_process(EPMDUMP_EXE, {scope, "-f", "json", "-c", "16"});
    REQUIRE(std::count(whole.out.begin(), whole.out.end(), '\n') == 32);
    const auto dir = std::filesystem::temp_directory_path() / "epmdump-e2e-slurm";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "bin");
    std::filesystem::create_symlink(EPMDUMP_EXE, dir / "bin" / "epmdump");
    std::ofstream(dir / "targets.txt") << scope << "\n";
    std::string merged;
    for (int task = 0; task < 2; ++task)
    {
        const auto r = epmdump::test::run_shell("cd '" + dir.string() + "' && PATH=\"$PWD/bin:$PATH\" EPMDUMP_SEED=5 EPMDUMP_SHARDS=2 "
                                                "SLURM_ARRAY_TASK_ID=" + std::to_string(task) + " bash '" +
                                                scheduler_file("slurm-array.sh").string() + "' 2>&1");
        CHECK_MESSAGE(r.exit_code == 0, r.out); // refused hosts are results, not a failed task
        merged += epmdump::test::read_text(dir / "results" / ("shard-" + std::to_string(task) + ".attempt-0.jsonl"));
    }
    CHECK(campaign_records(merged) == campaign_records(whole.out));
    const auto past = epmdump::test::run_shell("cd '" + dir.string() + "' && EPMDUMP_SEED=5 EPMDUMP_SHARDS=2 SLURM_ARRAY_TASK_ID=2 bash '" +
                                               scheduler_file("slurm-array.sh").string() + "' 2>&1");
    CHECK(past.exit_code == 2);
    std::filesystem::remove_all(dir);
}
