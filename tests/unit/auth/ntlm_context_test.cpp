// The NTLM security context as the session drives it: NEGOTIATE, then AUTHENTICATE for the
// [MS-NLMP] 4.2.4 example's CHALLENGE (the spec's responses and key inside), then PDU
// protection; a server that would weaken NTLM, or whose signature is wrong, is refused.
#include "ntlm_spec_vectors.hpp"
#include "support/test_files.hpp"

#include <epmdump/auth/ntlm_context.hpp>
#include <epmdump/auth/ntlm_messages.hpp>
#include <epmdump/auth/ntlm_provider.hpp>

#include <boost/endian/conversion.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::auth::ntlm;
using epmdump::test::from_hex;

using epmdump::test::spec_challenge;

namespace {

std::shared_ptr<const identity> example_identity()
{
    std::string error;
    auto who = std::make_shared<identity>();
    who->primitives = crypto::make(error);
    REQUIRE_MESSAGE(who->primitives, error);
    who->user = "User";
    who->domain = "Domain";
    who->nt_hash = nt_hash_of_password(*who->primitives, "Password");
    return who;
}

fixed_inputs example_inputs()
{
    fixed_inputs in;
    in.client_challenge.fill(std::byte{0xaa});
    in.exported_session_key.fill(std::byte{0x55});
    in.filetime = 0;
    return in;
}

// The bytes of an AUTHENTICATE field (its Len/MaxLen/Offset header at `at`).
std::vector<std::byte> field(const std::vector<std::byte>& m, std::size_t at)
{
    const auto* p = reinterpret_cast<const unsigned char*>(m.data());
    const std::size_t length = boost::endian::load_little_u16(p + at);
    const std::size_t offset = boost::endian::load_little_u32(p + at + 4);
    REQUIRE(offset + length <= m.size());
    return {m.begin() + static_cast<std::ptrdiff_t>(offset), m.begin() + static_cast<std::ptrdiff_t>(offset + length)};
}

std::vector<std::byte> established(context& ctx, std::span<const std::byte> challenge)
{
    auto first = ctx.step({});
    REQUIRE(first.has_value());
    CHECK_FALSE(first->complete);
    auto second = ctx.step(challenge);
    REQUIRE_MESSAGE(second.has_value(), (second ? std::string() : second.error().detail));
    CHECK(second->complete);
    return second->token;
}

} // namespace

TEST_CASE("the first leg is a NEGOTIATE asking for NTLMv2 with key exchange, sign and seal")
{
    context ctx(example_identity(), example_inputs());
    auto leg = ctx.step({});
    REQUIRE(leg.has_value());
    CHECK_FALSE(leg->complete);
    REQUIRE(leg->token.size() == 40);
    const auto flags = boost::endian::load_little_u32(reinterpret_cast<const unsigned char*>(leg->token.data() + 12));
    for (auto f : {negotiate_flag::key_exch, negotiate_flag::extended_session_security, negotiate_flag::key_128,
                   negotiate_flag::sign, negotiate_flag::seal, negotiate_flag::unicode})
        CHECK((flags & f) == f);
}

TEST_CASE("at level connect the NEGOTIATE asks for neither sign nor seal, and still for key exchange")
{
    context ctx(example_identity(), example_inputs());
    ctx.set_level(epm::auth_level::connect);
    auto leg = ctx.step({});
    REQUIRE(leg.has_value());
    const auto flags = boost::endian::load_little_u32(reinterpret_cast<const unsigned char*>(leg->token.data() + 12));
    CHECK((flags & negotiate_flag::sign) == 0);
    CHECK((flags & negotiate_flag::seal) == 0);
    for (auto f : {negotiate_flag::key_exch, negotiate_flag::extended_session_security, negotiate_flag::key_128})
        CHECK((flags & f) == f);
}

TEST_CASE("the AUTHENTICATE for the spec's CHALLENGE carries the spec's LMv2, NTLMv2 and encrypted session key")
{
    context ctx(example_identity(), example_inputs());
    const auto m = established(ctx, spec_challenge);
    CHECK(field(m, 12) == from_hex("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa")); // no server time: no MIC
    // [MS-NLMP] 4.2.4.2.2: NTProofStr, then the blob (time 0, client challenge, the AV pairs).
    CHECK(field(m, 20) == from_hex("68cd0ab851e51c96aabc927bebef6a1c01010000000000000000000000000000"
                                   "aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e0001000c00"
                                   "5300650072007600650072000000000000000000"));
    CHECK(field(m, 28) == utf16le("Domain"));
    CHECK(field(m, 36) == utf16le("User"));
    CHECK(field(m, 52) == from_hex("c5dad2544fc9799094ce1ce90bc9d03e"));
    CHECK(ctx.principal() == "Domain\\User");
    CHECK((ctx.negotiated_flags() & negotiate_flag::key_exch) != 0);
}

