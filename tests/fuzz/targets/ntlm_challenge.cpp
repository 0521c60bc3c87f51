// NTLMSSP CHALLENGE messages (decode_challenge) and the NTLM context's answer to them; the same
// input as a SPNEGO negTokenResp (decode_neg_token_resp) and Negotiate-with-NTLM's answer to it.
// Input: the auth_value a server sent in bind_ack / alter_context_resp.
// Property: the AV pairs lie within the input and write back to a list that decodes to the
// same pairs; the context answers with an AUTHENTICATE holding those pairs, or a typed failure.
// A negTokenResp's fields lie within the input and write back to the same token; the SPNEGO
// context answers with a negTokenResp carrying a mechListMIC, or a typed failure.
#include <epmdump/auth/ntlm_context.hpp>
#include <epmdump/auth/ntlm_messages.hpp>
#include <epmdump/auth/spnego_messages.hpp>
#include <epmdump/auth/spnego_ntlm_context.hpp>

#include "fuzz_support.hpp"

#include <algorithm>
#include <string>

using namespace epmdump;
using namespace epmdump::auth::ntlm;

namespace {

// One identity for the whole run: OpenSSL's context is built once.
std::shared_ptr<const identity> fuzz_identity()
{
    static const auto who = [] {
        auto w = std::make_shared<identity>();
        std::string error;
        w->primitives = crypto::make(error);
        if (!w->primitives) ::epmdump::fuzz::property_failed(error.c_str(), __FILE__, __LINE__);
        w->user = "User";
        w->domain = "Domain";
        w->nt_hash = nt_hash_of_password(*w->primitives, "Password");
        return std::shared_ptr<const identity>(w);
    }();
    return who;
}

EPMDUMP_FUZZ_NO_COVERAGE bool contains(std::span<const std::byte> haystack, std::span<const std::byte> needle)
{
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

fixed_inputs fuzz_inputs()
{
    fixed_inputs fixed;
    fixed.client_challenge.fill(std::byte{0xaa});
    fixed.exported_session_key.fill(std::byte{0x55});
    return fixed;
}

void check_spnego(std::span<const std::byte> input)
{
    namespace spnego = epmdump::auth::spnego;
    const auto decoded = spnego::decode_neg_token_resp(input);
    if (!decoded)
    {
        EPMDUMP_FUZZ_CHECK(decoded.error().offset <= input.size());
        EPMDUMP_FUZZ_CHECK(decoded.error().code != codec_errc{});
    }
    else
    {
        const auto size_of = [](const auto& field) { return field ? field->size() : 0; };
        EPMDUMP_FUZZ_CHECK(size_of(decoded->supported_mech) + size_of(decoded->response_token) +
                               size_of(decoded->mech_list_mic) <= input.size());
        // DER has one encoding: what we write back is the input.
        const auto again = spnego::encode_neg_token_resp(*decoded);
        EPMDUMP_FUZZ_CHECK(std::equal(again.begin(), again.end(), input.begin(), input.end()));
    }
    auto ctx = epmdump::auth::make_spnego_ntlm_context(std::make_unique<context>(fuzz_identity(), fuzz_inputs()));
    EPMDUMP_FUZZ_CHECK(ctx->step({}).has_value());
    const auto leg = ctx->step(input);
    if (!leg)
    {
        EPMDUMP_FUZZ_CHECK(!leg.error().detail.empty());
        return;
    }
    EPMDUMP_FUZZ_CHECK(decoded.has_value() && decoded->response_token.has_value());
    EPMDUMP_FUZZ_CHECK(!leg->complete);
    const auto ours = spnego::decode_neg_token_resp(leg->token);
    EPMDUMP_FUZZ_CHECK(ours.has_value() && ours->response_token && ours->mech_list_mic && ours->mech_list_mic->size() == 16);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto input = fuzz::as_bytes(data, size);
    check_spnego(input);
    const auto decoded = decode_challenge(input);
    if (!decoded)
    {
        EPMDUMP_FUZZ_CHECK(decoded.error().offset <= size);
        EPMDUMP_FUZZ_CHECK(decoded.error().code != codec_errc{});
    }
    else
    {
        EPMDUMP_FUZZ_CHECK(decoded->target_name.size() <= size);
        EPMDUMP_FUZZ_CHECK(decoded->target_info.size() <= challenge_limits{}.max_av_pairs);
        const auto list = encode_av_pairs(decoded->target_info);
        EPMDUMP_FUZZ_CHECK(list.size() <= size);
        // The list written back, as a CHALLENGE's TargetInfo, decodes to the same pairs.
        std::vector<std::byte> again(input.begin(), input.begin() + 48);
        again.insert(again.end(), list.begin(), list.end());
        for (std::size_t i = 40; i < 44; i += 2)
        {
            again[i] = static_cast<std::byte>(list.size() & 0xFF);
            again[i + 1] = static_cast<std::byte>(list.size() >> 8);
        }
        const std::uint32_t flags = decoded->flags | negotiate_flag::target_info;
        for (int k = 0; k < 4; ++k) again[20 + k] = static_cast<std::byte>((flags >> (8 * k)) & 0xFF);
        for (int k = 0; k < 4; ++k) again[44 + k] = static_cast<std::byte>((48 >> (8 * k)) & 0xFF);
        for (int k = 0; k < 8; ++k) again[12 + k] = std::byte{0}; // no target name
        const auto redecoded = decode_challenge(again);
        EPMDUMP_FUZZ_CHECK(redecoded.has_value());
        EPMDUMP_FUZZ_CHECK(redecoded->target_info == decoded->target_info);
    }

    context ctx(fuzz_identity(), fuzz_inputs());
    EPMDUMP_FUZZ_CHECK(ctx.step({}).has_value());
    const auto leg = ctx.step(input);
    if (!leg)
    {
        EPMDUMP_FUZZ_CHECK(leg.error().reason == epm::auth_errc::mechanism_failed);
        EPMDUMP_FUZZ_CHECK(!leg.error().detail.empty());
        return 0;
    }
    EPMDUMP_FUZZ_CHECK(decoded.has_value());
    EPMDUMP_FUZZ_CHECK(leg->complete);
    // Every pair the server sent is in the blob we sign (MsvAvFlags may be rewritten).
    for (const auto& p : decoded->target_info)
        if (p.id != static_cast<std::uint16_t>(av_id::flags))
        {
            const av_pair one[] = {p};
            auto bytes = encode_av_pairs(one);
            bytes.resize(bytes.size() - 4);
            EPMDUMP_FUZZ_CHECK(contains(leg->token, bytes));
        }
    return 0;
}
