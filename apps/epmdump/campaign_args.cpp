#include "campaign_args.hpp"
#include "option_checks.hpp"

#include <epmdump/client/target_resume.hpp>
#include <epmdump/client/target_shard.hpp>

#include <cstdint>
#include <memory>

namespace epmdump::app {

void add_campaign_options(CLI::App& app, campaign_args& args)
{
    app.add_option("--shards", args.shards, "Split the scope into N shards (one per machine or process); needs --shard and --seed")
        ->check(whole_number_in(1, std::uint64_t{1} << 32))
        ->group("Scope");
    app.add_option("--shard", args.shard,
                   "Scan only shard I of N, 0-based as zmap counts (0..N-1; also I/N; masscan's 1-based 1/N is our 0/N)")
        ->group("Scope");
    app.add_option("--seed", args.seed, "The shards' shared permutation key: the same whole number on every shard")
        ->check(whole_number_in(0, UINT64_MAX))->group("Scope");
    app.add_option("--resume", args.resume,
                   "Skip the targets a previous run's JSON Lines output (-f json) already holds (a cut last line is fine; repeatable)")
        ->allow_extra_args(false)
        ->group("Scope");
}

bool apply_campaign(const campaign_args& args, client::target_source& source, std::string& error)
{
    if (!args.shard.empty() || args.shards != 0)
    {
        if (args.shard.empty())
        {
            error = "--shards " + std::to_string(args.shards) + " needs --shard I (0-based: 0.." + std::to_string(args.shards - 1) + ")";
            return false;
        }
        std::string why;
        const auto shard = client::parse_shard(args.shard, args.shards, why);
        if (!shard)
        {
            error = "--shard " + client::quote_word(args.shard) + ": " + why;
            return false;
        }
        if (!args.seed)
        {
            error = "--shard needs --seed S, the same number on every shard: without it the shards would not agree "
                    "on one order and would overlap";
            return false;
        }
        source.set_shard({shard->second, shard->first, *args.seed});
    }
    else if (args.seed)
    {
        error = "--seed orders the targets of --shards N --shard I; give those too";
        return false;
    }
    if (!args.resume.empty())
    {
        auto done = std::make_shared<client::done_targets>();
        for (const auto& file : args.resume)
            if (!done->add_file(file, error)) return false;
        source.set_done(std::move(done));
    }
    return true;
}

} // namespace epmdump::app
