// The NTLMSSP codec: the CHALLENGE of [MS-NLMP] 4.2.4.3 and a real one from the Samba AD DC
// decode field for field; broken ones are typed errors at the offset of the broken field.
#include "ntlm_spec_vectors.hpp"
#include "support/test_files.hpp"

#include <epmdump/auth/ntlm_messages.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::auth::ntlm;

using epmdump::test::spec_challenge;

namespace {

// The auth_value of the bind_ack Samba 4.17's AD DC (10.200.0.2) sent impacket's rpcmap.py at
// auth level 6, frame 6 of tests/fixtures/auth/samba-ad-dc-rpcmap-ntlm-privacy.pcapng.
const auto samba_challenge = epmdump::test::from_hex(
    "4e544c4d53535000020000000e000e0038000000358289e22ddbe32d7a5b073b00000000000000007000700046000000"
    "060100000000000f450050004d00540045005300540002000e00450050004d00540045005300540001000a0045005000"
    "4d004400430004001600650070006d0074006500730074002e006c0061006e0003002200650070006d00640063002e00"
    "650070006d0074006500730074002e006c0061006e0007000800f885935c9c84dd0100000000");

std::vector<std::byte> utf16(std::string_view s)
{
    return utf16le(s);
}

} // namespace

TEST_CASE("the CHALLENGE of MS-NLMP 4.2.4.3 decodes to its flags, challenge, target name and two AV pairs")
{
    auto c = decode_challenge(spec_challenge);
    REQUIRE(c.has_value());
    CHECK(c->flags == 0xe28a8233u);
    CHECK(c->server_challenge == std::array<std::byte, 8>{std::byte{0x01}, std::byte{0x23}, std::byte{0x45}, std::byte{0x67},
                                                          std::byte{0x89}, std::byte{0xab}, std::byte{0xcd}, std::byte{0xef}});
    CHECK(c->target_name == utf16("Server"));
    REQUIRE(c->target_info.size() == 2);
    CHECK(c->target_info[0] == av_pair{2, utf16("Domain")});
    CHECK(c->target_info[1] == av_pair{1, utf16("Server")});
    CHECK(c->version.has_value());
    // Written back, the pairs are the message's TargetInfo bytes, MsvAvEOL included.
    const auto info = encode_av_pairs(c->target_info);
    CHECK(std::vector<std::byte>(spec_challenge.begin() + 0x44, spec_challenge.end()) == info);
}

TEST_CASE("the Samba AD DC's CHALLENGE names its domain, its DNS names and its time")
{
    auto c = decode_challenge(samba_challenge);
    REQUIRE(c.has_value());
    CHECK(c->flags == 0xe2898235u);
    CHECK(c->target_name == utf16("EPMTEST"));
    REQUIRE(find_av(c->target_info, av_id::nb_domain_name).has_value());
    const auto dns = find_av(c->target_info, av_id::dns_computer_name);
    REQUIRE(dns.has_value());
    CHECK(std::vector<std::byte>(dns->begin(), dns->end()) == utf16("epmdc.epmtest.lan"));
    const auto time = find_av(c->target_info, av_id::timestamp);
    REQUIRE(time.has_value());
    CHECK(time->size() == 8);
    CHECK(c->target_info.size() == 5);
}

TEST_CASE("a CHALLENGE cut anywhere is a typed error, never a value")
{
    for (std::size_t n = 0; n < samba_challenge.size(); ++n)
    {
        auto c = decode_challenge(std::span(samba_challenge).first(n));
        REQUIRE_FALSE(c.has_value());
        CHECK((c.error().code == codec_errc::truncated || c.error().code == codec_errc::bad_value));
    }
}

