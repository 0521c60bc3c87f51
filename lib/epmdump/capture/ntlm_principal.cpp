#include <epmdump/capture/ntlm_principal.hpp>

#include <epmdump/core/byte_cursor.hpp>
#include <epmdump/core/text_encoding.hpp>

#include <algorithm>
#include <array>
#include <cstdint>

namespace epmdump::capture {

namespace {

constexpr std::array<std::byte, 8> signature{std::byte{'N'}, std::byte{'T'}, std::byte{'L'}, std::byte{'M'},
                                             std::byte{'S'}, std::byte{'S'}, std::byte{'P'}, std::byte{0}};
constexpr std::uint32_t message_authenticate = 3;
constexpr std::uint32_t negotiate_unicode = 0x00000001; // NTLMSSP_NEGOTIATE_UNICODE
constexpr std::size_t domain_field = 28;                // DomainNameFields
constexpr std::size_t user_field = 36;                  // UserNameFields
constexpr std::size_t flags_field = 60;                 // NegotiateFlags

// One of the message's (length, max length, offset) fields, as text.
result<std::string> read_field(std::span<const std::byte> message, std::size_t field, bool unicode,
                               std::size_t base, std::string_view name) noexcept
{
    byte_cursor at(message.subspan(field), byte_order::little, base + field);
    auto length = at.u16(name);
    if (!length) return length.error();
    if (auto max = at.u16(name); !max) return max.error();
    auto offset = at.u32(name);
    if (!offset) return offset.error();
    if (*offset > message.size() || *length > message.size() - *offset)
        return codec_error{codec_errc::truncated, base + field, name};
    const auto bytes = message.subspan(*offset, *length);
    if (unicode) return decode_utf16le(bytes);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()); // OEM: kept as bytes
}

} // namespace

result<std::optional<std::string>> ntlm_authenticate_principal(std::span<const std::byte> token) noexcept
{
    auto from = token.begin();
    for (;;)
    {
        const auto found = std::search(from, token.end(), signature.begin(), signature.end());
        if (found == token.end()) return std::optional<std::string>{};
        const auto base = static_cast<std::size_t>(found - token.begin());
        const auto message = token.subspan(base);
        byte_cursor head(message.subspan(signature.size()), byte_order::little, base + signature.size());
        auto type = head.u32("NTLM MessageType");
        if (!type) return type.error();
        if (*type != message_authenticate)
        {
            from = found + 1; // a NEGOTIATE or CHALLENGE: the AUTHENTICATE may follow
            continue;
        }
        if (message.size() < flags_field + 4)
            return codec_error{codec_errc::truncated, base + message.size(), "NTLM AUTHENTICATE header"};
        byte_cursor flags_at(message.subspan(flags_field), byte_order::little, base + flags_field);
        auto flags = flags_at.u32("NTLM NegotiateFlags");
        if (!flags) return flags.error();
        const bool unicode = (*flags & negotiate_unicode) != 0;
        auto domain = read_field(message, domain_field, unicode, base, "NTLM DomainNameFields");
        if (!domain) return domain.error();
        auto user = read_field(message, user_field, unicode, base, "NTLM UserNameFields");
        if (!user) return user.error();
        if (domain->empty()) return std::optional<std::string>{std::move(*user)};
        return std::optional<std::string>{*domain + "\\" + *user};
    }
}

} // namespace epmdump::capture
