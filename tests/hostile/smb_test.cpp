// Hostile SMB servers under the ncacn_np driver: each misdeed ends the host with a typed failure
// within its deadline, never a hang.
#include "hostile/smb_server.hpp"
#include "hostile_util.hpp"

#include "support/test_mechanism.hpp"

#include <epmdump/smb2/crypto.hpp>
#ifdef EPMDUMP_HOSTILE_SMB_CRYPTO
#include <epmdump/smb2_openssl/openssl_crypto.hpp>
#endif

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::test;
using client::client_errc;
using client::phase;

namespace {

// The SMB primitives of this build (smb2_openssl), for the one case that needs signing.
std::shared_ptr<const smb2::crypto_provider> test_smb_crypto()
{
#ifdef EPMDUMP_HOSTILE_SMB_CRYPTO
    return EPMDUMP_HOSTILE_SMB_CRYPTO();
#else
    return nullptr;
#endif
}

client::client_options smb_options()
{
    auto o = hostile_options();
    o.transport = client::transport::ncacn_np;
    return o;
}

outcome enumerate_smb(const smb_server& server, const client::client_options& o)
{
    const auto started = std::chrono::steady_clock::now();
    outcome out;
    out.r = client::enumerate(client::target{"127.0.0.1", server.port(), {}}, o);
    out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    MESSAGE(out.what() << " after " << out.took.count() << " ms");
    return out;
}

void check_typed(const outcome& o, const client::client_options& opts, client_errc code, phase p)
{
    REQUIRE_MESSAGE(o.r.error.has_value(), o.what());
    CHECK_MESSAGE(o.r.error->code == code, o.what());
    CHECK_MESSAGE(o.r.error->phase == p, o.what());
    CHECK(o.took < opts.timeouts.host + slack);
    CHECK(o.r.enumeration.transport == "ncacn_np");
    REQUIRE(o.r.enumeration.error.has_value());
    CHECK(o.r.enumeration.status == epm::enumeration_status::error);
}

} // namespace

TEST_CASE("an SMB server that grants no credit for the next request is a protocol violation while opening the pipe")
{
    smb_server server(smb_misdeed::no_credits);
    const auto o = smb_options();
    const auto r = enumerate_smb(server, o);
    check_typed(r, o, client_errc::protocol_violation, phase::pipe);
    CHECK(server.requests() == 1); // the NEGOTIATE, and no request beyond the credit
}

TEST_CASE("an SMB server that grants one credit at a time, then none with the session, ends typed before the tree connect")
{
    smb_server server(smb_misdeed::credits_withdrawn);
    auto o = smb_options();
    o.security = std::make_shared<test_provider>(mech_settings{epm::auth_type::ntlm, mech_legs::auth3, "tester@EPMTEST.LAN", {}, {}});
    const auto r = enumerate_smb(server, o);
    check_typed(r, o, client_errc::protocol_violation, phase::pipe);
    CHECK(server.requests() == 3); // NEGOTIATE and the two SESSION_SETUP legs: nothing without a credit
}

TEST_CASE("an IOCTL answer that claims gigabytes of output is a protocol violation, nothing that large is allocated")
{
    smb_server server(smb_misdeed::huge_ioctl_output);
    const auto o = smb_options();
    const auto r = enumerate_smb(server, o);
    // The transceive carried the bind: the failure is the bind's.
    check_typed(r, o, client_errc::protocol_violation, phase::bind);
}

TEST_CASE("a STATUS_PENDING that never completes ends at the bind's deadline as a timeout")
{
    smb_server server(smb_misdeed::pending_forever);
    const auto o = smb_options();
    const auto r = enumerate_smb(server, o);
    check_typed(r, o, client_errc::timeout, phase::bind);
    CHECK(r.took >= o.timeouts.bind); // it waited for the answer the interim promised, no longer than the deadline
}

TEST_CASE("a signed SESSION_SETUP answer whose signature does not verify is refused before any tree is connected")
{
    smb_server server(smb_misdeed::bad_signature);
    auto o = smb_options();
    o.security = std::make_shared<test_provider>(mech_settings{epm::auth_type::ntlm, mech_legs::auth3, "tester@EPMTEST.LAN", {}, {}});
    o.smb_crypto = test_smb_crypto();
    if (!o.smb_crypto) EPMDUMP_SKIP("this build has no SMB crypto provider (smb2_openssl, EPMDUMP_WITH_AUTH)");
    const auto r = enumerate_smb(server, o);
    check_typed(r, o, client_errc::auth_failed, phase::pipe);
    CHECK(r.r.error->auth == epm::auth_errc::bad_verifier);
    CHECK(server.requests() == 3); // NEGOTIATE and the two SESSION_SETUP legs, no TREE_CONNECT
}
