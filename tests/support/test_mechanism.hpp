#pragma once
// A deterministic security mechanism for tests, client and server side. It is NOT crypto: the
// "signature" is a keyed 128-bit FNV-1a digest of direction, sequence number, signed header,
// plaintext body and sec_trailer, and "sealing" XORs the body with a key stream. It exists to
// test what the session owns — legs (bind, bind_ack, rpc_auth3 or alter_context), framing,
// padding, fragmentation with the verifier, header signing, level and context checks — with
// a server that really verifies every PDU (tests/support/scripted_server), where a wrong byte
// anywhere fails the round trip. No OpenSSL: the tests build for Windows too.
#include <epmdump/epm/auth_info.hpp>
#include <epmdump/session/security_context.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <array>
#include <vector>

namespace epmdump::test {

// How the legs go after the bind: one rpc_auth3 (Kerberos, NTLM), or one alter_context (SPNEGO).
enum class mech_legs : std::uint8_t { auth3, alter };

// The tokens of each leg, so a server (and a test) can check who said what.
inline constexpr std::string_view mech_init = "TESTMECH-INIT";
inline constexpr std::string_view mech_challenge = "TESTMECH-CHALLENGE";
inline constexpr std::string_view mech_auth3 = "TESTMECH-AUTH3";
inline constexpr std::string_view mech_alter = "TESTMECH-ALTER";
inline constexpr std::string_view mech_done = "TESTMECH-DONE";
inline constexpr std::size_t mech_signature_length = 16;
inline constexpr std::array<std::byte, 16> mech_session_key{
    std::byte{0x5e}, std::byte{0x55}, std::byte{0x10}, std::byte{0x4b}, std::byte{0x45}, std::byte{0x59}, std::byte{0x01},
    std::byte{0x02}, std::byte{0x03}, std::byte{0x04}, std::byte{0x05}, std::byte{0x06}, std::byte{0x07}, std::byte{0x08},
    std::byte{0x09}, std::byte{0x0a}};

std::vector<std::byte> mech_token(std::string_view text);
bool is_token(std::span<const std::byte> token, std::string_view text);

// One side's signing and sealing state. Each direction has its own sequence number and its own
// key stream, so a reflected PDU does not verify.
class mech_keys
{
public:
    explicit mech_keys(bool client) : client_(client) {}
    void sign(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
              std::span<const std::byte> trailer, std::span<std::byte> signature);
    bool verify(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                std::span<const std::byte> trailer, std::span<const std::byte> signature);

private:
    bool client_;
    std::uint32_t send_seq_ = 0;
    std::uint32_t recv_seq_ = 0;
};

struct mech_settings
{
    epm::auth_type type = epm::auth_type::kerberos;
    mech_legs legs = mech_legs::auth3;
    std::string principal = "tester@EPMTEST.LAN";
    // A failure step() returns at this leg (0: the first), as a KDC or GSS-API would.
    std::optional<std::size_t> fail_at_leg;
    client::auth_failure failure{epm::auth_errc::clock_skew, "Clock skew too great"};
};

class test_context final : public client::security_context
{
public:
    explicit test_context(mech_settings s) : settings_(std::move(s)) {}
    epm::auth_type type() const noexcept override { return settings_.type; }
    client::auth_result<leg> step(std::span<const std::byte> server_token) override;
    std::size_t signature_length() const noexcept override { return mech_signature_length; }
    client::auth_result<void> protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                                      std::span<const std::byte> trailer, std::span<std::byte> signature) override;
    client::auth_result<void> unprotect(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                                        std::span<const std::byte> trailer,
                                        std::span<const std::byte> signature) override;
    std::string principal() const override { return settings_.principal; }
    // Once complete, a fixed key (mech_session_key), so an SMB test server can derive what the client does.
    std::span<const std::byte> session_key() const noexcept override;

private:
    mech_settings settings_;
    std::size_t legs_ = 0;
    mech_keys keys_{true};
};

class test_provider final : public client::security_provider
{
public:
    explicit test_provider(mech_settings s) : settings_(std::move(s)) {}
    epm::auth_type type() const noexcept override { return settings_.type; }
    client::auth_result<std::unique_ptr<client::security_context>> new_context(std::string_view host) const override;
    std::string principal() const override { return settings_.principal; }
    std::vector<std::string> hosts() const; // every host a context was made for, in order

private:
    mech_settings settings_;
    mutable std::mutex mutex_;
    mutable std::vector<std::string> hosts_;
};

} // namespace epmdump::test
