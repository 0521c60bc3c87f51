#pragma once
// The options that spread one scope over machines and runs: --shards N --shard I --seed S
// (zmap's spelling, 0-based) and --resume FILE.jsonl.
#include <CLI/CLI.hpp>

#include <epmdump/client/target_list.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::app {

struct campaign_args
{
    std::uint64_t shards = 0;   // 0: not given
    std::string shard;          // "I" or "I/N"
    std::optional<std::uint64_t> seed;
    std::vector<std::string> resume; // previous runs' JSON Lines
};

void add_campaign_options(CLI::App& app, campaign_args& args);

// Sets the shard and the targets already done on `source`; false with `error` set (a usage error).
bool apply_campaign(const campaign_args& args, client::target_source& source, std::string& error);

} // namespace epmdump::app
