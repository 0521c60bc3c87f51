#include <epmdump/smb2/create.hpp>
#include <epmdump/smb2/detail/wire.hpp>

#include <epmdump/core/text_encoding.hpp>

namespace epmdump::smb2 {
namespace {

constexpr std::size_t create_request_fixed = header_size + 56;
constexpr std::size_t create_response_fixed = header_size + 88;

} // namespace

namespace detail {

result<file_id> read_file_id(byte_cursor& r) noexcept
{
    auto persistent = r.u64("FileId.Persistent");
    auto volatile_id = r.u64("FileId.Volatile");
    if (!volatile_id) return volatile_id.error();
    return file_id{*persistent, *volatile_id};
}

void put_file_id(le_writer& w, const file_id& id)
{
    w.u64(id.persistent);
    w.u64(id.volatile_id);
}

} // namespace detail

std::vector<std::byte> encode_create_request(const header& h, const create_request& r)
{
    const auto name = encode_utf16le(r.name);
    auto out = detail::start_message(h, 56 + name.size());
    detail::le_writer w(out);
    w.u16(57);
    w.u8(0); // SecurityFlags
    w.u8(r.requested_oplock_level);
    w.u32(r.impersonation_level);
    w.u64(0); // SmbCreateFlags
    w.u64(0); // Reserved
    w.u32(r.desired_access);
    w.u32(r.file_attributes);
    w.u32(r.share_access);
    w.u32(r.create_disposition);
    w.u32(r.create_options);
    w.u16(static_cast<std::uint16_t>(create_request_fixed));
    w.u16(static_cast<std::uint16_t>(name.size()));
    w.u32(0); // CreateContextsOffset
    w.u32(0); // CreateContextsLength
    w.bytes(name);
    if (name.empty()) w.u8(0);
    return out;
}

result<create_request> decode_create_request(std::span<const std::byte> message)
{
    auto body = detail::body(message, 57, "CREATE request StructureSize is not 57");
    if (!body) return body.error();
    auto& r = *body;
    create_request out;
    auto security_flags = r.u8("SecurityFlags");
    auto oplock = r.u8("RequestedOplockLevel");
    auto impersonation = r.u32("ImpersonationLevel");
    auto create_flags = r.u64("SmbCreateFlags");
    auto reserved = r.u64("Reserved");
    auto access = r.u32("DesiredAccess");
    auto attributes = r.u32("FileAttributes");
    auto share = r.u32("ShareAccess");
    auto disposition = r.u32("CreateDisposition");
    auto options = r.u32("CreateOptions");
    auto name_offset = r.u16("NameOffset");
    auto name_length = r.u16("NameLength");
    auto contexts_offset = r.u32("CreateContextsOffset");
    auto contexts_length = r.u32("CreateContextsLength");
    if (!contexts_length) return contexts_length.error();
    (void)security_flags, (void)create_flags, (void)reserved;
    out.requested_oplock_level = *oplock;
    out.impersonation_level = *impersonation;
    out.desired_access = *access;
    out.file_attributes = *attributes;
    out.share_access = *share;
    out.create_disposition = *disposition;
    out.create_options = *options;
    if (*name_length % 2 != 0) return codec_error{codec_errc::bad_value, header_size + 46, "NameLength is odd"};
    auto name = detail::buffer_at(message, *name_offset, *name_length, create_request_fixed, header_size + 44, "Name");
    if (!name) return name.error();
    out.name = decode_utf16le(*name);
    auto contexts = detail::buffer_at(message, *contexts_offset, *contexts_length, create_request_fixed,
                                      header_size + 48, "CreateContexts");
    if (!contexts) return contexts.error();
    out.create_contexts = *contexts;
    return out;
}

std::vector<std::byte> encode_create_response(const header& h, const create_response& r)
{
    auto out = detail::start_message(h, 88 + r.create_contexts.size());
    detail::le_writer w(out);
    w.u16(89);
    w.u8(r.oplock_level);
    w.u8(r.flags);
    w.u32(r.create_action);
    w.u64(r.creation_time);
    w.u64(r.last_access_time);
    w.u64(r.last_write_time);
    w.u64(r.change_time);
    w.u64(r.allocation_size);
    w.u64(r.end_of_file);
    w.u32(r.file_attributes);
    w.u32(0);
    detail::put_file_id(w, r.file_id);
    w.u32(r.create_contexts.empty() ? 0 : static_cast<std::uint32_t>(create_response_fixed));
    w.u32(static_cast<std::uint32_t>(r.create_contexts.size()));
    w.bytes(r.create_contexts);
    if (r.create_contexts.empty()) w.u8(0);
    return out;
}

result<create_response> decode_create_response(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 89, "CREATE response StructureSize is not 89");
    if (!body) return body.error();
    auto& r = *body;
    create_response out;
    auto oplock = r.u8("OplockLevel");
    auto flags = r.u8("Flags");
    auto action = r.u32("CreateAction");
    auto t1 = r.u64("CreationTime");
    auto t2 = r.u64("LastAccessTime");
    auto t3 = r.u64("LastWriteTime");
    auto t4 = r.u64("ChangeTime");
    auto allocation = r.u64("AllocationSize");
    auto eof = r.u64("EndofFile");
    auto attributes = r.u32("FileAttributes");
    auto reserved = r.u32("Reserved2");
    if (!reserved) return reserved.error();
    auto id = detail::read_file_id(r);
    if (!id) return id.error();
    auto contexts_offset = r.u32("CreateContextsOffset");
    auto contexts_length = r.u32("CreateContextsLength");
    if (!contexts_length) return contexts_length.error();
    out.oplock_level = *oplock;
    out.flags = *flags;
    out.create_action = *action;
    out.creation_time = *t1;
    out.last_access_time = *t2;
    out.last_write_time = *t3;
    out.change_time = *t4;
    out.allocation_size = *allocation;
    out.end_of_file = *eof;
    out.file_attributes = *attributes;
    out.file_id = *id;
    auto contexts = detail::buffer_at(message, *contexts_offset, *contexts_length, create_response_fixed,
                                      header_size + 80, "CreateContexts");
    if (!contexts) return contexts.error();
    out.create_contexts = *contexts;
    return out;
}

