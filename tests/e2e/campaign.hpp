#pragma once
// Shared by the campaign tests (shards, resume, GNU parallel): loopback responders over part of
// a block, and JSON Lines compared as sets of records, elapsed times left out.
#include "e2e/run_process.hpp"
#include "support/sample_entries.hpp"
#include "support/scripted_server.hpp"
#include "support/test_files.hpp"

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace epmdump::test {

// An endpoint mapper with two entries on the first `answering` addresses of 127.0.THIRD.0/26;
// the rest of the block refuses (nothing listens there on that port).
inline server_script campaign_server_script()
{
    server_script s;
    s.entries = {
        make_entry("12345778-1234-abcd-ef00-0123456789ab", 0, 0, "ncacn_ip_tcp", "0.0.0.0", "49153", "lsarpc"),
        make_entry("12345778-1234-abcd-ef00-0123456789ac", 1, 0, "ncacn_np", "", "\\pipe\\samr", "samr"),
    };
    return s;
}

inline std::vector<std::string> campaign_hosts(int third_octet, int answering)
{
    std::vector<std::string> out;
    for (int i = 0; i < answering; ++i) out.push_back("127.0." + std::to_string(third_octet) + "." + std::to_string(i));
    return out;
}

// The records of JSON Lines output, each without its elapsed_ms (the one field that differs
// between two runs of the same scope), sorted. Records cancelled in flight are left out when
// `drop_cancelled` (an interrupted run's: the resumed run scans those hosts again).
inline std::vector<std::string> campaign_records(const std::string& jsonl, bool drop_cancelled = false)
{
    static const std::regex elapsed(R"("elapsed_ms":[0-9.eE+-]+)");
    std::vector<std::string> out;
    std::istringstream in(jsonl);
    for (std::string line; std::getline(in, line);)
    {
        if (drop_cancelled && line.find(R"("kind":"cancelled")") != std::string::npos) continue;
        out.push_back(std::regex_replace(line, elapsed, R"("elapsed_ms":0)"));
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace epmdump::test