TEST_CASE("a message that is not a CHALLENGE is refused at its signature or its type")
{
    auto wrong = spec_challenge;
    wrong[0] = std::byte{'X'};
    CHECK(decode_challenge(wrong).error() == codec_error{codec_errc::bad_header, 0, "NTLMSSP signature"});
    auto negotiate = spec_challenge;
    negotiate[8] = std::byte{1};
    CHECK(decode_challenge(negotiate).error().code == codec_errc::bad_header);
    CHECK(decode_challenge(negotiate).error().offset == 8);
}

TEST_CASE("a TargetInfo field reaching past the message is bad_value at the field")
{
    auto c = spec_challenge;
    c[40] = std::byte{0x25}; // TargetInfoLen 0x25: one byte past the end
    const auto e = decode_challenge(c).error();
    CHECK(e.code == codec_errc::bad_value);
    CHECK(e.offset == 40);
}

TEST_CASE("an AV pair longer than the list is bad_value at its length, a list without MsvAvEOL too")
{
    auto c = spec_challenge;
    c[0x44 + 2] = std::byte{0x40}; // the first pair claims 64 bytes
    auto e = decode_challenge(c).error();
    CHECK(e.code == codec_errc::bad_value);
    CHECK(e.offset == 0x44 + 2);

    auto no_eol = spec_challenge;
    no_eol[0x44 + 0x20] = std::byte{9}; // MsvAvEOL becomes MsvAvTargetName, length 0
    e = decode_challenge(no_eol).error();
    CHECK(e.code == codec_errc::bad_value);
    CHECK(e.offset == 0x44 + 0x24);
}

TEST_CASE("more AV pairs than the limit are limit_exceeded")
{
    challenge_limits tight;
    tight.max_av_pairs = 4;
    const auto e = decode_challenge(samba_challenge, tight).error();
    CHECK(e.code == codec_errc::limit_exceeded);
    CHECK(decode_challenge(samba_challenge, challenge_limits{}).has_value());
}

TEST_CASE("NEGOTIATE carries the flags, empty domain and workstation fields and our version")
{
    const auto n = encode_negotiate(negotiate_flag::unicode | negotiate_flag::version);
    REQUIRE(n.size() == 40);
    CHECK(n[8] == std::byte{1});
    CHECK(n[12] == std::byte{1});
    CHECK(n[15] == std::byte{0x02});
    CHECK(std::vector<std::byte>(n.begin() + 32, n.end()) == std::vector<std::byte>(client_version.begin(), client_version.end()));
}

TEST_CASE("AUTHENTICATE puts each field's bytes in the payload after the MIC, at the offset its header names")
{
    authenticate_message a;
    a.lm_response.assign(24, std::byte{0});
    a.nt_response = {std::byte{1}, std::byte{2}, std::byte{3}};
    a.domain = utf16("Domain");
    a.user = utf16("User");
    a.encrypted_random_session_key.assign(16, std::byte{0x55});
    const auto m = encode_authenticate(a);
    CHECK(m.size() == 88 + 24 + 3 + 12 + 8 + 16);
    CHECK(m[8] == std::byte{3});
    CHECK(m[16] == std::byte{88});                   // LmChallengeResponse at 88
    CHECK(m[24] == std::byte{88 + 24});              // NtChallengeResponse after it
    CHECK(m[20] == std::byte{3});                    // its length
    CHECK(m[88 + 24] == std::byte{1});
    CHECK(m[40] == std::byte{88 + 24 + 3 + 12});     // UserName offset
    CHECK(m[44] == std::byte{0});                    // no workstation
}

TEST_CASE("UTF-16LE of UTF-8 text: BMP, a surrogate pair, and an invalid byte as U+FFFD")
{
    CHECK(utf16le("A\xc3\xa9") == epmdump::test::from_hex("4100e900"));
    CHECK(utf16le("\xf0\x9f\x98\x80") == epmdump::test::from_hex("3dd800de"));
    CHECK(utf16le("\xff") == epmdump::test::from_hex("fdff"));
    CHECK(utf16le("\xc0\xaf") == epmdump::test::from_hex("fdfffdff")); // overlong: not UTF-8
}
