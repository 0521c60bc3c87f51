#pragma once
// Endpoint entries as views over an ept_lookup response stub: what replay and the writers read,
// with no allocation per entry. The owning endpoint_entry stays the API's type (to_entry).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/epm/context_handle.hpp>
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/tower.hpp>
#include <epmdump/ndr/drep.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::epm {

struct binding_view
{
    std::string_view protseq;
    std::string_view host;
    std::string_view endpoint;
};

// Windows string binding of a view, as append_binding(out, binding) writes it.
void append_binding(std::string& out, const binding_view& b);

// endpoint_entry's fields, viewing the stub (or the owning entry) they came from.
struct endpoint_entry_view
{
    uuid object{};
    syntax_id interface{};
    std::optional<syntax_id> transfer_syntax;
    std::string_view annotation;
    binding_view where;
    std::span<const std::byte> tower;
    ping_status ping = ping_status::not_pinged;
};

endpoint_entry_view view_of(const endpoint_entry& e) noexcept;
endpoint_entry to_entry(const endpoint_entry_view& v);

// One decoded ept_lookup response; `entries` live until the decoder's next decode and while the stub does.
struct lookup_page_view
{
    context_handle entry_handle;
    std::uint32_t num_ents = 0;
    std::span<const endpoint_entry_view> entries;
    std::uint32_t status = 0;
};

// Where one entry's fields sit in its stub, as a decode found them: a stored page is read again
// from these (lookup_view_decoder::views) instead of walking its NDR a second time.
struct entry_offsets
{
    std::uint32_t object = 0;          // the entry's object UUID; its fixed part starts there
    std::uint32_t annotation_size = 0; // its characters before the NUL, right after the fixed part
    std::uint32_t tower = 0;           // its tower octets (tower_size 0: none)
    std::uint32_t tower_size = 0;
};

// decode_ept_lookup_response's decoder (same checks, same errors), keeping its buffers from one
// response to the next: after the first pages, decoding allocates nothing.
class lookup_view_decoder
{
public:
    result<lookup_page_view> decode(std::span<const std::byte> stub, ndr::drep rep,
                                    ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20,
                                    const decode_limits& limits = {});
    // decode()'s verdict (error, handle, counts, status) for a page that is stored and decoded
    // again later: with limits.strict_towers off a tower cannot fail the page, so towers are
    // skipped (the entries' interfaces and bindings are left empty).
    result<lookup_page_view> check(std::span<const std::byte> stub, ndr::drep rep, ndr::transfer_syntax syntax,
                                   const decode_limits& limits);
    // Where the last successful decode() or check() found each entry; empty when the stub is
    // too large for 32-bit offsets. Valid until the next call.
    std::span<const entry_offsets> offsets() const noexcept { return offsets_; }
    // The entries of a stub that decoded with these arguments, from that decode's offsets():
    // the same views as decode() gives, without reading the NDR again. Offsets that do not fit
    // the stub are an error, never a read outside it.
    result<std::span<const endpoint_entry_view>> views(std::span<const std::byte> stub, ndr::drep rep,
                                                       ndr::transfer_syntax syntax, const decode_limits& limits,
                                                       std::span<const entry_offsets> at);

private:
    result<lookup_page_view> read(std::span<const std::byte> stub, ndr::drep rep, ndr::transfer_syntax syntax,
                                  const decode_limits& limits, bool towers);
    struct texts
    {
        detail::text_piece annotation;
        detail::binding_pieces where;
    };
    std::vector<endpoint_entry_view> views_;
    std::vector<texts> texts_;
    std::vector<std::uint64_t> referents_;
    std::vector<std::span<const std::byte>> towers_;
    std::vector<entry_offsets> offsets_;
    std::string arena_; // texts rendered (ports, addresses, hex, EBCDIC annotations)
};

// An enumeration's entries kept as the responses that carried them (replay's fast path):
// ept_lookup stubs, decoded again as views when read; other answers' entries owned. Memory is
// the stubs' bytes, not an owning entry (five strings and a vector) per entry.
class entry_pages
{
public:
    // A response that decoded with these arguments into `count` entries (checked by the caller);
    // `at`: that decode's offsets() (16 bytes per entry, under the 28 or more each takes in the
    // stub), or empty to decode it again in full when read.
    void add_lookup(std::span<const std::byte> stub, ndr::drep rep, ndr::transfer_syntax syntax,
                    const decode_limits& limits, std::size_t count, std::span<const entry_offsets> at = {});
    void add(std::vector<endpoint_entry>&& entries);

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    // f(const endpoint_entry_view&) for every entry, in order; `decoder` holds the views.
    template <class F>
    void for_each(lookup_view_decoder& decoder, F&& f) const
    {
        for (const auto& p : pages_)
        {
            if (p.stub.empty())
            {
                for (const auto& e : p.entries) f(view_of(e));
                continue;
            }
            // Decoded once already when the response arrived: read again from where that found
            // each entry, or (no offsets kept) decoded again, the same.
            if (!p.offsets.empty())
            {
                auto views = decoder.views(p.stub, p.rep, p.syntax, p.limits, p.offsets);
                if (!views) continue;
                for (const auto& v : *views) f(v);
                continue;
            }
            auto page = decoder.decode(p.stub, p.rep, p.syntax, p.limits);
            if (!page) continue;
            for (const auto& v : page->entries) f(v);
        }
    }
    std::vector<endpoint_entry> to_entries() const;

private:
    struct page
    {
        std::vector<std::byte> stub; // empty: `entries` holds the page
        ndr::drep rep;
        ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20;
        decode_limits limits;
        std::vector<endpoint_entry> entries;
        std::vector<entry_offsets> offsets; // where the first decode found each entry
    };
    std::vector<page> pages_;
    std::size_t size_ = 0;
};

} // namespace epmdump::epm
