#include <epmdump/mgmt/mgmt.hpp>
#include <epmdump/ndr/reader.hpp>

#include <algorithm>

namespace epmdump::mgmt {

namespace {

constexpr uuid mgmt_uuid = uuid_literal("afa8bd80-7d8a-11c9-bef4-08002b102989");

std::size_t pointer_size(ndr::transfer_syntax s) noexcept { return s == ndr::transfer_syntax::ndr64 ? 8 : 4; }

} // namespace

dcerpc::syntax_id mgmt_interface() noexcept { return dcerpc::syntax_id{mgmt_uuid, 1, 0}; }

result<inq_if_ids_response> decode_inq_if_ids_response(std::span<const std::byte> stub, ndr::drep rep,
                                                       ndr::transfer_syntax syntax)
{
    ndr::reader in(stub, rep, syntax);
    inq_if_ids_response r;
    auto vector_ptr = in.pointer();
    if (!vector_ptr) return vector_ptr.error();
    r.vector_present = *vector_ptr != 0;
    if (r.vector_present)
    {
        // A conformant struct: the array's max_count comes first, then count, then the elements.
        auto max_count = in.count();
        if (!max_count) return max_count.error();
        const std::size_t count_at = in.offset();
        std::uint32_t count = 0;
        if (syntax == ndr::transfer_syntax::ndr64)
        {
            // unsigned32 count stays 4 octets in NDR64; the array that follows aligns to 8.
            auto c = in.u32();
            if (!c) return c.error();
            count = *c;
        }
        else if (auto c = in.u32(); !c)
            return c.error();
        else
            count = *c;
        if (count != *max_count) return codec_error{codec_errc::bad_value, count_at, "if_id_vector count != max_count"};
        // Every element costs at least its pointer: refuse counts the stub cannot hold before allocating.
        if (syntax == ndr::transfer_syntax::ndr64)
            if (auto a = in.align(8); !a) return a.error();
        if (count > in.remaining() / pointer_size(syntax))
            return codec_error{codec_errc::truncated, count_at, "if_id_vector elements"};
        std::vector<std::uint64_t> referents(count);
        for (auto& referent : referents)
        {
            auto p = in.pointer();
            if (!p) return p.error();
            referent = *p;
        }
        r.if_ids.reserve(static_cast<std::size_t>(std::count_if(referents.begin(), referents.end(),
                                                                [](std::uint64_t p) { return p != 0; })));
        for (const auto referent : referents)
        {
            if (referent == 0)
            {
                ++r.null_elements;
                continue;
            }
            dcerpc::syntax_id id;
            if (auto e = in.read(id.id, id.major, id.minor); !e) return e.error();
            r.if_ids.push_back(id);
        }
    }
    auto status = in.u32();
    if (!status) return status.error();
    r.status = *status;
    return r;
}

void encode_inq_if_ids_response(const inq_if_ids_response& response, ndr::writer& out)
{
    out.pointer(response.vector_present ? 0x20000 : 0);
    if (response.vector_present)
    {
        const auto count = static_cast<std::uint32_t>(response.if_ids.size() + response.null_elements);
        out.count(count);
        out.u32(count);
        if (out.syntax() == ndr::transfer_syntax::ndr64) out.align(8);
        std::uint64_t referent = 0x20004;
        for (std::size_t i = 0; i < response.if_ids.size(); ++i, referent += 4) out.pointer(referent);
        for (std::uint32_t i = 0; i < response.null_elements; ++i) out.pointer(0); // NULLs last
        for (const auto& id : response.if_ids)
        {
            out.guid(id.id);
            out.u16(id.major);
            out.u16(id.minor);
        }
    }
    out.u32(response.status);
}

void encode_inq_princ_name_request(const inq_princ_name_request& request, ndr::writer& out)
{
    out.u32(request.authn_proto);
    out.u32(request.princ_name_size);
}

result<inq_princ_name_request> decode_inq_princ_name_request(std::span<const std::byte> stub, ndr::drep rep,
                                                             ndr::transfer_syntax syntax)
{
    ndr::reader in(stub, rep, syntax);
    inq_princ_name_request r;
    if (auto e = in.read(r.authn_proto, r.princ_name_size); !e) return e.error();
    return r;
}

result<inq_princ_name_response> decode_inq_princ_name_response(std::span<const std::byte> stub, ndr::drep rep,
                                                               ndr::transfer_syntax syntax, std::size_t max_chars)
{
    ndr::reader in(stub, rep, syntax);
    inq_princ_name_response r;
    auto max_count = in.count();
    if (!max_count) return max_count.error();
    const std::size_t string_at = in.offset();
    auto text = in.varying_string(max_chars);
    if (!text) return text.error();
    // The string (with its NUL) must fit its own conformance.
    if (!text->empty() && text->size() >= *max_count) return codec_error{codec_errc::bad_value, string_at, "princ_name beyond max_count"};
    r.princ_name = std::move(*text);
    auto status = in.u32();
    if (!status) return status.error();
    r.status = *status;
    return r;
}

void encode_inq_princ_name_response(const inq_princ_name_response& response, ndr::writer& out,
                                    std::uint32_t max_count)
{
    out.count(std::max<std::uint64_t>(max_count, response.princ_name.size() + 1));
    out.varying_string(response.princ_name);
    out.u32(response.status);
}

} // namespace epmdump::mgmt
