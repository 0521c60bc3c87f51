// The principal of an NTLM AUTHENTICATE message, read from the real one impacket sent in the
// rpc_auth3 of pcaps/samba-ad-dc-auth-ntlm-integrity.pcap (frame 8, after the sec_trailer).
#include <epmdump/capture/ntlm_principal.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

using namespace epmdump;

namespace {

std::vector<std::byte> authenticate()
{
    return test::from_hex(
        "4e544c4d53535000030000001800180068000000b800b800800000000e000e00400000001a001a004e00000000000000680000001000"
        "100038010000358288e0450050004d005400450053005400410064006d0069006e006900730074007200610074006f00720067c288df"
        "a31d22df92ab803b0c35aae137413075724c676ec3d29173230c8fbb39208e6c88877a820101000000000000d26f9f5a9c84dd013741"
        "3075724c676e0000000002000e00450050004d00540045005300540001000a00450050004d004400430004001600650070006d007400"
        "6500730074002e006c0061006e0003002200650070006d00640063002e00650070006d0074006500730074002e006c0061006e000700"
        "0800d26f9f5a9c84dd010900140063006900660073002f00450050004d00440043000000000000000000fb9f269aea531b8c398fbaa0"
        "cf7fe05f");
}

void put_u16(std::vector<std::byte>& b, std::size_t at, std::uint16_t v)
{
    b[at] = static_cast<std::byte>(v & 0xff);
    b[at + 1] = static_cast<std::byte>(v >> 8);
}

} // namespace

TEST_CASE("an NTLM AUTHENTICATE message names its user as DOMAIN\\user, decoded from UTF-16LE")
{
    const auto token = authenticate();
    auto name = capture::ntlm_authenticate_principal(token);
    REQUIRE(name.has_value());
    REQUIRE(name->has_value());
    CHECK(**name == "EPMTEST\\Administrator");
}

TEST_CASE("an AUTHENTICATE message inside a SPNEGO token is found after the DER bytes before it")
{
    auto token = test::from_hex("a182014c30820148a0030a0101a2820140048201"); // NegTokenResp, responseToken
    const auto message = authenticate();
    token.insert(token.end(), message.begin(), message.end());
    auto name = capture::ntlm_authenticate_principal(token);
    REQUIRE(name.has_value());
    REQUIRE(name->has_value());
    CHECK(**name == "EPMTEST\\Administrator");
}

TEST_CASE("an AUTHENTICATE message with an empty domain names the user alone")
{
    auto token = authenticate();
    put_u16(token, 28, 0); // DomainNameFields.Len
    auto name = capture::ntlm_authenticate_principal(token);
    REQUIRE(name.has_value());
    CHECK(name->value_or("?") == "Administrator");
}

TEST_CASE("a token without an AUTHENTICATE message names nobody, and is no error")
{
    // A Kerberos AP-REQ (no NTLMSSP signature), and an NTLM NEGOTIATE alone.
    CHECK(capture::ntlm_authenticate_principal(test::from_hex("6e82050d30820509a003020105a10302010ea2"))->has_value() == false);
    auto negotiate = authenticate();
    negotiate[8] = std::byte{1};
    negotiate.resize(32);
    auto none = capture::ntlm_authenticate_principal(negotiate);
    REQUIRE(none.has_value());
    CHECK_FALSE(none->has_value());
}

TEST_CASE("an AUTHENTICATE message whose name field points outside it is a truncated error at that field")
{
    auto token = authenticate();
    put_u16(token, 36, 0x1000); // UserNameFields.Len far past the end
    auto name = capture::ntlm_authenticate_principal(token);
    REQUIRE_FALSE(name.has_value());
    CHECK(name.error().code == codec_errc::truncated);
    CHECK(name.error().offset == 36);
}

TEST_CASE("every cut of an AUTHENTICATE message is an error or no name, never a read past its end")
{
    const auto token = authenticate();
    for (std::size_t n = 0; n < token.size(); ++n)
    {
        CAPTURE(n);
        auto name = capture::ntlm_authenticate_principal(std::span(token).first(n));
        // The header and the names end at byte 0x68: from there on the names still read.
        if (n >= 0x68)
            CHECK(name.has_value());
        else if (n >= 12)
            CHECK_FALSE(name.has_value());
    }
}
