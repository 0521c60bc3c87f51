#include <epmdump/smb2/detail/wire.hpp>
#include <epmdump/smb2/transform.hpp>

#include <algorithm>

namespace epmdump::smb2 {

result<transform_header> decode_transform_header(std::span<const std::byte> frame) noexcept
{
    byte_cursor r(frame, byte_order::little);
    auto id = r.u32("ProtocolId");
    if (!id) return id.error();
    if (*id != transform_protocol_id) return codec_error{codec_errc::bad_header, 0, "ProtocolId is not 0xFD 'SMB'"};
    if (frame.size() < transform_header_size)
        return codec_error{codec_errc::truncated, frame.size(), "TRANSFORM_HEADER"};
    transform_header t;
    auto sig = r.bytes<16>("Signature");
    auto nonce = r.bytes<16>("Nonce");
    auto size = r.u32("OriginalMessageSize");
    auto reserved = r.u16("Reserved");
    auto flags = r.u16("Flags");
    auto session = r.u64("SessionId");
    if (!session) return session.error(); // 52 octets are there: the earlier fields are too
    (void)reserved;
    std::copy(sig->begin(), sig->end(), t.signature.begin());
    std::copy(nonce->begin(), nonce->end(), t.nonce.begin());
    t.original_message_size = *size;
    t.flags = *flags;
    t.session_id = *session;
    if (t.original_message_size != frame.size() - transform_header_size)
        return codec_error{codec_errc::bad_value, 36, "OriginalMessageSize is not what follows the header"};
    return t;
}

void append_transform_header(std::vector<std::byte>& out, const transform_header& t)
{
    detail::le_writer w(out);
    w.u32(transform_protocol_id);
    w.bytes(t.signature);
    w.bytes(t.nonce);
    w.u32(t.original_message_size);
    w.u16(0);
    w.u16(t.flags);
    w.u64(t.session_id);
}

} // namespace epmdump::smb2