TEST_CASE("once established, sealing a stub gives the spec's sealed bytes and signature")
{
    context ctx(example_identity(), example_inputs());
    established(ctx, spec_challenge);
    auto body = utf16le("Plaintext");
    std::array<std::byte, 16> signature{};
    REQUIRE(ctx.protect(true, {}, body, {}, signature).has_value());
    CHECK(body == from_hex("54e50165bf1936dc996020c1811b0f06fb5f"));
    CHECK(std::vector<std::byte>(signature.begin(), signature.end()) == from_hex("010000007fb38ec5c55d497600000000"));
    CHECK(ctx.signature_length() == 16);
}

TEST_CASE("a server time in the CHALLENGE makes a MIC over the three messages and MsvAvFlags in the blob")
{
    // The spec's CHALLENGE with an MsvAvTimestamp added (TargetInfo 0x24 -> 0x30 bytes).
    auto challenge = spec_challenge;
    challenge.resize(challenge.size() - 4); // drop MsvAvEOL
    const auto time = from_hex("0700080000a1b2c3d4e5f60100000000");
    challenge.insert(challenge.end(), time.begin(), time.end());
    challenge[40] = challenge[42] = std::byte{0x30};

    context ctx(example_identity(), example_inputs());
    auto negotiate = ctx.step({});
    REQUIRE(negotiate.has_value());
    auto leg = ctx.step(challenge);
    REQUIRE(leg.has_value());
    auto m = leg->token;
    CHECK(field(m, 12) == std::vector<std::byte>(24)); // LmChallengeResponse Z(24)
    const auto nt = field(m, 20);
    // The blob's time is the server's; its AV pairs end MsvAvFlags = 2, then MsvAvEOL.
    CHECK(std::vector<std::byte>(nt.begin() + 24, nt.begin() + 32) == from_hex("00a1b2c3d4e5f601"));
    CHECK(std::vector<std::byte>(nt.end() - 16, nt.end()) == from_hex("0600040002000000" "0000000000000000"));

    std::string error;
    const auto c = crypto::make(error);
    std::array<std::byte, 16> mic{};
    std::copy_n(m.begin() + mic_offset, 16, mic.begin());
    std::fill_n(m.begin() + mic_offset, 16, std::byte{0});
    const auto exported = from_hex("55555555555555555555555555555555");
    const std::span<const std::byte> parts[] = {negotiate->token, challenge, m};
    const auto expected = c->hmac_md5(exported, parts);
    CHECK(mic == expected);
}

TEST_CASE("a CHALLENGE without key exchange is refused: the server would choose our keys")
{
    auto challenge = spec_challenge;
    challenge[23] = std::byte{0xa2}; // 0xe28a8233 without NTLMSSP_NEGOTIATE_KEY_EXCH
    context ctx(example_identity(), example_inputs());
    REQUIRE(ctx.step({}).has_value());
    auto leg = ctx.step(challenge);
    REQUIRE_FALSE(leg.has_value());
    CHECK(leg.error().reason == epm::auth_errc::mechanism_failed);
    CHECK(leg.error().detail.find("key exchange") != std::string::npos);
    std::array<std::byte, 16> signature{};
    std::vector<std::byte> body(4);
    CHECK_FALSE(ctx.protect(false, {}, body, {}, signature).has_value());
}

TEST_CASE("a broken CHALLENGE is a typed failure naming the field and offset")
{
    context ctx(example_identity(), example_inputs());
    REQUIRE(ctx.step({}).has_value());
    auto leg = ctx.step(std::span(spec_challenge).first(30));
    REQUIRE_FALSE(leg.has_value());
    CHECK(leg.error().reason == epm::auth_errc::mechanism_failed);
    CHECK(leg.error().detail.find("CHALLENGE") != std::string::npos);
}

TEST_CASE("the server's sealed PDU unseals with the server keys, and one with a flipped signature byte is bad_verifier")
{
    const auto who = example_identity();
    context ctx(who, example_inputs());
    established(ctx, spec_challenge);
    const auto& c = *who->primitives;
    const auto exported = from_hex("55555555555555555555555555555555");
    direction server(c, server_keys(c, exported), true);

    const auto header = from_hex("05000203100000002c001000020000001000000000000000");
    const auto trailer = from_hex("0a06000000000000");
    for (bool corrupt : {false, true})
    {
        auto body = utf16le(corrupt ? "second response" : "first response");
        const auto plain = body;
        const std::span<const std::byte> parts[] = {header, body, trailer};
        auto signature = server.seal(body, parts);
        if (corrupt) signature[5] ^= std::byte{1};
        auto r = ctx.unprotect(true, header, body, trailer, signature);
        if (!corrupt)
        {
            REQUIRE(r.has_value());
            CHECK(body == plain);
        }
        else
        {
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error().reason == epm::auth_errc::bad_verifier);
        }
    }
}

