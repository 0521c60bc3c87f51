#pragma once
// --resume FILE.jsonl: the targets a previous run already wrote a result for, so that a
// restarted scan skips them. Keyed on the record's "target" (the target as the run named it)
// and "port"; a record whose error kind is "cancelled" (in flight at Ctrl-C) is not done.
#include <epmdump/client/target.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

namespace epmdump::client {

class done_targets
{
public:
    // One JSON Lines record (no newline). false with `error` set when it is not one of our
    // scan records (not a JSON object, or no string "target" / integer "port").
    bool add_record(std::string_view line, std::string& error);
    // Every record of a previous run's output. A last line cut mid-record (no newline, not
    // JSON) is what an interrupted writer leaves and is skipped; any other bad line is an error
    // naming its line number.
    bool add_file(const std::string& path, std::string& error);

    // A target whose port is 0 (the transport's default, or --transport auto) matches a record
    // of its name on any port; one with a port, only a record on that port.
    bool contains(const target& t) const;
    std::size_t size() const noexcept { return keys_.size(); }
    bool empty() const noexcept { return keys_.empty(); }

private:
    static std::string key(std::string_view name, std::uint16_t port);
    std::unordered_set<std::string> keys_;  // name '\n' port
    std::unordered_set<std::string> names_;
};

} // namespace epmdump::client
