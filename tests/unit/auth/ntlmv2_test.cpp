// NTLMv2 and its message protection against the published example of [MS-NLMP] 4.2.4
// (user "User", domain "Domain", password "Password", server challenge 0123456789abcdef,
// client challenge aa..., time 0, random session key 55...): every value is the spec's.
#include "support/test_files.hpp"

#include <epmdump/auth/ntlm_messages.hpp>
#include <epmdump/auth/ntlmv2.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::auth::ntlm;
using epmdump::test::from_hex;

namespace {

std::shared_ptr<const crypto> primitives()
{
    std::string error;
    auto c = crypto::make(error);
    REQUIRE_MESSAGE(c, error);
    return c;
}

std::vector<std::byte> bytes_of(const auth::secret& s)
{
    return {s.bytes().begin(), s.bytes().end()};
}

const auto server_challenge = from_hex("0123456789abcdef");
const auto client_challenge = from_hex("aaaaaaaaaaaaaaaa");
const auto random_session_key = from_hex("55555555555555555555555555555555");
// [MS-NLMP] 4.2.4.1.3: the AV pairs of the CHALLENGE (MsvAvNbDomainName, MsvAvNbComputerName, MsvAvEOL).
const auto av_pairs = from_hex("02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000");

} // namespace

TEST_CASE("NTOWFv1 and NTOWFv2 of the example's password are the spec's keys (4.2.4.1.1)")
{
    auto c = primitives();
    const auto nt = nt_hash_of_password(*c, "Password");
    CHECK(bytes_of(nt) == from_hex("a4f49c406510bdcab6824ee7c30fd852")); // [MS-NLMP] 4.2.2.1.2
    const auto v2 = ntowf_v2(*c, nt.bytes(), "User", "Domain");
    CHECK(bytes_of(v2) == from_hex("0c868a403bfd7a93a3001ef22ef02e3f"));
    // The user name is upper-cased, the domain is not.
    CHECK(bytes_of(ntowf_v2(*c, nt.bytes(), "user", "Domain")) == bytes_of(v2));
    CHECK(bytes_of(ntowf_v2(*c, nt.bytes(), "User", "DOMAIN")) != bytes_of(v2));
}

TEST_CASE("the NTLMv2 response, the LMv2 response and the session base key are the spec's (4.2.4.2)")
{
    auto c = primitives();
    const auto key = ntowf_v2(*c, nt_hash_of_password(*c, "Password").bytes(), "User", "Domain");
    const auto r = compute_ntlmv2(*c, key.bytes(), std::span<const std::byte, 8>(server_challenge),
                                  std::span<const std::byte, 8>(client_challenge), 0, av_pairs, false);
    CHECK(std::vector<std::byte>(r.nt_response.begin(), r.nt_response.begin() + 16) ==
          from_hex("68cd0ab851e51c96aabc927bebef6a1c")); // NTProofStr
    CHECK(r.nt_response.size() == 16 + 28 + av_pairs.size() + 4);
    CHECK(r.lm_response == from_hex("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"));
    CHECK(bytes_of(r.session_base_key) == from_hex("8de40ccadbc14a82f15cb0ad0de95ca3"));

    // KEY_EXCH: the random session key RC4-encrypted with the session base key (4.2.4.2.3).
    auto encrypted = random_session_key;
    c->rc4_once(r.session_base_key.bytes(), encrypted);
    CHECK(encrypted == from_hex("c5dad2544fc9799094ce1ce90bc9d03e"));

    const auto with_mic = compute_ntlmv2(*c, key.bytes(), std::span<const std::byte, 8>(server_challenge),
                                         std::span<const std::byte, 8>(client_challenge), 0, av_pairs, true);
    CHECK(with_mic.lm_response == std::vector<std::byte>(24));
}

TEST_CASE("the client's sealing and signing keys are the spec's (4.2.4.4)")
{
    auto c = primitives();
    const auto keys = client_keys(*c, random_session_key);
    CHECK(bytes_of(keys.seal_key) == from_hex("59f600973cc4960a25480a7c196e4c58"));
    CHECK(bytes_of(keys.sign_key) == from_hex("4788dc861b4782f35d43fd98fe1a2d39"));
    const auto server = server_keys(*c, random_session_key);
    CHECK(bytes_of(server.seal_key) != bytes_of(keys.seal_key));
}

TEST_CASE("sealing \"Plaintext\" gives the spec's sealed message and signature (4.2.4.4)")
{
    auto c = primitives();
    direction client(*c, client_keys(*c, random_session_key), true);
    auto message = utf16le("Plaintext");
    const std::span<const std::byte> parts[] = {message};
    const auto signature = client.seal(message, parts);
    CHECK(message == from_hex("54e50165bf1936dc996020c1811b0f06fb5f"));
    CHECK(std::vector<std::byte>(signature.begin(), signature.end()) == from_hex("010000007fb38ec5c55d497600000000"));
    CHECK(client.sequence() == 1);
}

TEST_CASE("the receiving side unseals the spec's sealed message, then refuses the same signature again")
{
    auto c = primitives();
    // The server's view of the client's direction: the same keys, its own handle.
    direction receiver(*c, client_keys(*c, random_session_key), true);
    auto sealed = from_hex("54e50165bf1936dc996020c1811b0f06fb5f");
    const auto signature = from_hex("010000007fb38ec5c55d497600000000");
    const std::span<const std::byte> parts[] = {sealed};
    CHECK(receiver.unseal(sealed, parts, signature));
    CHECK(sealed == utf16le("Plaintext"));
    // A replay: the sequence number and the handle have moved on.
    auto again = from_hex("54e50165bf1936dc996020c1811b0f06fb5f");
    const std::span<const std::byte> again_parts[] = {again};
    CHECK_FALSE(receiver.unseal(again, again_parts, signature));
}

TEST_CASE("a signature covers every signed part: header and trailer bytes changed do not verify")
{
    auto c = primitives();
    direction sender(*c, server_keys(*c, random_session_key), true);
    direction receiver(*c, server_keys(*c, random_session_key), true);
    auto header = from_hex("0500020310000000");
    auto body = utf16le("stub");
    const auto trailer = from_hex("0a06000000000000");
    const std::span<const std::byte> parts[] = {header, body, trailer};
    const auto signature = sender.sign(parts);
    header[2] = std::byte{0x03}; // a different PTYPE
    CHECK_FALSE(receiver.verify(parts, signature));
}
