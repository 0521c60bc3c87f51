// smb2::pipe_session against the Samba AD DC's SMB server (EPMDUMP_SAMBA_ADDRESS, port 445):
// negotiate to the highest common dialect, a session, IPC$, \pipe\epmapper, a DCE/RPC bind
// transceived and answered by a bind_ack, then CLOSE and LOGOFF.
#include "blocking_driver.hpp"
#include "support/test_files.hpp"

#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/smb2/status.hpp>
#if EPMDUMP_SMB2_HAVE_OPENSSL
#include <epmdump/smb2_openssl/openssl_crypto.hpp>
#endif

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

using namespace epmdump;

namespace {

std::vector<std::byte> epm_bind()
{
    dcerpc::bind_params p;
    p.contexts = dcerpc::make_contexts(epm::ept_interface(), {});
    return dcerpc::encode_bind(1, p);
}

smb2::pipe_options options_for(const std::string& address)
{
    smb2::pipe_options o;
    o.server = address;
    o.client_guid[0] = std::byte{0x42};
    o.salt[5] = std::byte{0x17};
#if EPMDUMP_SMB2_HAVE_OPENSSL
    o.crypto = smb2::openssl_crypto();
#endif
    return o;
}

// Transceive one bind, then close.
smb2::next_action bind_then_close(smb2::pipe_session& s, const test::drive_result& r)
{
    static const auto bind = epm_bind();
    if (r.answers.empty()) return s.transceive(bind);
    return s.close();
}

} // namespace

TEST_CASE("a null session on the AD DC opens \\pipe\\epmapper and transceives a bind answered by a bind_ack")
{
    const char* address = std::getenv("EPMDUMP_SAMBA_ADDRESS");
    if (address == nullptr || *address == '\0') EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set");
    test::blocking_socket sock(address, 445);
    if (sock.fd < 0) EPMDUMP_SKIP(std::string("no SMB server on ") + address + ":445");
    smb2::pipe_session s(options_for(address), nullptr);
    const auto r = test::drive(s, sock, bind_then_close);
    INFO((s.error() ? s.error()->message() : std::string("no error")));
    CHECK_FALSE(s.error().has_value());
    REQUIRE(r.answers.size() == 1);
    REQUIRE(r.answers[0].size() >= 16);
    CHECK(r.answers[0][2] == std::byte{0x0c}); // bind_ack
    CHECK(s.done());
    CHECK(s.info().file_id != smb2::file_id{});
    CHECK(s.info().tree_id != 0);
    CHECK(s.info().session_id != 0);
    CHECK(s.info().requests == 8); // NEGOTIATE, 2 SESSION_SETUP, TREE_CONNECT, CREATE, IOCTL, CLOSE, LOGOFF
    CHECK_FALSE(s.info().signing); // an anonymous session has no key to sign with
#if EPMDUMP_SMB2_HAVE_OPENSSL
    CHECK(s.info().dialect == smb2::dialect::smb3_1_1);
#else
    CHECK(s.info().dialect == smb2::dialect::smb3_0_2);
#endif
}

TEST_CASE("the AD DC answers a pipe that does not exist with a typed pipe_not_found")
{
    const char* address = std::getenv("EPMDUMP_SAMBA_ADDRESS");
    if (address == nullptr || *address == '\0') EPMDUMP_SKIP("EPMDUMP_SAMBA_ADDRESS is not set");
    test::blocking_socket sock(address, 445);
    if (sock.fd < 0) EPMDUMP_SKIP(std::string("no SMB server on ") + address + ":445");
    auto o = options_for(address);
    o.pipe = "no-such-pipe-epmdump";
    smb2::pipe_session s(o, nullptr);
    test::drive(s, sock, bind_then_close);
    REQUIRE(s.error().has_value());
    CHECK(s.error()->code == smb2::errc::pipe_not_found);
    CHECK(s.error()->phase == smb2::phase::create);
    CHECK(s.error()->status == smb2::status::STATUS_OBJECT_NAME_NOT_FOUND);
}
