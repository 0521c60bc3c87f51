// Negotiate carrying NTLM: negTokenInit with NTLMSSP's NEGOTIATE, the [MS-NLMP] 4.2.4 CHALLENGE
// in the server's negTokenResp, then AUTHENTICATE with our mechListMIC ([MS-SPNG] 3.3.5.1), and
// the server's accept-completed whose mechListMIC must verify; what NTLM would have sent alone is
// what travels inside.
#include "ntlm_spec_vectors.hpp"
#include "support/test_files.hpp"

#include <epmdump/auth/ntlm_context.hpp>
#include <epmdump/auth/ntlm_messages.hpp>
#include <epmdump/auth/spnego_messages.hpp>
#include <epmdump/auth/spnego_ntlm_context.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::auth;
using epmdump::test::from_hex;
using epmdump::test::spec_challenge;

namespace {

std::shared_ptr<const ntlm::identity> spnego_identity()
{
    std::string error;
    auto who = std::make_shared<ntlm::identity>();
    who->primitives = ntlm::crypto::make(error);
    REQUIRE_MESSAGE(who->primitives, error);
    who->user = "User";
    who->domain = "Domain";
    who->nt_hash = ntlm::nt_hash_of_password(*who->primitives, "Password");
    return who;
}

ntlm::fixed_inputs spnego_inputs()
{
    ntlm::fixed_inputs in;
    in.client_challenge.fill(std::byte{0xaa});
    in.exported_session_key.fill(std::byte{0x55});
    return in;
}

std::vector<std::byte> mech_types()
{
    const std::span<const std::byte> mechs[] = {spnego::ntlmssp_oid};
    return spnego::encode_mech_type_list(mechs);
}

std::vector<std::byte> challenge_resp(spnego::neg_state state = spnego::neg_state::accept_incomplete)
{
    spnego::neg_token_resp r;
    r.state = state;
    r.supported_mech.emplace(std::begin(spnego::ntlmssp_oid), std::end(spnego::ntlmssp_oid));
    r.response_token = spec_challenge;
    return spnego::encode_neg_token_resp(r);
}

// The server's accept-completed with its mechListMIC (server keys, sequence number 0), or `mic`.
std::vector<std::byte> completed_resp(std::optional<std::vector<std::byte>> mic = std::nullopt, bool with_mic = true)
{
    std::string error;
    const auto c = ntlm::crypto::make(error);
    ntlm::direction server(*c, ntlm::server_keys(*c, from_hex("55555555555555555555555555555555")), true);
    const auto list = mech_types();
    const std::span<const std::byte> parts[] = {list};
    const auto s = server.sign(parts);
    spnego::neg_token_resp r;
    r.state = spnego::neg_state::accept_completed;
    if (with_mic) r.mech_list_mic = mic ? *mic : std::vector<std::byte>(s.begin(), s.end());
    return spnego::encode_neg_token_resp(r);
}

struct two_legs
{
    std::unique_ptr<client::security_context> ctx;
    spnego::neg_token_resp sent; // our second token, decoded
};

two_legs through_authenticate()
{
    two_legs t{make_spnego_ntlm_context(std::make_unique<ntlm::context>(spnego_identity(), spnego_inputs())), {}};
    auto first = t.ctx->step({});
    REQUIRE(first.has_value());
    CHECK_FALSE(first->complete);
    auto second = t.ctx->step(challenge_resp());
    REQUIRE_MESSAGE(second.has_value(), (second ? std::string() : second.error().detail));
    CHECK_FALSE(second->complete); // the server's mechListMIC is still to come
    auto decoded = spnego::decode_neg_token_resp(second->token);
    REQUIRE(decoded.has_value());
    t.sent = *decoded;
    return t;
}

} // namespace

TEST_CASE("the first leg is a negTokenInit offering NTLMSSP alone, with NTLM's own NEGOTIATE inside")
{
    auto ctx = make_spnego_ntlm_context(std::make_unique<ntlm::context>(spnego_identity(), spnego_inputs()));
    CHECK(ctx->type() == epm::auth_type::negotiate);
    CHECK(ctx->mechanism() == epm::auth_type::ntlm);
    auto first = ctx->step({});
    REQUIRE(first.has_value());
    ntlm::context alone(spnego_identity(), spnego_inputs());
    CHECK(first->token == spnego::encode_neg_token_init(mech_types(), alone.step({})->token));
}

