#pragma once
// The incremental per-host classifier: fed a host's endpoint-mapper entries one at a time, in any
// order, it keeps a few bits (no allocation, O(1) memory per host) and then says which rules of
// the table (rule.hpp, rules.inc) matched. Sans-I/O; the JSON and summary writers and the replay
// fast path call it.
#include <epmdump/core/uuid.hpp>
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/findings/rule.hpp>

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace epmdump::epm {
struct endpoint_entry_view; // epm/entry_view.hpp: not included, its result<> would clash with findings::result
} // namespace epmdump::epm

namespace epmdump::findings {

namespace detail {
struct interface_row; // detail/table.hpp
} // namespace detail

// What the classifier reads of one entry: views into the caller's bytes, used during add() only.
struct entry_facts
{
    uuid interface{};
    std::uint16_t major = 0;
    std::uint16_t minor = 0;
    uuid object{};
    std::string_view annotation; // as registered (untrusted; compared, never printed)
    std::string_view protseq;    // "ncacn_ip_tcp", "ncacn_np", "ncalrpc", ...
    std::string_view endpoint;   // port in decimal, pipe, lrpc name; "" when none
};

entry_facts facts_of(const epm::endpoint_entry& e) noexcept;
entry_facts facts_of(const epm::endpoint_entry_view& e) noexcept;

// One matched rule; detail qualifies it ("2010" for an Exchange server's version profile, else "").
struct match
{
    const rule* what = nullptr; // never null in a result
    std::string_view detail;    // static text
};

// The rules a host matched, roles then exposures, each in table order. Holds no pointers into the
// classifier: it may outlive it.
class result
{
public:
    std::span<const match> roles() const noexcept { return {items_.data(), roles_}; }
    std::span<const match> findings() const noexcept { return {items_.data() + roles_, count_ - roles_}; }
    bool empty() const noexcept { return count_ == 0; }

private:
    friend class host_classifier;
    std::array<match, max_rules> items_{};
    std::size_t roles_ = 0;
    std::size_t count_ = 0;
};

class host_classifier
{
public:
    void add(const entry_facts& e) noexcept;
    void add(const epm::endpoint_entry& e) noexcept { add(facts_of(e)); }
    void add(const epm::endpoint_entry_view& e) noexcept { add(facts_of(e)); } // replay's fast path
    // Ready for the next host.
    void clear() noexcept { *this = host_classifier{}; }
    result classify() const noexcept;

private:
    std::bitset<max_rules * 2> clauses_;   // which clauses of the table an entry met
    std::uint8_t exchange_evidence_ = 0;    // exchange evidence bits (classifier.cpp)
    std::uint16_t emsmdb_port_ = 0;         // first TCP port EMSMDB was seen on; 0 none
    // The last interface looked up and its rows: a listing names an interface several times in a
    // row (213 of the Windows 10 listing's 345 neighbours), so most entries skip the search.
    uuid last_interface_{};
    const detail::interface_row* last_rows_ = nullptr; // null: none looked up yet
    std::size_t last_row_count_ = 0;
};

// All of a host's entries at once.
result classify(std::span<const epm::endpoint_entry> entries) noexcept;

} // namespace epmdump::findings
