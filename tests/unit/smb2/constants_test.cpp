#include <epmdump/smb2/constants.hpp>
#include <epmdump/smb2/error.hpp>
#include <epmdump/smb2/pipe_session.hpp>
#include <epmdump/smb2/status.hpp>

#include <doctest/doctest.h>

using namespace epmdump::smb2;

TEST_CASE("SMB2 statuses are named as [MS-ERREF] names them, and unknown ones are not")
{
    CHECK(status_name(status::STATUS_ACCESS_DENIED) == "STATUS_ACCESS_DENIED");
    CHECK(status_name(0xC0000022) == "STATUS_ACCESS_DENIED");
    CHECK(status_name(0x80000005) == "STATUS_BUFFER_OVERFLOW");
    CHECK(status_name(0x00000103) == "STATUS_PENDING");
    CHECK(status_name(0xC0FFEE00).empty());
    CHECK(is_error(status::STATUS_LOGON_FAILURE));
    CHECK_FALSE(is_error(status::STATUS_BUFFER_OVERFLOW));
}

TEST_CASE("SMB2 commands, dialects and ciphers have their spec names")
{
    CHECK(to_string(command::ioctl) == "IOCTL");
    CHECK(to_string(static_cast<command>(0x99)) == "UNKNOWN");
    CHECK(to_string(dialect::smb3_1_1) == "3.1.1");
    CHECK(is_smb3(dialect::smb3_0));
    CHECK_FALSE(is_smb3(dialect::smb2_1));
    CHECK(key_length(cipher::aes256_gcm) == 32);
    CHECK(nonce_length(cipher::aes128_ccm) == 11);
    CHECK(fsctl_pipe_transceive == 0x0011C017);
}

TEST_CASE("an SMB2 failure message names its code, phase and the server's status")
{
    failure f{errc::access_denied, phase::session_setup, status::STATUS_ACCESS_DENIED, {}, {}, "null session refused"};
    CHECK(f.message() == "access_denied in session_setup: STATUS_ACCESS_DENIED (null session refused)");
    failure g{errc::server_status, phase::create, 0xC0FFEE00u, {}, {}, {}};
    CHECK(g.message() == "server_status in create: 0xc0ffee00");
}
