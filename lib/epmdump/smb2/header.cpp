#include <epmdump/smb2/detail/wire.hpp>
#include <epmdump/smb2/header.hpp>

namespace epmdump::smb2 {

result<header> decode_header(std::span<const std::byte> message) noexcept
{
    byte_cursor r(message, byte_order::little);
    auto id = r.u32("ProtocolId");
    if (!id) return id.error();
    if (*id != protocol_id) return codec_error{codec_errc::bad_header, 0, "ProtocolId is not 0xFE 'SMB'"};
    auto size = r.u16("StructureSize");
    if (!size) return size.error();
    if (*size != header_size) return codec_error{codec_errc::bad_header, 4, "header StructureSize is not 64"};
    if (message.size() < header_size) return codec_error{codec_errc::truncated, message.size(), "SMB2 header"};
    header h;
    auto charge = r.u16("CreditCharge");
    auto status = r.u32("Status");
    auto cmd = r.u16("Command");
    auto credits = r.u16("CreditRequest/Response");
    auto flags = r.u32("Flags");
    auto next = r.u32("NextCommand");
    auto mid = r.u64("MessageId");
    if (!mid) return mid.error(); // 64 octets are there: the earlier fields are too
    h.credit_charge = *charge;
    h.status = *status;
    h.command = static_cast<command>(*cmd);
    h.credits = *credits;
    h.flags = *flags;
    h.next_command = *next;
    h.message_id = *mid;
    if (h.is_async())
    {
        auto async = r.u64("AsyncId");
        if (!async) return async.error();
        h.async_id = *async;
    }
    else
    {
        auto pid = r.u32("Reserved (process id)");
        auto tid = r.u32("TreeId");
        if (!tid) return tid.error();
        h.process_id = *pid;
        h.tree_id = *tid;
    }
    auto sid = r.u64("SessionId");
    if (!sid) return sid.error();
    h.session_id = *sid;
    auto sig = r.bytes<16>("Signature");
    if (!sig) return sig.error();
    std::copy(sig->begin(), sig->end(), h.signature.begin());
    return h;
}

void append_header(std::vector<std::byte>& out, const header& h)
{
    detail::le_writer w(out);
    w.u32(protocol_id);
    w.u16(header_size);
    w.u16(h.credit_charge);
    w.u32(h.status);
    w.u16(static_cast<std::uint16_t>(h.command));
    w.u16(h.credits);
    w.u32(h.flags);
    w.u32(h.next_command);
    w.u64(h.message_id);
    if (h.is_async())
        w.u64(h.async_id);
    else
    {
        w.u32(h.process_id);
        w.u32(h.tree_id);
    }
    w.u64(h.session_id);
    w.bytes(h.signature);
}

result<std::vector<compound_part>> split_compound(std::span<const std::byte> frame)
{
    std::vector<compound_part> parts;
    std::size_t at = 0;
    for (;;)
    {
        if (parts.size() == max_compound_messages)
            return codec_error{codec_errc::limit_exceeded, at, "more compounded messages than the cap"};
        auto h = decode_header(frame.subspan(at));
        if (!h)
        {
            auto e = h.error();
            e.offset += at;
            return e;
        }
        const std::size_t next = h->next_command;
        if (next == 0)
        {
            parts.push_back({*h, frame.subspan(at), at});
            return parts;
        }
        if (next % 8 != 0 || next < header_size || next > frame.size() - at)
            return codec_error{codec_errc::bad_value, at + 20, "NextCommand not 8-aligned inside the frame"};
        parts.push_back({*h, frame.subspan(at, next), at});
        at += next;
    }
}

namespace detail {

result<byte_cursor> body(std::span<const std::byte> message, std::uint16_t structure_size,
                         std::string_view what) noexcept
{
    if (message.size() < header_size) return codec_error{codec_errc::truncated, message.size(), "SMB2 header"};
    byte_cursor r(message.subspan(header_size), byte_order::little, header_size);
    auto size = r.u16("StructureSize");
    if (!size) return size.error();
    if (*size != structure_size) return codec_error{codec_errc::bad_value, header_size, what};
    // The fixed part is StructureSize rounded down to even (an odd one counts a buffer octet):
    // once it is there, every fixed field a decoder reads is.
    const std::size_t fixed = structure_size & ~std::size_t{1};
    if (r.remaining() < fixed - 2) return codec_error{codec_errc::truncated, message.size(), what};
    return r;
}

result<std::span<const std::byte>> buffer_at(std::span<const std::byte> message, std::size_t offset,
                                             std::size_t length, std::size_t min_offset, std::size_t field_at,
                                             std::string_view what) noexcept
{
    if (length == 0) return std::span<const std::byte>{};
    if (offset < min_offset) return codec_error{codec_errc::bad_value, field_at, what};
    if (offset > message.size() || length > message.size() - offset)
        return codec_error{codec_errc::truncated, field_at, what};
    return message.subspan(offset, length);
}

std::vector<std::byte> start_message(const header& h, std::size_t body_hint)
{
    std::vector<std::byte> out;
    out.reserve(header_size + body_hint);
    append_header(out, h);
    return out;
}

} // namespace detail
} // namespace epmdump::smb2
