#include <epmdump/smb2/detail/wire.hpp>
#include <epmdump/smb2/tree_connect.hpp>

#include <epmdump/core/text_encoding.hpp>

namespace epmdump::smb2 {

std::string ipc_share_path(std::string_view server)
{
    std::string out = "\\\\";
    out += server;
    out += "\\IPC$";
    return out;
}

std::vector<std::byte> encode_tree_connect_request(const header& h, const tree_connect_request& r)
{
    const auto path = encode_utf16le(r.path);
    auto out = detail::start_message(h, 8 + path.size());
    detail::le_writer w(out);
    w.u16(9);
    w.u16(r.flags);
    w.u16(static_cast<std::uint16_t>(header_size + 8));
    w.u16(static_cast<std::uint16_t>(path.size()));
    w.bytes(path);
    if (path.empty()) w.u8(0);
    return out;
}

result<tree_connect_request> decode_tree_connect_request(std::span<const std::byte> message)
{
    auto body = detail::body(message, 9, "TREE_CONNECT request StructureSize is not 9");
    if (!body) return body.error();
    auto& r = *body;
    tree_connect_request out;
    auto flags = r.u16("Flags");
    auto offset = r.u16("PathOffset");
    auto length = r.u16("PathLength");
    if (!length) return length.error();
    out.flags = *flags;
    auto path = detail::buffer_at(message, *offset, *length, header_size + 8, header_size + 4, "Path");
    if (!path) return path.error();
    out.path = decode_utf16le(*path);
    return out;
}

std::vector<std::byte> encode_tree_connect_response(const header& h, const tree_connect_response& r)
{
    auto out = detail::start_message(h, 16);
    detail::le_writer w(out);
    w.u16(16);
    w.u8(r.share_type);
    w.u8(0);
    w.u32(r.share_flags);
    w.u32(r.capabilities);
    w.u32(r.maximal_access);
    return out;
}

result<tree_connect_response> decode_tree_connect_response(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 16, "TREE_CONNECT response StructureSize is not 16");
    if (!body) return body.error();
    auto& r = *body;
    tree_connect_response out;
    auto type = r.u8("ShareType");
    auto reserved = r.u8("Reserved");
    auto flags = r.u32("ShareFlags");
    auto caps = r.u32("Capabilities");
    auto access = r.u32("MaximalAccess");
    if (!access) return access.error();
    (void)reserved;
    out.share_type = *type;
    out.share_flags = *flags;
    out.capabilities = *caps;
    out.maximal_access = *access;
    return out;
}

} // namespace epmdump::smb2
