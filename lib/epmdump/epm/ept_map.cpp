#include <epmdump/epm/ept_map.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/tower.hpp>
#include <epmdump/epm/twr.hpp>
#include <epmdump/ndr/reader.hpp>

#include <algorithm>

namespace epmdump::epm {

result<ept_map_request> make_ept_map_request(const syntax_id& interface, std::string_view protseq,
                                             std::uint32_t max_towers)
{
    auto tower = encode_tower(interface, dcerpc::ndr20_syntax(), binding{std::string(protseq), {}, {}});
    if (!tower) return tower.error();
    ept_map_request r;
    r.map_tower = std::move(*tower);
    r.max_towers = max_towers;
    return r;
}

void encode_ept_map_request(const ept_map_request& request, ndr::writer& out)
{
    out.pointer(request.object ? 1 : 0);
    if (request.object) out.guid(*request.object);
    out.pointer(request.map_tower ? 2 : 0);
    if (request.map_tower) detail::write_twr(out, *request.map_tower);
    out.align(4);
    write_context_handle(out, request.entry_handle);
    out.u32(request.max_towers);
}

result<ept_map_request> decode_ept_map_request(std::span<const std::byte> stub, ndr::drep rep,
                                               ndr::transfer_syntax syntax, const decode_limits& limits)
{
    // Fields are read into plain locals and the request is built once at the end.
    ndr::reader in(stub, rep, syntax);
    std::optional<uuid> object;
    auto object_ptr = in.pointer();
    if (!object_ptr) return object_ptr.error();
    if (*object_ptr)
    {
        auto id = in.guid();
        if (!id) return id.error();
        object = *id;
    }
    std::optional<std::span<const std::byte>> tower;
    auto tower_ptr = in.pointer();
    if (!tower_ptr) return tower_ptr.error();
    if (*tower_ptr)
    {
        auto octets = detail::read_twr(in, limits);
        if (!octets) return octets.error();
        tower = *octets;
    }
    auto handle = read_context_handle(in);
    if (!handle) return handle.error();
    auto max_towers = in.u32();
    if (!max_towers) return max_towers.error();
    return result<ept_map_request>(boost::system::in_place_value,
                                   ept_map_request{object,
                                                   tower ? std::optional<std::vector<std::byte>>(
                                                               std::in_place, tower->begin(), tower->end())
                                                         : std::nullopt,
                                                   *handle, *max_towers});
}

result<ept_map_response> decode_ept_map_response(std::span<const std::byte> stub, ndr::drep rep,
                                                 ndr::transfer_syntax syntax, const decode_limits& limits)
{
    ndr::reader in(stub, rep, syntax);
    ept_map_response r;
    auto handle = read_context_handle(in);
    if (!handle) return handle.error();
    r.entry_handle = *handle;
    const std::size_t num_at = in.offset();
    auto num_towers = in.u32();
    if (!num_towers) return num_towers.error();
    r.num_towers = *num_towers;

    // towers[]: [out, length_is(*num_towers), size_is(max_towers)] twr_p_t - inline header.
    auto array = detail::read_varying_array(in);
    if (!array) return array.error();
    if (array->actual_count != r.num_towers)
        return codec_error{codec_errc::bad_value, num_at, "num_towers != actual_count"};
    if (r.num_towers > limits.max_entries) return codec_error{codec_errc::limit_exceeded, num_at, "num_towers"};
    const std::size_t count = r.num_towers;
    const std::size_t pointer_size = syntax == ndr::transfer_syntax::ndr64 ? 8 : 4;
    if (count > in.remaining() / pointer_size) return codec_error{codec_errc::truncated, in.offset(), "towers"};

    std::vector<std::uint64_t> referents(count);
    for (auto& referent : referents)
    {
        auto p = in.pointer();
        if (!p) return p.error();
        referent = *p;
    }
    auto towers = detail::read_towers(in, referents, limits);
    if (!towers) return towers.error();
    r.towers.resize(count);
    for (std::size_t i = 0; i < count; ++i)
    {
        if (!referents[i]) continue;
        const auto tower = (*towers)[i];
        const auto at = static_cast<std::size_t>(tower.data() - stub.data());
        if (auto f = detail::fill_from_tower(r.towers[i], tower, at, limits); !f) return f.error();
    }
    auto status = in.u32();
    if (!status) return status.error();
    r.status = *status;
    return r;
}

void encode_ept_map_response(const ept_map_response& response, ndr::writer& out, std::uint32_t max_count)
{
    write_context_handle(out, response.entry_handle);
    const auto count = static_cast<std::uint32_t>(response.towers.size());
    out.u32(count);
    detail::write_varying_array(out, std::max(max_count, count), count);
    std::uint64_t next_referent = 3; // after the request's 1 and 2, as Windows numbers them
    for (const auto& t : response.towers) out.pointer(t.tower.empty() ? 0 : next_referent++);
    for (const auto& t : response.towers)
        if (!t.tower.empty()) detail::write_twr(out, t.tower);
    out.u32(response.status);
}

} // namespace epmdump::epm
