#include <epmdump/epm/auth_info.hpp>

#include <doctest/doctest.h>

using namespace epmdump;

TEST_CASE("auth types and levels have the wire's values and round-trip through their words")
{
    CHECK(static_cast<int>(epm::auth_type::negotiate) == 9);
    CHECK(static_cast<int>(epm::auth_type::ntlm) == 10);
    CHECK(static_cast<int>(epm::auth_type::kerberos) == 16);
    CHECK(static_cast<int>(epm::auth_level::connect) == 2);
    CHECK(static_cast<int>(epm::auth_level::privacy) == 6);
    for (const char* word : {"negotiate", "ntlm", "kerberos"})
        CHECK(epm::to_string(epm::parse_auth_type(word).value()) == word);
    for (const char* word : {"none", "connect", "call", "packet", "integrity", "privacy"})
        CHECK(epm::to_string(epm::parse_auth_level(word).value()) == word);
    CHECK_FALSE(epm::parse_auth_type("none")); // not a user's choice
    CHECK_FALSE(epm::parse_auth_level("secret"));
}

TEST_CASE("an auth type or level no word names is printed as its wire value")
{
    CHECK(epm::to_string(static_cast<epm::auth_type>(68)) == "68");
    CHECK(epm::to_string(static_cast<epm::auth_level>(7)) == "7");
}

TEST_CASE("every auth failure reason has its own word")
{
    CHECK(epm::to_string(epm::auth_errc::clock_skew) == "clock_skew");
    CHECK(epm::to_string(epm::auth_errc::anonymous_refused) == "anonymous_refused");
    CHECK(epm::to_string(epm::auth_errc::bad_verifier) == "bad_verifier");
}
