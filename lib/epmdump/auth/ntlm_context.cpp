#include <epmdump/auth/ntlm_context.hpp>

#include <epmdump/auth/ntlm_messages.hpp>

#include <boost/endian/conversion.hpp>

#include <chrono>
#include <exception>

namespace epmdump::auth::ntlm {
namespace {

namespace nf = negotiate_flag;

// What we ask for: NTLMv2 with extended session security, a key of our own (KEY_EXCH), 128-bit
// keys, sign and seal (the level decides which the session uses), and the Version field the
// MIC's position depends on.
constexpr std::uint32_t client_flags = nf::unicode | nf::oem | nf::request_target | nf::sign | nf::seal | nf::ntlm |
                                       nf::always_sign | nf::extended_session_security | nf::version | nf::key_128 |
                                       nf::key_exch | nf::key_56;
// What the server must grant: anything less is a downgrade we refuse.
constexpr std::uint32_t required_flags =
    nf::unicode | nf::extended_session_security | nf::target_info | nf::key_128 | nf::key_exch;

// At level connect no PDU is signed: asking for NEGOTIATE_SIGN/SEAL anyway made Samba's AD DC fault
// the first call (0x1), as it did for Kerberos with integrity and confidentiality in the AP-REQ.
std::uint32_t requested_flags(epm::auth_level level) noexcept
{
    return level <= epm::auth_level::connect ? client_flags & ~(nf::sign | nf::seal) : client_flags;
}

client::auth_failure failure(epm::auth_errc reason, std::string detail)
{
    return {reason, "NTLM: " + std::move(detail)};
}

std::uint64_t filetime_now()
{
    // FILETIME: 100 ns ticks since 1601-01-01; the Unix epoch is 11644473600 s later.
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    const auto ticks = std::chrono::duration_cast<std::chrono::duration<std::int64_t, std::ratio<1, 10'000'000>>>(since_epoch);
    return static_cast<std::uint64_t>(ticks.count()) + 116'444'736'000'000'000ULL;
}

std::string missing_flags(std::uint32_t missing)
{
    std::string words;
    const auto add = [&](std::uint32_t flag, const char* word) {
        if (!(missing & flag)) return;
        if (!words.empty()) words += ", ";
        words += word;
    };
    add(nf::unicode, "Unicode");
    add(nf::extended_session_security, "extended session security");
    add(nf::target_info, "target information (NTLMv2)");
    add(nf::key_128, "128-bit keys");
    add(nf::key_exch, "key exchange");
    return words;
}

} // namespace

std::string principal_of(const identity& who)
{
    return who.domain.empty() ? who.user : who.domain + "\\" + who.user;
}

context::context(std::shared_ptr<const identity> who, std::optional<fixed_inputs> fixed)
    : who_(std::move(who)), fixed_(fixed)
{
}

context::~context()
{
    if (fixed_)
    {
        cleanse(fixed_->exported_session_key);
        cleanse(fixed_->client_challenge);
    }
}

std::string context::principal() const
{
    return principal_of(*who_);
}

client::auth_result<context::leg> context::step(std::span<const std::byte> server_token)
{
    try
    {
        switch (state_)
        {
        case state::start:
            negotiate_ = encode_negotiate(requested_flags(level_));
            state_ = state::sent_negotiate;
            return leg{negotiate_, false};
        case state::sent_negotiate: {
            auto r = authenticate(server_token);
            state_ = r ? state::established : state::failed;
            return r;
        }
        case state::established:
        case state::failed:
            break;
        }
        return failure(epm::auth_errc::mechanism_failed, "no leg after AUTHENTICATE");
    }
    catch (const std::exception& e)
    {
        state_ = state::failed;
        return failure(epm::auth_errc::mechanism_failed, e.what());
    }
}

client::auth_result<context::leg> context::authenticate(std::span<const std::byte> token)
{
    const crypto& c = *who_->primitives;
    auto challenge = decode_challenge(token);
    if (!challenge) return failure(epm::auth_errc::mechanism_failed, "the server's CHALLENGE: " + challenge.error().message());
    if (const std::uint32_t missing = required_flags & ~challenge->flags)
        return failure(epm::auth_errc::mechanism_failed, "the server did not grant " + missing_flags(missing) +
                                                             "; a weaker NTLM is refused");
    flags_ = requested_flags(level_) & challenge->flags;

    // The server's AV pairs, with MsvAvFlags saying a MIC follows when the server sent its time
    // ([MS-NLMP] 3.1.5.1.2): then its time is ours and LmChallengeResponse is zeros.
    auto pairs = challenge->target_info;
    const auto server_time = find_av(pairs, av_id::timestamp);
    const bool mic = server_time && server_time->size() == 8;
    std::uint64_t time = fixed_ ? fixed_->filetime : filetime_now();
    if (mic)
    {
        time = boost::endian::load_little_u64(reinterpret_cast<const unsigned char*>(server_time->data()));
        std::uint32_t av_flags = 0;
        std::erase_if(pairs, [&](const av_pair& p) {
            if (p.id != static_cast<std::uint16_t>(av_id::flags)) return false;
            if (p.value.size() == 4)
                av_flags = boost::endian::load_little_u32(reinterpret_cast<const unsigned char*>(p.value.data()));
            return true;
        });
        av_flags |= av_flag_mic_present;
        av_pair flags_pair{static_cast<std::uint16_t>(av_id::flags), std::vector<std::byte>(4)};
        boost::endian::store_little_u32(reinterpret_cast<unsigned char*>(flags_pair.value.data()), av_flags);
        pairs.push_back(std::move(flags_pair));
    }
    const auto av_bytes = encode_av_pairs(pairs);

    std::array<std::byte, 8> client_challenge{};
    std::array<std::byte, 16> exported{};
    if (fixed_)
    {
        client_challenge = fixed_->client_challenge;
        exported = fixed_->exported_session_key;
    }
    else if (!c.random(client_challenge) || !c.random(exported))
        return failure(epm::auth_errc::mechanism_failed, "OpenSSL's random generator failed");

    const secret response_key = ntowf_v2(c, who_->nt_hash.bytes(), who_->user, who_->domain);
    auto response = compute_ntlmv2(c, response_key.bytes(), challenge->server_challenge, client_challenge, time,
                                   av_bytes, mic);

    // KEY_EXCH: our random key, RC4-encrypted with KeyExchangeKey (the session base key with
    // NTLMv2), so a server cannot choose the keys we sign and seal with.
    authenticate_message a;
    a.flags = flags_;
    a.lm_response = std::move(response.lm_response);
    a.nt_response = std::move(response.nt_response);
    a.domain = utf16le(who_->domain);
    a.user = utf16le(who_->user);
    a.encrypted_random_session_key.assign(exported.begin(), exported.end());
    c.rc4_once(response.session_base_key.bytes(), a.encrypted_random_session_key);
    a.version = client_version;
    auto message = encode_authenticate(a);
    if (mic)
    {
        const std::span<const std::byte> parts[] = {negotiate_, token, message};
        const auto code = c.hmac_md5(exported, parts);
        std::copy(code.begin(), code.end(), message.begin() + mic_offset);
    }
    negotiate_.clear();

    client_.emplace(c, client_keys(c, exported), (flags_ & nf::key_exch) != 0);
    server_.emplace(c, server_keys(c, exported), (flags_ & nf::key_exch) != 0);
    exported_ = secret(std::span<const std::byte>(exported));
    cleanse(exported);
    return leg{std::move(message), true};
}

client::auth_result<void> context::protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                                           std::span<const std::byte> trailer, std::span<std::byte> signature)
{
    if (state_ != state::established || !client_) return failure(epm::auth_errc::mechanism_failed, "not established");
    if (signature.size() != signature_size) return failure(epm::auth_errc::mechanism_failed, "signature buffer size");
    try
    {
        // DCE/RPC signs the PDU from its header to the sec_trailer and seals the stub only.
        const std::span<const std::byte> parts[] = {header, body, trailer};
        const auto s = seal ? client_->seal(body, parts) : client_->sign(parts);
        std::copy(s.begin(), s.end(), signature.begin());
        return {};
    }
    catch (const std::exception& e)
    {
        return failure(epm::auth_errc::mechanism_failed, e.what());
    }
}

