#pragma once
// Replays a capture and holds it against its tshark oracle (NAME.expected.json beside it,
// written by ../shared/pcaps/pcap_oracle.py): same calls, frames, verifiers, statuses, handles
// and entries, in order.
#include <epmdump/capture/replay.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace epmdump::test {

struct flat_call
{
    const capture::epm_call* call;
    const capture::replayed_conversation* conversation;
};

struct oracle_run
{
    capture::file_replay replay;
    nlohmann::json oracle;
    std::vector<flat_call> calls;          // ours, by request frame
    std::vector<nlohmann::json> expected;  // tshark's calls (TCP and named pipes), by request frame
};

// pcaps/NAME when in_project, else ../shared/pcaps/NAME (nullopt when that folder is absent).
std::optional<oracle_run> load(const std::string& name, bool in_project);
// doctest CHECKs of every call and entry against the oracle.
void check_against_oracle(const oracle_run& run);
// The one conversation of pcaps/NAME, checked against its oracle first.
capture::replayed_conversation replay_one_checked(const std::string& name);

} // namespace epmdump::test
