#pragma once
// ept_lookup paging (C706 App. O; [MS-RPCE] 2.2.1.2.4 / 3.3.3.2.1), sans-I/O. Pages from a null
// handle with max_ents until one of the ends real servers use: a null handle (Windows),
// ept_s_not_registered with or without entries (Samba AD DC / samba-dcerpcd) or zero entries
// (nmap's rule). Entries of every page count, whatever its status. A server that never ends
// (pages it sent before, again or in a cycle; too many pages, too many entries) is cut off; the entries
// gathered so far are kept and the handle is freed (opnum 4) whenever we stop early.
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/session/ept_handle_session.hpp>

#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

namespace epmdump::client {

struct lookup_page
{
    std::uint32_t entries = 0;
    std::uint32_t status = 0;
    bool null_handle = false;
    friend bool operator==(const lookup_page&, const lookup_page&) = default;
};

class lookup_session final : public ept_handle_session
{
public:
    lookup_session(const client_options& options, bool expect_banner);

    const std::vector<epm::endpoint_entry>& entries() const noexcept { return entries_; }
    std::vector<epm::endpoint_entry> take_entries() noexcept { return std::move(entries_); }
    // The server ended the list (no error, nothing cut off).
    bool complete() const noexcept { return done() && !error() && ended_; }
    const std::vector<lookup_page>& pages() const noexcept { return pages_; }

protected:
    step first_call() override { return lookup_call(); }
    step on_page(std::span<const std::byte> stub, ndr::drep rep) override;

private:
    step lookup_call();
    step end_of_list();

    std::vector<epm::endpoint_entry> entries_;
    std::unordered_set<std::uint64_t> seen_pages_; // digests of the pages taken so far
    std::vector<epm::endpoint_entry> held_back_;   // a repeated page, kept if the next one is new
    std::vector<lookup_page> pages_;
    std::uint32_t repeats_ = 0;
    bool ended_ = false;
};

} // namespace epmdump::client
