#include <epmdump/smb2/detail/wire.hpp>
#include <epmdump/smb2/session_setup.hpp>

namespace epmdump::smb2 {

std::vector<std::byte> encode_session_setup_request(const header& h, const session_setup_request& r)
{
    auto out = detail::start_message(h, 24 + r.security_buffer.size());
    detail::le_writer w(out);
    w.u16(25);
    w.u8(r.flags);
    w.u8(r.security_mode);
    w.u32(r.capabilities);
    w.u32(r.channel);
    w.u16(static_cast<std::uint16_t>(header_size + 24));
    w.u16(static_cast<std::uint16_t>(r.security_buffer.size()));
    w.u64(r.previous_session_id);
    w.bytes(r.security_buffer);
    if (r.security_buffer.empty()) w.u8(0);
    return out;
}

result<session_setup_request> decode_session_setup_request(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 25, "SESSION_SETUP request StructureSize is not 25");
    if (!body) return body.error();
    auto& r = *body;
    session_setup_request out;
    auto flags = r.u8("Flags");
    auto mode = r.u8("SecurityMode");
    auto caps = r.u32("Capabilities");
    auto channel = r.u32("Channel");
    auto offset = r.u16("SecurityBufferOffset");
    auto length = r.u16("SecurityBufferLength");
    auto previous = r.u64("PreviousSessionId");
    if (!previous) return previous.error();
    out.flags = *flags;
    out.security_mode = *mode;
    out.capabilities = *caps;
    out.channel = *channel;
    out.previous_session_id = *previous;
    auto sb = detail::buffer_at(message, *offset, *length, header_size + 24, header_size + 12, "SecurityBuffer");
    if (!sb) return sb.error();
    out.security_buffer = *sb;
    return out;
}

std::vector<std::byte> encode_session_setup_response(const header& h, const session_setup_response& r)
{
    auto out = detail::start_message(h, 8 + r.security_buffer.size());
    detail::le_writer w(out);
    w.u16(9);
    w.u16(r.session_flags);
    w.u16(r.security_buffer.empty() ? 0 : static_cast<std::uint16_t>(header_size + 8));
    w.u16(static_cast<std::uint16_t>(r.security_buffer.size()));
    w.bytes(r.security_buffer);
    if (r.security_buffer.empty()) w.u8(0);
    return out;
}

result<session_setup_response> decode_session_setup_response(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 9, "SESSION_SETUP response StructureSize is not 9");
    if (!body) return body.error();
    auto& r = *body;
    session_setup_response out;
    auto flags = r.u16("SessionFlags");
    auto offset = r.u16("SecurityBufferOffset");
    auto length = r.u16("SecurityBufferLength");
    if (!length) return length.error();
    out.session_flags = *flags;
    auto sb = detail::buffer_at(message, *offset, *length, header_size + 8, header_size + 4, "SecurityBuffer");
    if (!sb) return sb.error();
    out.security_buffer = *sb;
    return out;
}

std::vector<std::byte> encode_logoff(const header& h)
{
    auto out = detail::start_message(h, 4);
    detail::le_writer w(out);
    w.u16(4);
    w.u16(0);
    return out;
}

result<void> decode_logoff(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 4, "LOGOFF StructureSize is not 4");
    if (!body) return body.error();
    if (auto reserved = body->u16("Reserved"); !reserved) return reserved.error();
    return {};
}

} // namespace epmdump::smb2
