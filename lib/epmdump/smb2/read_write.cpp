#include <epmdump/smb2/detail/wire.hpp>
#include <epmdump/smb2/read_write.hpp>

namespace epmdump::smb2 {
namespace {
constexpr std::size_t read_response_fixed = header_size + 16;
constexpr std::size_t write_request_fixed = header_size + 48;
} // namespace

std::vector<std::byte> encode_read_request(const header& h, const read_request& r)
{
    auto out = detail::start_message(h, 49);
    detail::le_writer w(out);
    w.u16(49);
    w.u8(r.padding);
    w.u8(r.flags);
    w.u32(r.length);
    w.u64(r.offset);
    detail::put_file_id(w, r.file_id);
    w.u32(r.minimum_count);
    w.u32(r.channel);
    w.u32(r.remaining_bytes);
    w.u16(0); // ReadChannelInfoOffset
    w.u16(0); // ReadChannelInfoLength
    w.u8(0);  // Buffer: one octet even when empty
    return out;
}

result<read_request> decode_read_request(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 49, "READ request StructureSize is not 49");
    if (!body) return body.error();
    auto& r = *body;
    read_request out;
    auto padding = r.u8("Padding");
    auto flags = r.u8("Flags");
    auto length = r.u32("Length");
    auto offset = r.u64("Offset");
    if (!offset) return offset.error();
    auto id = detail::read_file_id(r);
    if (!id) return id.error();
    auto minimum = r.u32("MinimumCount");
    auto channel = r.u32("Channel");
    auto remaining = r.u32("RemainingBytes");
    auto info = r.u32("ReadChannelInfo");
    if (!info) return info.error();
    out.padding = *padding;
    out.flags = *flags;
    out.length = *length;
    out.offset = *offset;
    out.file_id = *id;
    out.minimum_count = *minimum;
    out.channel = *channel;
    out.remaining_bytes = *remaining;
    return out;
}

std::vector<std::byte> encode_read_response(const header& h, const read_response& r)
{
    const std::size_t data_at = std::max<std::size_t>(r.data_offset, read_response_fixed);
    auto out = detail::start_message(h, 16 + r.data.size());
    detail::le_writer w(out);
    w.u16(17);
    w.u8(static_cast<std::uint8_t>(data_at));
    w.u8(0);
    w.u32(static_cast<std::uint32_t>(r.data.size()));
    w.u32(r.data_remaining);
    w.u32(0);
    w.zeros(data_at - read_response_fixed);
    w.bytes(r.data);
    if (r.data.empty()) w.u8(0);
    return out;
}

result<read_response> decode_read_response(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 17, "READ response StructureSize is not 17");
    if (!body) return body.error();
    auto& r = *body;
    read_response out;
    auto offset = r.u8("DataOffset");
    auto reserved = r.u8("Reserved");
    auto length = r.u32("DataLength");
    auto remaining = r.u32("DataRemaining");
    auto flags = r.u32("Flags");
    if (!flags) return flags.error();
    (void)reserved;
    out.data_offset = *offset;
    out.data_remaining = *remaining;
    auto data = detail::buffer_at(message, *offset, *length, read_response_fixed, header_size + 2, "Data");
    if (!data) return data.error();
    out.data = *data;
    return out;
}

std::vector<std::byte> encode_write_request(const header& h, const write_request& r)
{
    auto out = detail::start_message(h, 48 + r.data.size());
    detail::le_writer w(out);
    w.u16(49);
    w.u16(static_cast<std::uint16_t>(write_request_fixed));
    w.u32(static_cast<std::uint32_t>(r.data.size()));
    w.u64(r.offset);
    detail::put_file_id(w, r.file_id);
    w.u32(r.channel);
    w.u32(r.remaining_bytes);
    w.u16(0); // WriteChannelInfoOffset
    w.u16(0); // WriteChannelInfoLength
    w.u32(r.flags);
    w.bytes(r.data);
    if (r.data.empty()) w.u8(0);
    return out;
}

result<write_request> decode_write_request(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 49, "WRITE request StructureSize is not 49");
    if (!body) return body.error();
    auto& r = *body;
    write_request out;
    auto data_offset = r.u16("DataOffset");
    auto length = r.u32("Length");
    auto offset = r.u64("Offset");
    if (!offset) return offset.error();
    auto id = detail::read_file_id(r);
    if (!id) return id.error();
    auto channel = r.u32("Channel");
    auto remaining = r.u32("RemainingBytes");
    auto info = r.u32("WriteChannelInfo");
    auto flags = r.u32("Flags");
    if (!flags) return flags.error();
    (void)info;
    out.offset = *offset;
    out.file_id = *id;
    out.channel = *channel;
    out.remaining_bytes = *remaining;
    out.flags = *flags;
    auto data = detail::buffer_at(message, *data_offset, *length, write_request_fixed, header_size + 2, "Data");
    if (!data) return data.error();
    out.data = *data;
    return out;
}

std::vector<std::byte> encode_write_response(const header& h, const write_response& r)
{
    auto out = detail::start_message(h, 16);
    detail::le_writer w(out);
    w.u16(17);
    w.u16(0);
    w.u32(r.count);
    w.u32(r.remaining);
    w.u16(0);
    w.u16(0);
    return out;
}

result<write_response> decode_write_response(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 17, "WRITE response StructureSize is not 17");
    if (!body) return body.error();
    auto& r = *body;
    write_response out;
    auto reserved = r.u16("Reserved");
    auto count = r.u32("Count");
    auto remaining = r.u32("Remaining");
    if (!remaining) return remaining.error();
    (void)reserved;
    out.count = *count;
    out.remaining = *remaining;
    return out;
}

} // namespace epmdump::smb2
