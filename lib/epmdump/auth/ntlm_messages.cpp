#include <epmdump/auth/ntlm_messages.hpp>

#include <epmdump/core/text_encoding.hpp>

#include <boost/endian/conversion.hpp>

#include <algorithm>

namespace epmdump::auth::ntlm {
namespace {

constexpr std::array<std::byte, 8> signature{std::byte{'N'}, std::byte{'T'}, std::byte{'L'}, std::byte{'M'},
                                             std::byte{'S'}, std::byte{'S'}, std::byte{'P'}, std::byte{0}};
constexpr std::uint32_t negotiate_type = 1;
constexpr std::uint32_t challenge_type = 2;
constexpr std::uint32_t authenticate_type = 3;
constexpr std::size_t challenge_fixed = 48; // through TargetInfoFields
constexpr std::size_t authenticate_payload = 88;

std::uint16_t u16_at(std::span<const std::byte> b, std::size_t at) noexcept
{
    return boost::endian::load_little_u16(reinterpret_cast<const unsigned char*>(b.data() + at));
}

std::uint32_t u32_at(std::span<const std::byte> b, std::size_t at) noexcept
{
    return boost::endian::load_little_u32(reinterpret_cast<const unsigned char*>(b.data() + at));
}

void put_u16(std::vector<std::byte>& out, std::uint16_t v)
{
    out.push_back(static_cast<std::byte>(v & 0xFF));
    out.push_back(static_cast<std::byte>(v >> 8));
}

void put_u32(std::vector<std::byte>& out, std::uint32_t v)
{
    put_u16(out, static_cast<std::uint16_t>(v & 0xFFFF));
    put_u16(out, static_cast<std::uint16_t>(v >> 16));
}

void put_u32_at(std::vector<std::byte>& out, std::size_t at, std::uint32_t v)
{
    boost::endian::store_little_u32(reinterpret_cast<unsigned char*>(out.data() + at), v);
}

void put_u16_at(std::vector<std::byte>& out, std::size_t at, std::uint16_t v)
{
    boost::endian::store_little_u16(reinterpret_cast<unsigned char*>(out.data() + at), v);
}

// A field (Len, MaxLen, BufferOffset) read at `at`: its bytes, which must lie in the message.
result<std::span<const std::byte>> field_at(std::span<const std::byte> m, std::size_t at,
                                            std::string_view what) noexcept
{
    const std::size_t length = u16_at(m, at);
    const std::size_t offset = u32_at(m, at + 4);
    if (length == 0) return std::span<const std::byte>{};
    if (offset > m.size() || length > m.size() - offset)
        return codec_error{codec_errc::bad_value, at, what};
    return m.subspan(offset, length);
}

// A field written at `at` (its header) whose bytes are appended to the payload.
void put_field(std::vector<std::byte>& out, std::size_t at, std::span<const std::byte> bytes)
{
    put_u16_at(out, at, static_cast<std::uint16_t>(bytes.size()));
    put_u16_at(out, at + 2, static_cast<std::uint16_t>(bytes.size()));
    put_u32_at(out, at + 4, static_cast<std::uint32_t>(out.size()));
    out.insert(out.end(), bytes.begin(), bytes.end());
}

result<std::vector<av_pair>> decode_av_pairs(std::span<const std::byte> list, std::size_t base,
                                             const challenge_limits& limits) noexcept
{
    std::vector<av_pair> pairs;
    std::size_t at = 0;
    for (;;)
    {
        if (list.size() - at < 4) return codec_error{codec_errc::bad_value, base + at, "AV pair list without MsvAvEOL"};
        const std::uint16_t id = u16_at(list, at);
        const std::size_t length = u16_at(list, at + 2);
        if (id == static_cast<std::uint16_t>(av_id::eol)) return pairs;
        if (list.size() - at - 4 < length) return codec_error{codec_errc::bad_value, base + at + 2, "AV pair length"};
        if (pairs.size() == limits.max_av_pairs) return codec_error{codec_errc::limit_exceeded, base + at, "AV pairs"};
        const auto value = list.subspan(at + 4, length);
        pairs.push_back({id, {value.begin(), value.end()}});
        at += 4 + length;
    }
}

} // namespace

result<challenge_message> decode_challenge(std::span<const std::byte> m, const challenge_limits& limits) noexcept
{
    if (m.size() > limits.max_message) return codec_error{codec_errc::limit_exceeded, 0, "CHALLENGE length"};
    if (m.size() < 12) return codec_error{codec_errc::truncated, m.size(), "NTLMSSP header"};
    if (!std::equal(signature.begin(), signature.end(), m.begin()))
        return codec_error{codec_errc::bad_header, 0, "NTLMSSP signature"};
    if (u32_at(m, 8) != challenge_type) return codec_error{codec_errc::bad_header, 8, "NTLMSSP message type"};
    if (m.size() < challenge_fixed) return codec_error{codec_errc::truncated, m.size(), "CHALLENGE fields"};
    challenge_message c;
    c.flags = u32_at(m, 20);
    std::copy_n(m.begin() + 24, 8, c.server_challenge.begin());
    auto name = field_at(m, 12, "TargetNameFields");
    if (!name) return name.error();
    c.target_name.assign(name->begin(), name->end());
    if (c.flags & negotiate_flag::target_info)
    {
        auto info = field_at(m, 40, "TargetInfoFields");
        if (!info) return info.error();
        const std::size_t base = info->empty() ? 40 : static_cast<std::size_t>(info->data() - m.data());
        auto pairs = decode_av_pairs(*info, base, limits);
        if (!pairs) return pairs.error();
        c.target_info = std::move(*pairs);
    }
    // The Version field is there when the flag says so and the payload starts after it.
    if ((c.flags & negotiate_flag::version) && m.size() >= challenge_fixed + 8)
    {
        c.version.emplace();
        std::copy_n(m.begin() + challenge_fixed, 8, c.version->begin());
    }
    return c;
}

std::optional<std::span<const std::byte>> find_av(std::span<const av_pair> pairs, av_id id) noexcept
{
    for (const auto& p : pairs)
        if (p.id == static_cast<std::uint16_t>(id)) return std::span<const std::byte>{p.value};
    return std::nullopt;
}

std::vector<std::byte> encode_av_pairs(std::span<const av_pair> pairs)
{
    std::vector<std::byte> out;
    for (const auto& p : pairs)
    {
        put_u16(out, p.id);
        put_u16(out, static_cast<std::uint16_t>(p.value.size()));
        out.insert(out.end(), p.value.begin(), p.value.end());
    }
    put_u32(out, 0); // MsvAvEOL, length 0
    return out;
}

std::vector<std::byte> encode_negotiate(std::uint32_t flags)
{
    std::vector<std::byte> out(signature.begin(), signature.end());
    put_u32(out, negotiate_type);
    put_u32(out, flags);
    for (int field = 0; field < 2; ++field) // DomainNameFields, WorkstationFields: empty
    {
        put_u32(out, 0);
        put_u32(out, 0);
    }
    if (flags & negotiate_flag::version) out.insert(out.end(), client_version.begin(), client_version.end());
    return out;
}

std::vector<std::byte> encode_authenticate(const authenticate_message& a)
{
    std::vector<std::byte> out(authenticate_payload);
    std::copy(signature.begin(), signature.end(), out.begin());
    put_u32_at(out, 8, authenticate_type);
    put_field(out, 12, a.lm_response);
    put_field(out, 20, a.nt_response);
    put_field(out, 28, a.domain);
    put_field(out, 36, a.user);
    put_field(out, 44, a.workstation);
    put_field(out, 52, a.encrypted_random_session_key);
    put_u32_at(out, 60, a.flags);
    std::copy(a.version.begin(), a.version.end(), out.begin() + 64);
    std::copy(a.mic.begin(), a.mic.end(), out.begin() + mic_offset);
    return out;
}

std::vector<std::byte> utf16le(std::string_view s) { return encode_utf16le(s); }

} // namespace epmdump::auth::ntlm