TEST_CASE("the provider takes DOMAIN\\user and a password or a 16-byte NT hash, and clears them")
{
    auth::credentials cred;
    cred.type = epm::auth_type::ntlm;
    cred.user = "EPMTEST\\Administrator";
    cred.password = auth::secret(std::string_view("EpmTest-Pa55w0rd!"));
    auto p = auth::make_ntlm_provider(cred);
    REQUIRE(p.has_value());
    CHECK((*p)->principal() == "EPMTEST\\Administrator");
    CHECK((*p)->type() == epm::auth_type::ntlm);
    CHECK(cred.password.empty());
    auto ctx = (*p)->new_context("10.200.0.2");
    REQUIRE(ctx.has_value());
    CHECK((*ctx)->principal() == "EPMTEST\\Administrator");

    auth::credentials hash;
    hash.user = "User";
    hash.domain = "Domain";
    hash.nt_hash = auth::secret(std::span<const std::byte>(from_hex("a4f49c406510bdcab6824ee7c30fd852")));
    REQUIRE(auth::make_ntlm_provider(hash).has_value());
    CHECK(hash.nt_hash.empty());

    auth::credentials short_hash;
    short_hash.user = "User";
    short_hash.nt_hash = auth::secret(std::span<const std::byte>(from_hex("a4f49c40")));
    CHECK(auth::make_ntlm_provider(short_hash).error().reason == epm::auth_errc::mechanism_failed);

    auth::credentials nothing;
    nothing.user = "User";
    CHECK(auth::make_ntlm_provider(nothing).error().reason == epm::auth_errc::no_credentials);
    auth::credentials nobody;
    nobody.password = auth::secret(std::string_view("x"));
    CHECK(auth::make_ntlm_provider(nobody).error().reason == epm::auth_errc::no_credentials);
}

TEST_CASE("DOMAIN\\user with the domain also given apart (as -U passes it) names the user once")
{
    // The command line keeps -U's word in user and splits the domain out beside it: the NTLM
    // user name (and the NTLMv2 key made from it) must not become DOMAIN\DOMAIN\user.
    auth::credentials cred;
    cred.type = epm::auth_type::ntlm;
    cred.user = "EPMTEST\\epmuser";
    cred.domain = "EPMTEST";
    cred.password = auth::secret(std::string_view("EpmUser-Pa55w0rd-15"));
    auto p = auth::make_ntlm_provider(cred);
    REQUIRE(p.has_value());
    CHECK((*p)->principal() == "EPMTEST\\epmuser");
}

TEST_CASE("session_key is empty before the AUTHENTICATE, then the spec's ExportedSessionKey, the one sent encrypted")
{
    context ctx(example_identity(), example_inputs());
    CHECK(ctx.session_key().empty());
    const auto m = established(ctx, spec_challenge);
    // [MS-NLMP] 4.2.4.1.3 RandomSessionKey = ExportedSessionKey under KEY_EXCH.
    const auto key = std::vector<std::byte>(ctx.session_key().begin(), ctx.session_key().end());
    CHECK(key == from_hex("55555555555555555555555555555555"));
    // It is the key the server learns: RC4(SessionBaseKey of 4.2.4.2) of it is EncryptedRandomSessionKey.
    std::string error;
    const auto c = crypto::make(error);
    REQUIRE(c);
    auto encrypted = key;
    c->rc4_once(from_hex("8de40ccadbc14a82f15cb0ad0de95ca3"), encrypted);
    CHECK(encrypted == field(m, 52));
}

TEST_CASE("a mechListMIC is GSS_GetMIC/VerifyMIC on the direction's next sequence number, its RC4 handle then restarted")
{
    context ctx(example_identity(), example_inputs());
    const auto message = utf16le("Plaintext");
    CHECK_FALSE(ctx.sign_mech_list_mic(message).has_value()); // not established
    established(ctx, spec_challenge);
    std::string error;
    const auto c = crypto::make(error);
    REQUIRE(c);
    const auto exported = from_hex("55555555555555555555555555555555");
    direction client(*c, client_keys(*c, exported), true);
    direction server(*c, server_keys(*c, exported), true);
    const std::span<const std::byte> parts[] = {message};
    for (int i = 0; i < 2; ++i) // the second MIC uses sequence number 1 and the handle's first state again
    {
        auto ours = ctx.sign_mech_list_mic(message);
        REQUIRE(ours.has_value());
        CHECK(*ours == client.sign(parts));
        client.reset_handle();
        auto theirs = server.sign(parts);
        server.reset_handle();
        CHECK(ctx.verify_mech_list_mic(message, theirs).has_value());
    }
    auto wrong = server.sign(parts);
    wrong[5] ^= std::byte{1};
    auto refused = ctx.verify_mech_list_mic(message, wrong);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().reason == epm::auth_errc::bad_verifier);
}
