#include <epmdump/smb2/detail/wire.hpp>
#include <epmdump/smb2/error_response.hpp>

namespace epmdump::smb2 {

std::vector<std::byte> encode_error_response(const header& h, const error_response& r)
{
    auto out = detail::start_message(h, 8 + r.error_data.size());
    detail::le_writer w(out);
    w.u16(9);
    w.u8(r.context_count);
    w.u8(0);
    w.u32(static_cast<std::uint32_t>(r.error_data.size()));
    w.bytes(r.error_data);
    if (r.error_data.empty()) w.u8(0);
    return out;
}

result<error_response> decode_error_response(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 9, "ERROR response StructureSize is not 9");
    if (!body) return body.error();
    auto& r = *body;
    error_response out;
    auto count = r.u8("ErrorContextCount");
    auto reserved = r.u8("Reserved");
    auto length = r.u32("ByteCount");
    if (!length) return length.error();
    (void)reserved;
    out.context_count = *count;
    auto data = r.bytes(*length, "ErrorData");
    if (!data) return data.error();
    out.error_data = *data;
    return out;
}

} // namespace epmdump::smb2
