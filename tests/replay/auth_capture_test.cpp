// Authenticated conversations captured against the Samba peers (pcaps/samba-*-auth-*.pcap,
// written by pcaps/generate/auth_captures.py): the verifier is stripped and the calls decode as
// the anonymous ones do, the auth type and level come from the bind, the NTLM principal from the
// rpc_auth3, and sealed stubs are reported encrypted with their auth type.
#include "endpoint_set.hpp"
#include "oracle_check.hpp"

#include <epmdump/epm/auth_info.hpp>
#include <epmdump/epm/enumeration.hpp>

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace epmdump;
using epmdump::test::endpoint_set;
using epmdump::test::ports;

namespace {

// The one conversation of a capture, checked against its oracle first.
epm::enumeration replay_checked(const std::string& name) { return test::replay_one_checked(name).enumeration; }

std::vector<std::string> anonymous_set(const char* capture, ports p = ports::compared)
{
    auto run = test::load(capture, true);
    REQUIRE(run);
    REQUIRE(run->replay.conversations.size() == 1);
    return endpoint_set(run->replay.conversations[0].enumeration, p);
}

epm::auth_info auth(epm::auth_type t, epm::auth_level l, std::string principal)
{
    return epm::auth_info{t, l, std::move(principal)};
}

} // namespace

TEST_CASE("NTLM at level integrity: the signed listing decodes to the anonymous 53 entries, by EPMTEST\\Administrator")
{
    const auto e = replay_checked("samba-ad-dc-auth-ntlm-integrity.pcap");
    CHECK(e.status == epm::enumeration_status::ok);
    CHECK_FALSE(e.error);
    CHECK(e.entries.size() == 53);
    CHECK(endpoint_set(e) == anonymous_set("samba-ad-dc-rpcdump.pcap"));
    CHECK(e.auth == auth(epm::auth_type::ntlm, epm::auth_level::integrity, "EPMTEST\\Administrator"));
    CHECK_FALSE(e.origin->encrypted);
    CHECK(e.origin->complete);
}

TEST_CASE("Kerberos at levels connect and integrity (header signing, 16-byte auth padding) decodes to the anonymous entries")
{
    for (const auto& [name, level] : {std::pair{"samba-ad-dc-auth-kerberos-connect.pcap", epm::auth_level::connect},
                                      std::pair{"samba-ad-dc-auth-kerberos-integrity.pcap", epm::auth_level::integrity}})
    {
        CAPTURE(std::string(name));
        const auto e = replay_checked(name);
        CHECK(e.status == epm::enumeration_status::ok);
        CHECK(endpoint_set(e) == anonymous_set("samba-ad-dc-rpcdump.pcap"));
        // Kerberos names its client only inside the encrypted authenticator.
        CHECK(e.auth == auth(epm::auth_type::kerberos, level, ""));
    }
}

TEST_CASE("the standalone samba-dcerpcd at NTLM level connect lists the same 38 entries as anonymously")
{
    const auto e = replay_checked("samba-standalone-auth-ntlm-connect.pcap");
    CHECK(e.status == epm::enumeration_status::ok);
    CHECK(endpoint_set(e, ports::ignored) == anonymous_set("samba-standalone-rpcdump.pcap", ports::ignored));
    CHECK(e.auth == auth(epm::auth_type::ntlm, epm::auth_level::connect, "EPMTEST\\Administrator"));
}

TEST_CASE("privacy-sealed conversations are encrypted, with their auth type, and no entry is made up")
{
    for (const auto& [name, type] : {std::pair{"samba-ad-dc-auth-ntlm-privacy.pcap", epm::auth_type::ntlm},
                                     std::pair{"samba-ad-dc-auth-kerberos-privacy.pcap", epm::auth_type::kerberos}})
    {
        CAPTURE(std::string(name));
        const auto e = replay_checked(name);
        CHECK(e.status == epm::enumeration_status::error);
        REQUIRE(e.error);
        CHECK(e.error->kind == epm::failure_kind::encrypted);
        CHECK(e.error->message.find(epm::to_string(type)) != std::string::npos);
        CHECK(e.entries.empty());
        CHECK(e.origin->encrypted);
        REQUIRE(e.auth);
        CHECK(e.auth->type == type);
        CHECK(e.auth->level == epm::auth_level::privacy);
    }
}

TEST_CASE("an authenticated bind whose call the server refuses is a fault, and still says who authenticated how")
{
    // The AD DC faults impacket's level-connect call (0x00000001, nca_s_fault_other); the standalone server
    // faults signed and sealed calls of an account it does not know (nca_proto_error).
    const struct
    {
        const char* name;
        epm::auth_level level;
        const char* status;
    } cases[] = {{"samba-ad-dc-auth-ntlm-connect.pcap", epm::auth_level::connect, "0x00000001"},
                 {"samba-standalone-auth-ntlm-integrity.pcap", epm::auth_level::integrity, "nca_proto_error"},
                 {"samba-standalone-auth-ntlm-privacy.pcap", epm::auth_level::privacy, "nca_proto_error"}};
    for (const auto& c : cases)
    {
        CAPTURE(std::string(c.name));
        const auto e = replay_checked(c.name);
        CHECK(e.status == epm::enumeration_status::error);
        REQUIRE(e.error);
        CHECK(e.error->kind == epm::failure_kind::fault);
        CHECK(e.error->message.find(c.status) != std::string::npos);
        CHECK(e.auth == auth(epm::auth_type::ntlm, c.level, "EPMTEST\\Administrator"));
    }
}

TEST_CASE("an anonymous capture reports no auth")
{
    const auto e = replay_checked("samba-ad-dc-rpcdump.pcap");
    CHECK_FALSE(e.auth);
}
