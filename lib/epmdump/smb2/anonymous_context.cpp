#include <epmdump/smb2/anonymous_context.hpp>
#include <epmdump/smb2/detail/wire.hpp>

#include <algorithm>
#include <array>

namespace epmdump::smb2 {
namespace {

constexpr std::array<char, 8> ntlmssp_signature{'N', 'T', 'L', 'M', 'S', 'S', 'P', '\0'};
constexpr std::uint32_t negotiate_unicode = 0x00000001;
constexpr std::uint32_t request_target = 0x00000004;
constexpr std::uint32_t negotiate_ntlm = 0x00000200;
constexpr std::uint32_t negotiate_anonymous = 0x00000800;
constexpr std::uint32_t negotiate_always_sign = 0x00008000;
constexpr std::uint32_t negotiate_extended_session_security = 0x00080000;
constexpr std::uint32_t flags = negotiate_unicode | request_target | negotiate_ntlm | negotiate_always_sign |
                                negotiate_extended_session_security;

void put_signature(detail::le_writer& w, std::uint32_t type)
{
    w.bytes(std::as_bytes(std::span(ntlmssp_signature)));
    w.u32(type);
}

void put_field(detail::le_writer& w, std::uint16_t length, std::uint32_t offset)
{
    w.u16(length);
    w.u16(length);
    w.u32(offset);
}

class anonymous_context final : public client::security_context
{
public:
    epm::auth_type type() const noexcept override { return epm::auth_type::ntlm; }

    client::auth_result<leg> step(std::span<const std::byte> server_token) override
    {
        std::vector<std::byte> out;
        detail::le_writer w(out);
        if (legs_ == 0)
        {
            put_signature(w, 1); // NEGOTIATE_MESSAGE
            w.u32(flags);
            put_field(w, 0, 0); // DomainNameFields
            put_field(w, 0, 0); // WorkstationFields
            ++legs_;
            return leg{std::move(out), false};
        }
        if (legs_ == 1)
        {
            if (server_token.size() < 12 || !std::equal(ntlmssp_signature.begin(), ntlmssp_signature.end(),
                                                        reinterpret_cast<const char*>(server_token.data())) ||
                server_token[8] != std::byte{2})
                return client::auth_failure{epm::auth_errc::mechanism_failed,
                                            "the server's answer to an anonymous NTLMSSP negotiate is not a CHALLENGE"};
            constexpr std::uint32_t payload = 64;
            put_signature(w, 3); // AUTHENTICATE_MESSAGE
            put_field(w, 1, payload);     // LmChallengeResponse: Z(1) for anonymous
            put_field(w, 0, payload + 1); // NtChallengeResponse: empty
            put_field(w, 0, payload + 1); // DomainName
            put_field(w, 0, payload + 1); // UserName
            put_field(w, 0, payload + 1); // Workstation
            put_field(w, 0, payload + 1); // EncryptedRandomSessionKey
            w.u32(flags | negotiate_anonymous);
            w.u8(0);
            ++legs_;
            return leg{std::move(out), true};
        }
        return leg{{}, true};
    }

    std::size_t signature_length() const noexcept override { return 0; }
    client::auth_result<void> protect(bool, std::span<const std::byte>, std::span<std::byte>,
                                      std::span<const std::byte>, std::span<std::byte>) override
    {
        return client::auth_failure{epm::auth_errc::mechanism_failed, "an anonymous context protects nothing"};
    }
    client::auth_result<void> unprotect(bool, std::span<const std::byte>, std::span<std::byte>,
                                        std::span<const std::byte>, std::span<const std::byte>) override
    {
        return client::auth_failure{epm::auth_errc::mechanism_failed, "an anonymous context protects nothing"};
    }
    std::string principal() const override { return {}; }

private:
    int legs_ = 0;
};

} // namespace

std::unique_ptr<client::security_context> make_anonymous_context()
{
    return std::make_unique<anonymous_context>();
}

} // namespace epmdump::smb2