TEST_CASE("the CHALLENGE's answer is NTLM's AUTHENTICATE and a mechListMIC over mechTypes with the client key")
{
    auto t = through_authenticate();
    ntlm::context alone(spnego_identity(), spnego_inputs());
    REQUIRE(alone.step({}).has_value());
    const auto authenticate = alone.step(spec_challenge);
    REQUIRE(authenticate.has_value());
    CHECK(t.sent.response_token == authenticate->token);
    CHECK_FALSE(t.sent.state);
    const auto mic = alone.sign_mech_list_mic(mech_types());
    REQUIRE(mic.has_value());
    CHECK(t.sent.mech_list_mic == std::vector<std::byte>(mic->begin(), mic->end()));
}

TEST_CASE("the server's accept-completed with a mechListMIC that verifies completes it, and PDUs go on at sequence 1 with a restarted handle")
{
    auto t = through_authenticate();
    auto last = t.ctx->step(completed_resp());
    REQUIRE_MESSAGE(last.has_value(), (last ? std::string() : last.error().detail));
    CHECK(last->complete);
    CHECK(last->token.empty());
    CHECK(t.ctx->session_key().size() == 16);
    // The next signature is the client direction's third use (MIC 0 was the mechListMIC).
    std::string error;
    const auto c = ntlm::crypto::make(error);
    ntlm::direction client(*c, ntlm::client_keys(*c, from_hex("55555555555555555555555555555555")), true);
    const auto list = mech_types();
    const std::span<const std::byte> mic_parts[] = {list};
    client.sign(mic_parts);
    client.reset_handle(); // [MS-SPNG] 3.3.5.1: the first PDU's handle state is the mechListMIC's
    auto stub = ntlm::utf16le("Plaintext");
    std::array<std::byte, 16> signature{};
    REQUIRE(t.ctx->protect(false, {}, stub, {}, signature).has_value());
    const std::span<const std::byte> parts[] = {stub};
    CHECK(signature == client.sign(parts));
}

TEST_CASE("a server mechListMIC that is missing or wrong is bad_verifier, and a reject is credentials_refused")
{
    {
        auto t = through_authenticate();
        auto r = t.ctx->step(completed_resp(std::nullopt, false));
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().reason == epm::auth_errc::bad_verifier);
    }
    {
        auto t = through_authenticate();
        auto r = t.ctx->step(completed_resp(from_hex("01000000000000000000000000000000")));
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().reason == epm::auth_errc::bad_verifier);
    }
    {
        auto ctx = make_spnego_ntlm_context(std::make_unique<ntlm::context>(spnego_identity(), spnego_inputs()));
        REQUIRE(ctx->step({}).has_value());
        auto r = ctx->step(challenge_resp(spnego::neg_state::reject));
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().reason == epm::auth_errc::credentials_refused);
    }
}

TEST_CASE("a server that picks another mechanism, or sends no negTokenResp, is a typed mechanism failure")
{
    auto ctx = make_spnego_ntlm_context(std::make_unique<ntlm::context>(spnego_identity(), spnego_inputs()));
    REQUIRE(ctx->step({}).has_value());
    spnego::neg_token_resp kerberos;
    kerberos.state = spnego::neg_state::accept_incomplete;
    kerberos.supported_mech = from_hex("2a864886f712010202");
    kerberos.response_token = spec_challenge;
    auto r = ctx->step(spnego::encode_neg_token_resp(kerberos));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().reason == epm::auth_errc::mechanism_failed);
    CHECK(r.error().detail.find("did not offer") != std::string::npos);

    auto other = make_spnego_ntlm_context(std::make_unique<ntlm::context>(spnego_identity(), spnego_inputs()));
    REQUIRE(other->step({}).has_value());
    auto raw = other->step(spec_challenge); // a bare CHALLENGE, not wrapped
    REQUIRE_FALSE(raw.has_value());
    CHECK(raw.error().detail.find("negTokenResp") != std::string::npos);
}
