#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>

#include <algorithm>

namespace epmdump::dcerpc {

namespace {
// Reserve no more than this up front from an attacker-chosen alloc_hint.
constexpr std::size_t max_reserve = std::size_t{256} * 1024;

codec_error sequence_error(const pdu_frame& f, std::string_view detail) noexcept
{
    return codec_error{codec_errc::fragment_sequence, static_cast<std::size_t>(f.stream_offset), detail};
}

codec_error at_stream(codec_error e, const pdu_frame& f) noexcept
{
    e.offset = static_cast<std::size_t>(f.stream_offset + e.offset);
    return e;
}

struct fragment
{
    std::span<const std::byte> stub;
    std::uint32_t alloc_hint = 0;
    std::uint16_t context_id = 0;
    std::uint16_t opnum = 0;
    std::optional<uuid> object;
};

result<fragment> decode_fragment(const pdu_frame& f) noexcept
{
    if (f.header.type == pdu_type::request)
    {
        auto r = decode_request(f.header, f.bytes);
        if (!r) return at_stream(r.error(), f);
        return fragment{r->stub, r->alloc_hint, r->context_id, r->opnum, r->object};
    }
    auto r = decode_response(f.header, f.bytes);
    if (!r) return at_stream(r.error(), f);
    return fragment{r->stub, r->alloc_hint, r->context_id, 0, std::nullopt};
}
} // namespace

result<std::optional<message>> message_assembler::add(const pdu_frame& f)
{
    const auto& h = f.header;
    if (h.type != pdu_type::request && h.type != pdu_type::response)
    {
        const bool ends_call = h.type == pdu_type::fault || h.type == pdu_type::orphaned || h.type == pdu_type::co_cancel;
        if (ends_call && open_ && open_->call_id == h.call_id) open_.reset();
        message m;
        m.first = h;
        m.type = h.type;
        m.call_id = h.call_id;
        m.fragments = 1;
        m.stream_offset = f.stream_offset;
        m.pdu.assign(f.bytes.begin(), f.bytes.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(f.bytes.size(), h.frag_length)));
        return std::optional<message>{std::move(m)};
    }

    auto frag = decode_fragment(f);
    if (!frag)
    {
        open_.reset();
        return frag.error();
    }
    if (h.first_frag())
    {
        if (open_)
        {
            open_.reset();
            return sequence_error(f, "first fragment while another message is open");
        }
        message m;
        m.first = h;
        m.type = h.type;
        m.call_id = h.call_id;
        m.context_id = frag->context_id;
        m.opnum = frag->opnum;
        m.object = frag->object;
        m.alloc_hint = frag->alloc_hint;
        m.stream_offset = f.stream_offset;
        if (!h.last_frag()) m.stub.reserve(std::min({std::size_t{frag->alloc_hint}, max_message_, max_reserve}));
        open_ = std::move(m);
    }
    else
    {
        if (!open_) return sequence_error(f, "fragment without a first fragment");
        if (h.call_id != open_->call_id)
        {
            open_.reset();
            return sequence_error(f, "fragment of another call_id");
        }
        if (h.type != open_->type)
        {
            open_.reset();
            return sequence_error(f, "fragment of another PTYPE");
        }
    }
    if (frag->stub.size() > max_message_ - open_->stub.size())
    {
        open_.reset();
        return codec_error{codec_errc::limit_exceeded, static_cast<std::size_t>(f.stream_offset), "message size"};
    }
    open_->stub.insert(open_->stub.end(), frag->stub.begin(), frag->stub.end());
    ++open_->fragments;
    if (!h.last_frag()) return std::optional<message>{};
    std::optional<message> done = std::move(open_);
    open_.reset();
    return done;
}

} // namespace epmdump::dcerpc
