#include <epmdump/session/lookup_session.hpp>
#include <epmdump/session/status_text.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_status.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>

namespace epmdump::client {

namespace {

// FNV-1a style over what makes entries differ (object, tower octets, annotation), lengths included.
std::uint64_t page_digest(const std::vector<epm::endpoint_entry>& entries)
{
    std::uint64_t h = 0xcbf29ce484222325u;
    // Eight bytes per step: byte at a time, a 53-entry page cost ~3.5 us of dependent multiplies.
    const auto mix = [&h](std::span<const std::byte> bytes) {
        std::size_t i = 0;
        for (; i + 8 <= bytes.size(); i += 8)
        {
            std::uint64_t word = 0;
            std::memcpy(&word, bytes.data() + i, 8);
            h = (h ^ word) * 0x100000001b3u;
        }
        for (; i < bytes.size(); ++i) h = (h ^ std::to_integer<std::uint64_t>(bytes[i])) * 0x100000001b3u;
    };
    const auto mix_size = [&](std::size_t n) {
        const std::uint64_t v = n;
        mix(std::as_bytes(std::span(&v, 1)));
    };
    for (const auto& e : entries)
    {
        mix(std::as_bytes(std::span(e.object.data)));
        mix_size(e.tower.size());
        mix(e.tower);
        mix_size(e.annotation.size());
        mix(std::as_bytes(std::span(e.annotation.data(), e.annotation.size())));
    }
    return h;
}

} // namespace

lookup_session::lookup_session(const client_options& options, bool expect_banner)
    : ept_handle_session(options, expect_banner)
{
}

rpc_session::step lookup_session::lookup_call()
{
    epm::ept_lookup_request request;
    request.inquiry_type = epm::rpc_c_ep_all_elts;
    request.vers_option = epm::rpc_c_vers_all;
    request.entry_handle = handle_;
    request.max_ents = std::clamp<std::uint32_t>(options().limits.max_ents, 1, epm::ept_max_ents);
    ndr::writer w;
    epm::encode_ept_lookup_request(request, w);
    return call{epm::opnum_ept_lookup, w.take(), phase::lookup, 0, {}};
}

rpc_session::step lookup_session::end_of_list()
{
    ended_ = true;
    // The list ended (zero entries); if the server still holds a handle, release it.
    return stop_early(std::nullopt);
}

rpc_session::step lookup_session::on_page(std::span<const std::byte> stub, ndr::drep rep)
{
    const auto& limits = options().limits;
    epm::decode_limits decode;
    decode.max_entries = std::max<std::size_t>(1, std::min(limits.max_ents, epm::ept_max_ents));
    auto page = epm::decode_ept_lookup_response(stub, rep, ndr::transfer_syntax::ndr20, decode);
    if (!page) return stop_on_bad_page(phase::lookup, "ept_lookup", page.error());
    handle_ = page->entry_handle;
    pages_.push_back(lookup_page{static_cast<std::uint32_t>(page->entries.size()), page->status, handle_.is_null()});

    // A page we already have while the list goes on: the same one again, or a cycle through
    // several (whatever the handles say). Its entries are held back: if the next page is new
    // they were real (an entry registered twice, paged one at a time) and are kept; if the
    // repeats go on, it is a loop and they are dropped, so nothing is taken twice.
    if (!page->entries.empty() && !handle_.is_null() && !seen_pages_.insert(page_digest(page->entries)).second)
    {
        if (++repeats_ >= limits.max_repeated_pages)
            return stop_early(failure{client_errc::incomplete, phase::lookup, {}, {},
                                      "the server repeated pages it had sent before " + std::to_string(repeats_) +
                                          " times in a row"});
        held_back_.insert(held_back_.end(), std::make_move_iterator(page->entries.begin()),
                          std::make_move_iterator(page->entries.end()));
        return lookup_call();
    }
    repeats_ = 0;
    if (!held_back_.empty())
    {
        page->entries.insert(page->entries.begin(), std::make_move_iterator(held_back_.begin()),
                             std::make_move_iterator(held_back_.end()));
        held_back_.clear();
    }
    const bool capped = keep_capped(entries_, page->entries);

    if (page->status == epm::ept_s_not_registered) // the end (Samba), entries of this page included
    {
        ended_ = true;
        if (capped)
            return stop_early(failure{client_errc::incomplete, phase::lookup, {}, {},
                                      "more than " + std::to_string(limits.max_entries) + " entries"});
        handle_ = {}; // the server has let go of it
        return std::nullopt;
    }
    if (page->status != epm::rpc_s_ok)
        return stop_early(failure{client_errc::lookup_failed, phase::lookup, page->status, {},
                                  "ept_lookup returned " + ept_status_text(page->status)});
    if (capped)
        return stop_early(failure{client_errc::incomplete, phase::lookup, {}, {},
                                  "more than " + std::to_string(limits.max_entries) + " entries"});
    if (handle_.is_null()) // the end (Windows)
    {
        ended_ = true;
        return std::nullopt;
    }
    if (page->entries.empty()) return end_of_list();
    if (pages_.size() >= limits.max_pages)
        return stop_early(failure{client_errc::incomplete, phase::lookup, {}, {},
                                  "the list did not end after " + std::to_string(pages_.size()) + " pages"});
    return lookup_call();
}

} // namespace epmdump::client
