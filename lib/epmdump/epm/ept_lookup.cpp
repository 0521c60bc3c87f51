#include <epmdump/epm/entry_view.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/twr.hpp>
#include <epmdump/ndr/reader.hpp>

#include <algorithm>

namespace epmdump::epm {

namespace {

// RPC_IF_ID: UUID, u16 major, u16 minor.
result<syntax_id> read_if_id(ndr::reader& in) noexcept
{
    syntax_id s;
    if (auto e = in.read(s.id, s.major, s.minor); !e) return e.error();
    return s;
}

result<std::uint32_t> read_u32(ndr::reader& in) noexcept { return in.u32(); }

} // namespace

void encode_ept_lookup_request(const ept_lookup_request& request, ndr::writer& out)
{
    out.u32(request.inquiry_type);
    // Top-level [ptr] parameters: referent id, then the pointee right away.
    out.pointer(request.object ? 1 : 0);
    if (request.object) out.guid(*request.object);
    out.pointer(request.interface ? 2 : 0);
    if (request.interface)
    {
        out.guid(request.interface->id);
        out.u16(request.interface->major);
        out.u16(request.interface->minor);
    }
    out.u32(request.vers_option);
    write_context_handle(out, request.entry_handle);
    out.u32(request.max_ents);
}

result<ept_lookup_request> decode_ept_lookup_request(std::span<const std::byte> stub, ndr::drep rep,
                                                     ndr::transfer_syntax syntax)
{
    ndr::reader in(stub, rep, syntax);
    ept_lookup_request r;
    auto inquiry = read_u32(in);
    if (!inquiry) return inquiry.error();
    r.inquiry_type = *inquiry;
    auto object_ptr = in.pointer();
    if (!object_ptr) return object_ptr.error();
    if (*object_ptr)
    {
        auto object = in.guid();
        if (!object) return object.error();
        r.object = *object;
    }
    auto if_ptr = in.pointer();
    if (!if_ptr) return if_ptr.error();
    if (*if_ptr)
    {
        auto ifid = read_if_id(in);
        if (!ifid) return ifid.error();
        r.interface = *ifid;
    }
    auto vers = read_u32(in);
    if (!vers) return vers.error();
    r.vers_option = *vers;
    auto handle = read_context_handle(in);
    if (!handle) return handle.error();
    r.entry_handle = *handle;
    auto max_ents = read_u32(in);
    if (!max_ents) return max_ents.error();
    r.max_ents = *max_ents;
    return r;
}

result<ept_lookup_response> decode_ept_lookup_response(std::span<const std::byte> stub, ndr::drep rep,
                                                       ndr::transfer_syntax syntax, const decode_limits& limits)
{
    lookup_view_decoder decoder;
    auto page = decoder.decode(stub, rep, syntax, limits);
    if (!page) return page.error();
    ept_lookup_response r;
    r.entry_handle = page->entry_handle;
    r.num_ents = page->num_ents;
    r.entries.reserve(page->entries.size());
    for (const auto& v : page->entries) r.entries.push_back(to_entry(v));
    r.status = page->status;
    return r;
}

void encode_ept_lookup_response(const ept_lookup_response& response, ndr::writer& out, std::uint32_t max_count)
{
    write_context_handle(out, response.entry_handle);
    const auto count = static_cast<std::uint32_t>(response.entries.size());
    out.u32(count);
    detail::write_varying_array(out, std::max(max_count, count), count);
    const std::size_t align = detail::pointer_alignment(out.syntax());
    std::uint64_t next_referent = 1;
    for (const auto& e : response.entries)
    {
        out.align(align);
        out.guid(e.object);
        out.pointer(e.tower.empty() ? 0 : next_referent++);
        out.varying_string(e.annotation);
    }
    for (const auto& e : response.entries)
        if (!e.tower.empty()) detail::write_twr(out, e.tower);
    out.u32(response.status);
}

} // namespace epmdump::epm
