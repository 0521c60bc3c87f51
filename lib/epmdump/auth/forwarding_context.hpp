#pragma once
// A security context that hands every call to another one (inner()): the base of the wrappers
// that change one step of a mechanism and nothing else (negotiate's choice, a test's tamperer).
#include <epmdump/session/security_context.hpp>

namespace epmdump::auth {

class forwarding_context : public client::security_context
{
public:
    epm::auth_type type() const noexcept override { return inner().type(); }
    epm::auth_type mechanism() const noexcept override { return inner().mechanism(); }
    client::auth_result<leg> step(std::span<const std::byte> server_token) override { return inner().step(server_token); }
    void set_level(epm::auth_level level) noexcept override { inner().set_level(level); }
    std::size_t signature_length() const noexcept override { return inner().signature_length(); }
    std::size_t verifier_length(bool seal) const noexcept override { return inner().verifier_length(seal); }
    client::auth_result<void> protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                                      std::span<const std::byte> trailer, std::span<std::byte> signature) override
    {
        return inner().protect(seal, header, body, trailer, signature);
    }
    client::auth_result<void> unprotect(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                                        std::span<const std::byte> trailer,
                                        std::span<const std::byte> signature) override
    {
        return inner().unprotect(sealed, header, body, trailer, signature);
    }
    std::string principal() const override { return inner().principal(); }
    std::span<const std::byte> session_key() const noexcept override { return inner().session_key(); }

protected:
    // The context the calls go to; it must outlive each call.
    virtual client::security_context& inner() const noexcept = 0;
};

} // namespace epmdump::auth