client::auth_result<void> context::unprotect(bool sealed, std::span<const std::byte> header, std::span<std::byte> body,
                                             std::span<const std::byte> trailer, std::span<const std::byte> signature)
{
    if (state_ != state::established || !server_) return failure(epm::auth_errc::mechanism_failed, "not established");
    try
    {
        const std::span<const std::byte> parts[] = {header, body, trailer};
        const bool ok = sealed ? server_->unseal(body, parts, signature) : server_->verify(parts, signature);
        if (!ok) return failure(epm::auth_errc::bad_verifier, "the server's signature does not verify");
        return {};
    }
    catch (const std::exception& e)
    {
        return failure(epm::auth_errc::mechanism_failed, e.what());
    }
}

client::auth_result<std::array<std::byte, signature_size>> context::sign_mech_list_mic(std::span<const std::byte> message)
{
    if (state_ != state::established || !client_) return failure(epm::auth_errc::mechanism_failed, "not established");
    try
    {
        const std::span<const std::byte> parts[] = {message};
        const auto mic = client_->sign(parts);
        client_->reset_handle();
        return mic;
    }
    catch (const std::exception& e)
    {
        return failure(epm::auth_errc::mechanism_failed, e.what());
    }
}

client::auth_result<void> context::verify_mech_list_mic(std::span<const std::byte> message,
                                                        std::span<const std::byte> signature)
{
    if (state_ != state::established || !server_) return failure(epm::auth_errc::mechanism_failed, "not established");
    try
    {
        const std::span<const std::byte> parts[] = {message};
        const bool ok = server_->verify(parts, signature);
        server_->reset_handle();
        if (!ok) return failure(epm::auth_errc::bad_verifier, "the server's mechListMIC does not verify");
        return {};
    }
    catch (const std::exception& e)
    {
        return failure(epm::auth_errc::mechanism_failed, e.what());
    }
}

} // namespace epmdump::auth::ntlm
