// NTLMSSP CHALLENGE messages (decode_challenge) and the NTLM context's answer to them.
// Input: the auth_value a server sent in bind_ack / alter_context_resp.
// Property: the AV pairs lie within the input and write back to a list that decodes to the
// same pairs; the context answers with an AUTHENTICATE holding those pairs, or a typed failure.
#include <epmdump/auth/ntlm_context.hpp>
#include <epmdump/auth/ntlm_messages.hpp>

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto input = fuzz::as_bytes(data, size);
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

    fixed_inputs fixed;
    fixed.client_challenge.fill(std::byte{0xaa});
    fixed.exported_session_key.fill(std::byte{0x55});
    context ctx(fuzz_identity(), fixed);
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