std::vector<std::byte> encode_close_request(const header& h, const close_request& r)
{
    auto out = detail::start_message(h, 24);
    detail::le_writer w(out);
    w.u16(24);
    w.u16(r.flags);
    w.u32(0);
    detail::put_file_id(w, r.file_id);
    return out;
}

result<close_request> decode_close_request(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 24, "CLOSE request StructureSize is not 24");
    if (!body) return body.error();
    auto& r = *body;
    close_request out;
    auto flags = r.u16("Flags");
    auto reserved = r.u32("Reserved");
    if (!reserved) return reserved.error();
    out.flags = *flags;
    auto id = detail::read_file_id(r);
    if (!id) return id.error();
    out.file_id = *id;
    return out;
}

std::vector<std::byte> encode_close_response(const header& h, const close_response& r)
{
    auto out = detail::start_message(h, 60);
    detail::le_writer w(out);
    w.u16(60);
    w.u16(r.flags);
    w.u32(0);
    w.zeros(40); // times and allocation size (zero unless POSTQUERY_ATTRIB)
    w.u64(r.end_of_file);
    w.u32(r.file_attributes);
    return out;
}

result<close_response> decode_close_response(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 60, "CLOSE response StructureSize is not 60");
    if (!body) return body.error();
    auto& r = *body;
    close_response out;
    auto flags = r.u16("Flags");
    auto skipped = r.skip(44, "CLOSE response times");
    if (!skipped) return skipped.error();
    auto eof = r.u64("EndofFile");
    auto attributes = r.u32("FileAttributes");
    if (!attributes) return attributes.error();
    out.flags = *flags;
    out.end_of_file = *eof;
    out.file_attributes = *attributes;
    return out;
}

} // namespace epmdump::smb2
