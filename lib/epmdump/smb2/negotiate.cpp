#include <epmdump/smb2/detail/wire.hpp>
#include <epmdump/smb2/negotiate.hpp>

#include <algorithm>

namespace epmdump::smb2 {
namespace {

constexpr std::uint16_t request_structure_size = 36;
constexpr std::uint16_t response_structure_size = 65;
constexpr std::size_t request_fixed = header_size + 36;  // dialects start here
constexpr std::size_t response_fixed = header_size + 64; // the buffer starts here

void append_context(detail::le_writer& w, context_type type, const std::vector<std::byte>& data)
{
    w.pad_to(8);
    w.u16(static_cast<std::uint16_t>(type));
    w.u16(static_cast<std::uint16_t>(data.size()));
    w.u32(0);
    w.bytes(data);
}

template <class List>
std::vector<std::byte> u16_list(const List& values)
{
    std::vector<std::byte> out;
    detail::le_writer w(out);
    w.u16(static_cast<std::uint16_t>(values.size()));
    for (const auto v : values) w.u16(static_cast<std::uint16_t>(v));
    return out;
}

// Appends the contexts (8-aligned from the header's start), returns how many.
std::uint16_t append_contexts(detail::le_writer& w, const negotiate_contexts& c)
{
    std::uint16_t count = 0;
    if (c.preauth)
    {
        std::vector<std::byte> data;
        detail::le_writer d(data);
        d.u16(static_cast<std::uint16_t>(c.preauth->hash_algorithms.size()));
        d.u16(static_cast<std::uint16_t>(c.preauth->salt.size()));
        for (const auto a : c.preauth->hash_algorithms) d.u16(a);
        d.bytes(c.preauth->salt);
        append_context(w, context_type::preauth_integrity_capabilities, data);
        ++count;
    }
    if (c.ciphers)
    {
        append_context(w, context_type::encryption_capabilities, u16_list(*c.ciphers));
        ++count;
    }
    if (c.signing)
    {
        append_context(w, context_type::signing_capabilities, u16_list(*c.signing));
        ++count;
    }
    for (const auto& other : c.others)
    {
        append_context(w, static_cast<context_type>(other.type), std::vector<std::byte>(other.data.begin(), other.data.end()));
        ++count;
    }
    return count;
}

template <class T>
result<std::vector<T>> read_u16_list(byte_cursor& r, std::string_view what)
{
    auto count = r.u16(what);
    if (!count) return count.error();
    if (*count == 0) return r.error(codec_errc::bad_value, what);
    if (std::size_t{*count} * 2 > r.remaining()) return r.error(codec_errc::truncated, what);
    std::vector<T> out;
    out.reserve(*count);
    for (std::uint16_t i = 0; i < *count; ++i) out.push_back(static_cast<T>(*r.u16(what)));
    return out;
}

} // namespace

result<negotiate_contexts> decode_negotiate_contexts(std::span<const std::byte> bytes, std::uint16_t count,
                                                     std::size_t base)
{
    negotiate_contexts out;
    byte_cursor r(bytes, byte_order::little, base);
    for (std::uint16_t i = 0; i < count; ++i)
    {
        if (i > 0)
        {
            // Contexts start 8-aligned from the message's start; the last one needs no padding after it.
            const std::size_t pad = (8 - r.offset() % 8) % 8;
            if (auto p = r.skip(pad, "negotiate context padding"); !p) return p.error();
        }
        const std::size_t at = r.offset();
        auto type = r.u16("ContextType");
        if (!type) return type.error();
        auto length = r.u16("DataLength");
        if (!length) return length.error();
        if (auto reserved = r.skip(4, "negotiate context Reserved"); !reserved) return reserved.error();
        auto data = r.sub(*length, "negotiate context Data");
        if (!data) return data.error();
        auto& d = *data;
        switch (static_cast<context_type>(*type))
        {
        case context_type::preauth_integrity_capabilities:
        {
            if (out.preauth) return codec_error{codec_errc::bad_value, at, "second preauth integrity context"};
            auto hashes = d.u16("HashAlgorithmCount");
            auto salt_length = d.u16("SaltLength");
            if (!salt_length) return salt_length.error();
            if (*hashes == 0) return codec_error{codec_errc::bad_value, at + 8, "HashAlgorithmCount is 0"};
            if (std::size_t{*hashes} * 2 > d.remaining()) return d.error(codec_errc::truncated, "HashAlgorithms");
            preauth_integrity_capabilities p;
            for (std::uint16_t k = 0; k < *hashes; ++k) p.hash_algorithms.push_back(*d.u16());
            auto salt = d.bytes(*salt_length, "Salt");
            if (!salt) return salt.error();
            p.salt.assign(salt->begin(), salt->end());
            out.preauth = std::move(p);
            break;
        }
        case context_type::encryption_capabilities:
        {
            if (out.ciphers) return codec_error{codec_errc::bad_value, at, "second encryption context"};
            auto list = read_u16_list<cipher>(d, "CipherCount");
            if (!list) return list.error();
            out.ciphers = std::move(*list);
            break;
        }
        case context_type::signing_capabilities:
        {
            if (out.signing) return codec_error{codec_errc::bad_value, at, "second signing context"};
            auto list = read_u16_list<signing_algorithm>(d, "SigningAlgorithmCount");
            if (!list) return list.error();
            out.signing = std::move(*list);
            break;
        }
        default: out.others.push_back({*type, d.rest()}); break;
        }
    }
    return out;
}

std::vector<std::byte> encode_negotiate_request(const header& h, const negotiate_request& r)
{
    auto out = detail::start_message(h, 36 + r.dialects.size() * 2 + 128);
    detail::le_writer w(out);
    const bool contexts = std::find(r.dialects.begin(), r.dialects.end(), dialect::smb3_1_1) != r.dialects.end();
    w.u16(request_structure_size);
    w.u16(static_cast<std::uint16_t>(r.dialects.size()));
    w.u16(r.security_mode);
    w.u16(0);
    w.u32(r.capabilities);
    w.bytes(r.client_guid);
    const std::size_t context_fields = w.size();
    w.u32(0); // NegotiateContextOffset (3.1.1) or ClientStartTime (0)
    w.u16(0); // NegotiateContextCount
    w.u16(0);
    for (const auto d : r.dialects) w.u16(static_cast<std::uint16_t>(d));
    if (contexts)
    {
        w.pad_to(8);
        const auto offset = static_cast<std::uint32_t>(w.size());
        const auto count = append_contexts(w, r.contexts);
        w.patch_u32(context_fields, offset);
        w.patch_u16(context_fields + 4, count);
    }
    return out;
}

result<negotiate_request> decode_negotiate_request(std::span<const std::byte> message)
{
    auto body = detail::body(message, request_structure_size, "NEGOTIATE request StructureSize is not 36");
    if (!body) return body.error();
    auto& r = *body;
    negotiate_request out;
    auto count = r.u16("DialectCount");
    auto mode = r.u16("SecurityMode");
    auto reserved = r.u16("Reserved");
    auto caps = r.u32("Capabilities");
    auto guid = r.bytes<16>("ClientGuid");
    auto context_offset = r.u32("NegotiateContextOffset");
    auto context_count = r.u16("NegotiateContextCount");
    auto reserved2 = r.u16("Reserved2");
    if (!reserved2) return reserved2.error();
    (void)reserved;
    out.security_mode = *mode;
    out.capabilities = *caps;
    std::copy(guid->begin(), guid->end(), out.client_guid.begin());
    if (std::size_t{*count} * 2 > r.remaining()) return r.error(codec_errc::truncated, "Dialects");
    for (std::uint16_t i = 0; i < *count; ++i) out.dialects.push_back(static_cast<dialect>(*r.u16()));
    if (std::find(out.dialects.begin(), out.dialects.end(), dialect::smb3_1_1) != out.dialects.end() && *context_count > 0)
    {
        if (*context_offset < request_fixed + std::size_t{*count} * 2 || *context_offset > message.size())
            return codec_error{codec_errc::bad_value, header_size + 28, "NegotiateContextOffset"};
        auto contexts = decode_negotiate_contexts(message.subspan(*context_offset), *context_count, *context_offset);
        if (!contexts) return contexts.error();
        out.contexts = std::move(*contexts);
    }
    return out;
}

std::vector<std::byte> encode_negotiate_response(const header& h, const negotiate_response& r)
{
    auto out = detail::start_message(h, 64 + r.security_buffer.size() + 128);
    detail::le_writer w(out);
    const bool contexts = r.dialect == dialect::smb3_1_1;
    w.u16(response_structure_size);
    w.u16(r.security_mode);
    w.u16(static_cast<std::uint16_t>(r.dialect));
    const std::size_t count_at = w.size();
    w.u16(0);
    w.bytes(r.server_guid);
    w.u32(r.capabilities);
    w.u32(r.max_transact_size);
    w.u32(r.max_read_size);
    w.u32(r.max_write_size);
    w.u64(r.system_time);
    w.u64(r.server_start_time);
    w.u16(r.security_buffer.empty() ? 0 : static_cast<std::uint16_t>(response_fixed));
    w.u16(static_cast<std::uint16_t>(r.security_buffer.size()));
    const std::size_t offset_at = w.size();
    w.u32(0);
    w.bytes(r.security_buffer);
    if (contexts)
    {
        w.pad_to(8);
        const auto offset = static_cast<std::uint32_t>(w.size());
        const auto count = append_contexts(w, r.contexts);
        w.patch_u32(offset_at, offset);
        w.patch_u16(count_at, count);
    }
    else if (r.security_buffer.empty())
        w.u8(0); // StructureSize 65 counts one octet of buffer
    return out;
}

result<negotiate_response> decode_negotiate_response(std::span<const std::byte> message)
{
    auto body = detail::body(message, response_structure_size, "NEGOTIATE response StructureSize is not 65");
    if (!body) return body.error();
    auto& r = *body;
    negotiate_response out;
    auto mode = r.u16("SecurityMode");
    auto revision = r.u16("DialectRevision");
    auto context_count = r.u16("NegotiateContextCount");
    auto guid = r.bytes<16>("ServerGuid");
    auto caps = r.u32("Capabilities");
    auto transact = r.u32("MaxTransactSize");
    auto read = r.u32("MaxReadSize");
    auto write = r.u32("MaxWriteSize");
    auto time = r.u64("SystemTime");
    auto start = r.u64("ServerStartTime");
    auto sb_offset = r.u16("SecurityBufferOffset");
    auto sb_length = r.u16("SecurityBufferLength");
    auto context_offset = r.u32("NegotiateContextOffset");
    if (!context_offset) return context_offset.error();
    out.security_mode = *mode;
    out.dialect = static_cast<dialect>(*revision);
    std::copy(guid->begin(), guid->end(), out.server_guid.begin());
    out.capabilities = *caps;
    out.max_transact_size = *transact;
    out.max_read_size = *read;
    out.max_write_size = *write;
    out.system_time = *time;
    out.server_start_time = *start;
    auto sb = detail::buffer_at(message, *sb_offset, *sb_length, response_fixed, header_size + 56, "SecurityBuffer");
    if (!sb) return sb.error();
    out.security_buffer = *sb;
    if (out.dialect == dialect::smb3_1_1 && *context_count > 0)
    {
        if (*context_offset < response_fixed || *context_offset > message.size() || *context_offset % 8 != 0)
            return codec_error{codec_errc::bad_value, header_size + 60, "NegotiateContextOffset"};
        auto contexts = decode_negotiate_contexts(message.subspan(*context_offset), *context_count, *context_offset);
        if (!contexts) return contexts.error();
        out.contexts = std::move(*contexts);
    }
    return out;
}

} // namespace epmdump::smb2
