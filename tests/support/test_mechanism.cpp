#include "support/test_mechanism.hpp"

#include <algorithm>
#include <array>

namespace epmdump::test {

namespace {

constexpr std::uint64_t fnv_offset = 0xcbf29ce484222325ull;
constexpr std::uint64_t fnv_prime = 0x100000001b3ull;
constexpr std::string_view mech_key = "epmdump test mechanism key";

void mix(std::uint64_t& h, std::span<const std::byte> bytes)
{
    for (auto b : bytes)
    {
        h ^= std::to_integer<std::uint64_t>(b);
        h *= fnv_prime;
    }
}

void mix(std::uint64_t& h, std::uint64_t value)
{
    for (int i = 0; i < 8; ++i)
    {
        h ^= (value >> (8 * i)) & 0xff;
        h *= fnv_prime;
    }
}

// Two keyed FNV-1a-64 lanes: direction, sequence, then each signed part with its length.
std::array<std::byte, mech_signature_length> digest(bool from_client, std::uint32_t seq,
                                                    std::span<const std::byte> header,
                                                    std::span<const std::byte> body,
                                                    std::span<const std::byte> trailer)
{
    std::array<std::byte, mech_signature_length> out{};
    for (std::uint64_t lane = 0; lane < 2; ++lane)
    {
        std::uint64_t h = fnv_offset ^ lane;
        mix(h, std::as_bytes(std::span(mech_key)));
        mix(h, from_client ? 1 : 2);
        mix(h, seq);
        for (auto part : {header, body, trailer})
        {
            mix(h, part.size());
            mix(h, part);
        }
        for (std::size_t i = 0; i < 8; ++i) out[lane * 8 + i] = static_cast<std::byte>(h >> (8 * i));
    }
    return out;
}

void xor_stream(bool from_client, std::uint32_t seq, std::span<std::byte> body)
{
    for (std::size_t i = 0; i < body.size(); ++i)
    {
        const auto k = static_cast<std::uint8_t>(mech_key[i % mech_key.size()] ^ (from_client ? 0x5a : 0xa5) ^ seq ^ i);
        body[i] ^= static_cast<std::byte>(k);
    }
}

} // namespace

std::vector<std::byte> mech_token(std::string_view text)
{
    const auto b = std::as_bytes(std::span(text));
    return {b.begin(), b.end()};
}

bool is_token(std::span<const std::byte> token, std::string_view text)
{
    const auto b = std::as_bytes(std::span(text));
    return std::equal(token.begin(), token.end(), b.begin(), b.end());
}

void mech_keys::sign(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                     std::span<const std::byte> trailer, std::span<std::byte> signature)
{
    const auto seq = send_seq_++;
    const auto d = digest(client_, seq, header, body, trailer); // over the plaintext, as NTLM does
    std::copy_n(d.begin(), std::min(d.size(), signature.size()), signature.begin());
    if (seal) xor_stream(client_, seq, body);
}

bool mech_keys::verify(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                       std::span<const std::byte> trailer, std::span<const std::byte> signature)
{
    const auto seq = recv_seq_++;
    if (sealed) xor_stream(!client_, seq, body);
    const auto d = digest(!client_, seq, header, body, trailer);
    return signature.size() == d.size() && std::equal(d.begin(), d.end(), signature.begin());
}

client::auth_result<client::security_context::leg> test_context::step(std::span<const std::byte> server_token)
{
    const auto at = legs_++;
    if (settings_.fail_at_leg && *settings_.fail_at_leg == at) return settings_.failure;
    if (at == 0) return leg{mech_token(mech_init), false};
    if (at == 1)
    {
        if (!is_token(server_token, mech_challenge))
            return client::auth_failure{epm::auth_errc::mechanism_failed, "unexpected challenge"};
        if (settings_.legs == mech_legs::auth3) return leg{mech_token(mech_auth3), true};
        return leg{mech_token(mech_alter), false};
    }
    if (at == 2 && settings_.legs == mech_legs::alter && is_token(server_token, mech_done)) return leg{{}, true};
    return client::auth_failure{epm::auth_errc::mechanism_failed, "leg " + std::to_string(at) + " not expected"};
}

std::span<const std::byte> test_context::session_key() const noexcept
{
    const bool complete = legs_ >= (settings_.legs == mech_legs::auth3 ? 2u : 3u);
    return complete ? std::span<const std::byte>(mech_session_key) : std::span<const std::byte>();
}

client::auth_result<void> test_context::protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                                                std::span<const std::byte> trailer, std::span<std::byte> signature)
{
    if (signature.size() != mech_signature_length)
        return client::auth_failure{epm::auth_errc::mechanism_failed, "signature room of the wrong size"};
    keys_.sign(seal, header, body, trailer, signature);
    return {};
}

client::auth_result<void> test_context::unprotect(bool sealed, std::span<const std::byte> header,
                                                  std::span<std::byte> body, std::span<const std::byte> trailer,
                                                  std::span<const std::byte> signature)
{
    if (!keys_.verify(sealed, header, body, trailer, signature))
        return client::auth_failure{epm::auth_errc::bad_verifier, "test mechanism: signature mismatch"};
    return {};
}

client::auth_result<std::unique_ptr<client::security_context>> test_provider::new_context(std::string_view host) const
{
    {
        std::lock_guard lock(mutex_);
        hosts_.emplace_back(host);
    }
    return std::unique_ptr<client::security_context>(std::make_unique<test_context>(settings_));
}

std::vector<std::string> test_provider::hosts() const
{
    std::lock_guard lock(mutex_);
    return hosts_;
}

} // namespace epmdump::test
