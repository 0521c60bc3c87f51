#include <epmdump/epm/entry_view.hpp>
#include <epmdump/epm/twr.hpp>
#include <epmdump/ndr/reader.hpp>

#include <limits>

namespace epmdump::epm {

void append_binding(std::string& out, const binding_view& b)
{
    out.reserve(out.size() + b.protseq.size() + b.host.size() + b.endpoint.size() + 3);
    out += b.protseq;
    out += ':';
    out += b.host;
    out += '[';
    out += b.endpoint;
    out += ']';
}

endpoint_entry_view view_of(const endpoint_entry& e) noexcept
{
    return {e.object, e.interface, e.transfer_syntax, e.annotation, {e.where.protseq, e.where.host, e.where.endpoint},
            e.tower, e.ping};
}

endpoint_entry to_entry(const endpoint_entry_view& v)
{
    return {v.object,
            v.interface,
            v.transfer_syntax,
            std::string(v.annotation),
            {std::string(v.where.protseq), std::string(v.where.host), std::string(v.where.endpoint)},
            {v.tower.begin(), v.tower.end()},
            v.ping};
}

result<lookup_page_view> lookup_view_decoder::decode(std::span<const std::byte> stub, ndr::drep rep,
                                                     ndr::transfer_syntax syntax, const decode_limits& limits)
{
    return read(stub, rep, syntax, limits, true);
}

result<lookup_page_view> lookup_view_decoder::check(std::span<const std::byte> stub, ndr::drep rep,
                                                    ndr::transfer_syntax syntax, const decode_limits& limits)
{
    return read(stub, rep, syntax, limits, limits.strict_towers);
}

result<lookup_page_view> lookup_view_decoder::read(std::span<const std::byte> stub, ndr::drep rep,
                                                   ndr::transfer_syntax syntax, const decode_limits& limits, bool towers)
{
    ndr::reader in(stub, rep, syntax);
    lookup_page_view page;
    auto handle = read_context_handle(in);
    if (!handle) return handle.error();
    page.entry_handle = *handle;
    const std::size_t num_at = in.offset();
    auto num_ents = in.u32();
    if (!num_ents) return num_ents.error();
    page.num_ents = *num_ents;

    // entries[]: [out, length_is(*num_ents), size_is(max_ents)] - inline header, no referent id.
    auto array = detail::read_varying_array(in);
    if (!array) return array.error();
    if (array->actual_count != page.num_ents) return codec_error{codec_errc::bad_value, num_at, "num_ents != actual_count"};
    if (page.num_ents > limits.max_entries) return codec_error{codec_errc::limit_exceeded, num_at, "num_ents"};
    const std::size_t count = page.num_ents;
    // Each entry takes at least 16 + pointer + two counts; refuse counts the stub cannot hold
    // before allocating for them.
    const std::size_t min_entry = syntax == ndr::transfer_syntax::ndr64 ? 40 : 28;
    if (count > in.remaining() / min_entry) return codec_error{codec_errc::truncated, in.offset(), "entries"};

    views_.assign(count, {});
    texts_.assign(count, {});
    referents_.assign(count, 0);
    towers_.resize(count);
    offsets_.resize(count);
    arena_.clear();
    const bool ebcdic = rep.character == ndr::char_set::ebcdic;
    const std::size_t align = detail::pointer_alignment(syntax);
    const std::size_t n = in.count_size(); // a pointer's and a count's size
    const std::size_t fixed = 16 + 3 * n;  // object, tower pointer, annotation offset and actual_count
    for (std::size_t i = 0; i < count; ++i)
    {
        result<std::span<const std::byte>> chars;
        // The entry's fixed part, aligned as its struct: one bounds check; field by field when cut.
        if (const auto b = in.block(align, fixed))
        {
            const std::size_t at = in.offset() - fixed;
            offsets_[i].object = static_cast<std::uint32_t>(in.position() - fixed);
            views_[i].object = load_guid(b->first<16>(), rep.integer);
            referents_[i] = in.count_at(*b, 16);
            chars = in.varying_chars_after(in.count_at(*b, 16 + n), at + 16 + n, in.count_at(*b, 16 + 2 * n),
                                           at + 16 + 2 * n, limits.max_annotation);
        }
        else
        {
            if (auto a = in.align(align); !a) return a.error();
            offsets_[i].object = static_cast<std::uint32_t>(in.position());
            auto object = in.guid();
            if (!object) return object.error();
            views_[i].object = *object;
            auto tower_ptr = in.pointer();
            if (!tower_ptr) return tower_ptr.error();
            referents_[i] = *tower_ptr;
            chars = in.varying_chars(limits.max_annotation);
        }
        if (!chars) return chars.error();
        offsets_[i].annotation_size = static_cast<std::uint32_t>(chars->size());
        if (!ebcdic)
        {
            texts_[i].annotation = {reinterpret_cast<const char*>(chars->data()), 0, chars->size()};
            continue;
        }
        texts_[i].annotation = {nullptr, arena_.size(), chars->size()};
        for (auto c : *chars) arena_ += ndr::ebcdic_to_ascii(std::to_integer<std::uint8_t>(c));
    }
    if (auto towers = detail::read_towers(in, referents_, limits, towers_); !towers) return towers.error();
    detail::tower_view decoded_tower;
    for (std::size_t i = 0; i < count; ++i)
    {
        if (!referents_[i]) continue;
        const auto tower = towers_[i];
        views_[i].tower = tower;
        offsets_[i].tower = static_cast<std::uint32_t>(tower.data() - stub.data());
        offsets_[i].tower_size = static_cast<std::uint32_t>(tower.size());
        if (!towers || (tower.empty() && !limits.strict_towers)) continue;
        if (auto decoded = detail::decode_tower_view(tower, arena_, decoded_tower); !decoded)
        {
            // Not strict: the entry keeps its raw octets and an empty binding.
            if (!limits.strict_towers) continue;
            auto e = decoded.error();
            e.offset += static_cast<std::size_t>(tower.data() - stub.data());
            return e;
        }
        views_[i].interface = decoded_tower.interface;
        views_[i].transfer_syntax = decoded_tower.transfer_syntax;
        texts_[i].where = decoded_tower.where;
    }
    auto status = in.u32();
    if (!status) return status.error();
    page.status = *status;
    // The arena is complete: its texts can be viewed now.
    for (std::size_t i = 0; i < count; ++i)
    {
        const auto& t = texts_[i];
        views_[i].annotation = t.annotation.in(arena_);
        views_[i].where = {t.where.protseq.in(arena_), t.where.host.in(arena_), t.where.endpoint.in(arena_)};
    }
    page.entries = views_;
    if (stub.size() > std::numeric_limits<std::uint32_t>::max()) offsets_.clear(); // they would not fit
    return page;
}

result<std::span<const endpoint_entry_view>> lookup_view_decoder::views(std::span<const std::byte> stub,
                                                                        ndr::drep rep, ndr::transfer_syntax syntax,
                                                                        const decode_limits& limits,
                                                                        std::span<const entry_offsets> at)
{
    const std::size_t count = at.size();
    views_.assign(count, {});
    texts_.assign(count, {});
    arena_.clear();
    const bool ebcdic = rep.character == ndr::char_set::ebcdic;
    const std::size_t fixed = 16 + 3 * (syntax == ndr::transfer_syntax::ndr64 ? 8 : 4);
    detail::tower_view decoded_tower;
    for (std::size_t i = 0; i < count; ++i)
    {
        const auto& o = at[i];
        // 64-bit sums of 32-bit offsets cannot wrap: a bad offset is refused, never read.
        const std::uint64_t annotation_end = std::uint64_t{o.object} + fixed + o.annotation_size;
        if (annotation_end > stub.size() || std::uint64_t{o.tower} + o.tower_size > stub.size())
            return codec_error{codec_errc::bad_value, o.object, "entry offsets outside the stub"};
        views_[i].object = load_guid(stub.subspan(o.object).first<16>(), rep.integer);
        const auto chars = stub.subspan(o.object + fixed, o.annotation_size);
        if (!ebcdic)
            texts_[i].annotation = {reinterpret_cast<const char*>(chars.data()), 0, chars.size()};
        else
        {
            texts_[i].annotation = {nullptr, arena_.size(), chars.size()};
            for (auto c : chars) arena_ += ndr::ebcdic_to_ascii(std::to_integer<std::uint8_t>(c));
        }
        if (o.tower_size == 0) continue; // no tower, or an empty one: no binding either way
        const auto tower = stub.subspan(o.tower, o.tower_size);
        views_[i].tower = tower;
        if (auto decoded = detail::decode_tower_view(tower, arena_, decoded_tower); !decoded)
        {
            if (!limits.strict_towers) continue; // as decode(): raw octets, empty binding
            auto e = decoded.error();
            e.offset += o.tower;
            return e;
        }
        views_[i].interface = decoded_tower.interface;
        views_[i].transfer_syntax = decoded_tower.transfer_syntax;
        texts_[i].where = decoded_tower.where;
    }
    for (std::size_t i = 0; i < count; ++i)
    {
        const auto& t = texts_[i];
        views_[i].annotation = t.annotation.in(arena_);
        views_[i].where = {t.where.protseq.in(arena_), t.where.host.in(arena_), t.where.endpoint.in(arena_)};
    }
    return std::span<const endpoint_entry_view>(views_);
}

void entry_pages::add_lookup(std::span<const std::byte> stub, ndr::drep rep, ndr::transfer_syntax syntax,
                             const decode_limits& limits, std::size_t count, std::span<const entry_offsets> at)
{
    if (count == 0) return;
    std::vector<entry_offsets> offsets;
    if (at.size() == count) offsets.assign(at.begin(), at.end()); // else decoded in full again
    pages_.push_back({{stub.begin(), stub.end()}, rep, syntax, limits, {}, std::move(offsets)});
    size_ += count;
}

void entry_pages::add(std::vector<endpoint_entry>&& entries)
{
    if (entries.empty()) return;
    size_ += entries.size();
    pages_.push_back({{}, {}, ndr::transfer_syntax::ndr20, {}, std::move(entries), {}});
}

std::vector<endpoint_entry> entry_pages::to_entries() const
{
    std::vector<endpoint_entry> out;
    out.reserve(size_);
    lookup_view_decoder decoder;
    for_each(decoder, [&](const endpoint_entry_view& v) { out.push_back(to_entry(v)); });
    return out;
}

} // namespace epmdump::epm
