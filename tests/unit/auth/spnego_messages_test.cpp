// SPNEGO's DER tokens against a real exchange (an SMB2 session setup with NTLM inside SPNEGO):
// our negTokenInit is the captured one byte for byte, the server's negTokenResp tokens decode to
// their fields, what we write reads back, and every malformed token is a typed error at its offset.
#include "spnego_capture_tokens.hpp"

#include <epmdump/auth/ntlm_messages.hpp>
#include <epmdump/auth/spnego_messages.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::auth;
using namespace epmdump::auth::spnego;
using epmdump::test::from_hex;

namespace {

std::vector<std::byte> ntlmssp() { return {std::begin(ntlmssp_oid), std::end(ntlmssp_oid)}; }

std::vector<std::byte> mech_list()
{
    const std::span<const std::byte> mechs[] = {ntlmssp_oid};
    return encode_mech_type_list(mechs);
}

codec_error error_of(std::span<const std::byte> token)
{
    auto r = decode_neg_token_resp(token);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

} // namespace

TEST_CASE("our negTokenInit for NTLMSSP and a NEGOTIATE is the captured client's, byte for byte")
{
    const auto& captured = test::capture_neg_token_init;
    const std::span<const std::byte> negotiate = std::span(captured).subspan(captured.size() - 32);
    CHECK(encode_neg_token_init(mech_list(), negotiate) == captured);
    CHECK(mech_list() == from_hex("300c060a2b06010401823702020a"));
}

TEST_CASE("the server's first negTokenResp is accept-incomplete, NTLMSSP, and a CHALLENGE NTLM reads")
{
    auto r = decode_neg_token_resp(test::capture_challenge_resp);
    REQUIRE_MESSAGE(r.has_value(), r.error().message());
    CHECK(r->state == neg_state::accept_incomplete);
    CHECK(r->supported_mech == ntlmssp());
    REQUIRE(r->response_token);
    CHECK(r->response_token->size() == 298);
    CHECK_FALSE(r->mech_list_mic);
    CHECK(ntlm::decode_challenge(*r->response_token).has_value());
    // Written back, it is the same bytes (long-form lengths included).
    CHECK(encode_neg_token_resp(*r) == test::capture_challenge_resp);
}

TEST_CASE("the client's AUTHENTICATE negTokenResp and the server's accept-completed decode and write back")
{
    auto authenticate = decode_neg_token_resp(test::capture_authenticate_resp);
    REQUIRE(authenticate.has_value());
    CHECK_FALSE(authenticate->state);
    CHECK_FALSE(authenticate->supported_mech);
    REQUIRE(authenticate->response_token);
    CHECK(authenticate->response_token->size() == 434);
    CHECK(encode_neg_token_resp(*authenticate) == test::capture_authenticate_resp);

    auto completed = decode_neg_token_resp(test::capture_completed_resp);
    REQUIRE(completed.has_value());
    CHECK(completed->state == neg_state::accept_completed);
    CHECK_FALSE(completed->response_token);
    CHECK_FALSE(completed->mech_list_mic);
}

TEST_CASE("a negTokenResp with every field, mechListMIC included, reads back as written")
{
    neg_token_resp r;
    r.state = neg_state::request_mic;
    r.supported_mech = ntlmssp();
    r.response_token = std::vector<std::byte>(200, std::byte{0x41});
    r.mech_list_mic = from_hex("01000000112233445566778800000000");
    const auto bytes = encode_neg_token_resp(r);
    auto back = decode_neg_token_resp(bytes);
    REQUIRE(back.has_value());
    CHECK(*back == r);
}

TEST_CASE("malformed negTokenResp tokens are typed errors at the offset of what is wrong")
{
    const auto& good = test::capture_challenge_resp;
    CHECK(error_of({}).code == codec_errc::truncated);
    CHECK(error_of(test::capture_neg_token_init).code == codec_errc::bad_header); // a negTokenInit is no answer

    auto cut = good;
    cut.resize(100);
    CHECK(error_of(cut) == codec_error{codec_errc::truncated, 4, "SPNEGO element content"});

    auto longer = good;
    longer.push_back(std::byte{0});
    CHECK(error_of(longer).code == codec_errc::trailing_bytes);
    CHECK(error_of(longer).offset == good.size());

    // negState 7 (a1 0d 30 0b a0 03 0a 01 07 ...): the value's offset.
    const auto bad_state = from_hex("a1073005a0030a0107");
    CHECK(error_of(bad_state) == codec_error{codec_errc::bad_value, 8, "negState value"});
    // A length in long form for a short value is not DER.
    CHECK(error_of(from_hex("a181073005a0030a0100")).code == codec_errc::bad_value);
    // Fields out of order ([2] before [0]).
    CHECK(error_of(from_hex("a10b3009a2020400a0030a0100")) == codec_error{codec_errc::bad_value, 8, "negTokenResp field tag"});
    // negState holding an OCTET STRING instead of an ENUMERATED.
    CHECK(error_of(from_hex("a1073005a003040100")).code == codec_errc::bad_value);
    // A length of five octets, and one past the input.
    CHECK(error_of(from_hex("a1850000000001")).code == codec_errc::bad_value);
    CHECK(error_of(from_hex("a184ffffffff")).code == codec_errc::truncated);
    CHECK(error_of(std::vector<std::byte>(max_token + 1, std::byte{0xa1})).code == codec_errc::limit_exceeded);
}
