// pipe_session against the scripted server (real OpenSSL crypto on both sides): every dialect's
// signing, encryption by session or share, interim STATUS_PENDING, BUFFER_OVERFLOW + READ,
// WRITE + READ past MaxTransact, and the hostile cases (no credits, a bad signature, an answer
// larger than asked, a PENDING that never completes, a refused null session) as typed failures.
#include "scripted_smb_server.hpp"

#include <epmdump/smb2/pipe_session.hpp>
#include <epmdump/smb2_openssl/openssl_crypto.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::smb2;

namespace {

const std::vector<std::byte> session_key(16, std::byte{0x5a});

std::vector<std::byte> bytes_of(std::size_t n, std::uint8_t seed)
{
    std::vector<std::byte> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>((i * 31 + seed) & 0xFF);
    return out;
}

struct run_result
{
    std::vector<std::vector<std::byte>> answers;
    bool timed_out = false;
};

// Drives the session against the server: each ready sends the next of `messages`, then close().
run_result run(pipe_session& s, test::scripted_smb_server& server, const std::vector<std::vector<std::byte>>& messages)
{
    run_result r;
    std::vector<std::byte> inbox;
    std::size_t sent = 0;
    auto action = s.start();
    for (int steps = 0; steps < 10000; ++steps)
    {
        switch (action.type)
        {
        case next_action::kind::write:
        {
            auto answer = server.on_client(action.data);
            inbox.insert(inbox.end(), answer.begin(), answer.end());
            action = s.on_written();
            break;
        }
        case next_action::kind::read:
            if (inbox.empty())
            {
                r.timed_out = true; // the driver's deadline: nothing will come
                action = s.on_io_failure(errc::timeout, "the test's deadline");
                break;
            }
            {
                // Delivered in two pieces, to exercise the framing.
                const std::size_t half = (inbox.size() + 1) / 2;
                std::vector<std::byte> first(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(half));
                inbox.erase(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(half));
                action = s.on_read(first);
            }
            break;
        case next_action::kind::authenticate: action = s.on_authenticated(s.pending_auth().run()); break;
        case next_action::kind::message:
            r.answers.emplace_back(action.data.begin(), action.data.end());
            [[fallthrough]];
        case next_action::kind::ready:
            action = sent < messages.size() ? s.transceive(messages[sent++]) : s.close();
            break;
        case next_action::kind::done: return r;
        }
    }
    FAIL("the session did not finish");
    return r;
}

pipe_options options()
{
    pipe_options o;
    o.server = "server.example";
    o.crypto = openssl_crypto();
    o.salt[0] = std::byte{1};
    o.nonce_seed[3] = std::byte{7};
    return o;
}

} // namespace

TEST_CASE("each dialect's signing algorithm signs the requests and verifies the answers end to end")
{
    struct variant
    {
        dialect d;
        std::optional<signing_algorithm> negotiated;
        signing_algorithm expected;
    };
    for (const auto& v : {variant{dialect::smb2_0_2, {}, signing_algorithm::hmac_sha256},
                          variant{dialect::smb2_1, {}, signing_algorithm::hmac_sha256},
                          variant{dialect::smb3_0, {}, signing_algorithm::aes_cmac},
                          variant{dialect::smb3_0_2, {}, signing_algorithm::aes_cmac},
                          variant{dialect::smb3_1_1, {}, signing_algorithm::aes_cmac},
                          variant{dialect::smb3_1_1, signing_algorithm::aes_gmac, signing_algorithm::aes_gmac},
                          variant{dialect::smb3_1_1, signing_algorithm::hmac_sha256, signing_algorithm::hmac_sha256}})
    {
        CAPTURE(to_string(v.d));
        test::server_script script;
        script.dialect = v.d;
        script.signing = v.negotiated;
        script.pipe_answer = bytes_of(300, 1);
        test::scripted_smb_server server(script, openssl_crypto(), session_key);
        pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
        const auto request = bytes_of(120, 2);
        const auto r = run(s, server, {request, request});
        INFO((s.error() ? s.error()->message() : std::string("ok")));
        REQUIRE_FALSE(s.error().has_value());
        CHECK(r.answers == std::vector<std::vector<std::byte>>{script.pipe_answer, script.pipe_answer});
        CHECK(s.info().dialect == v.d);
        CHECK(s.info().signing);
        CHECK(s.info().signing_algorithm_used == v.expected);
        CHECK_FALSE(server.client_signature_bad);
        CHECK_FALSE(server.client_sent_unsigned);
        CHECK(server.ioctls == 2);
    }
}

TEST_CASE("the session info names the mechanism that authenticated it: SPNEGO's choice under negotiate, none for a null session")
{
    test::server_script script;
    script.pipe_answer = bytes_of(40, 3);
    {
        test::scripted_smb_server server(script, openssl_crypto(), session_key);
        pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key, epm::auth_type::negotiate,
                                                                          epm::auth_type::kerberos));
        run(s, server, {bytes_of(20, 4)});
        REQUIRE_FALSE(s.error().has_value());
        CHECK(s.info().mechanism == epm::auth_type::kerberos);
    }
    {
        test::scripted_smb_server server(script, openssl_crypto(), session_key);
        pipe_session s(options(), nullptr);
        run(s, server, {bytes_of(20, 4)});
        REQUIRE_FALSE(s.error().has_value());
        CHECK(s.info().mechanism == epm::auth_type::none);
    }
}

TEST_CASE("a session the server encrypts, or a share it encrypts, runs in TRANSFORM_HEADERs with each cipher")
{
    for (const auto c : {cipher::aes128_gcm, cipher::aes128_ccm, cipher::aes256_gcm, cipher::aes256_ccm})
    {
        for (const bool share : {false, true})
        {
            CAPTURE(to_string(c));
            CAPTURE(share);
            test::server_script script;
            script.cipher = c;
            (share ? script.encrypt_share : script.encrypt_session) = true;
            script.pipe_answer = bytes_of(200, 3);
            test::scripted_smb_server server(script, openssl_crypto(), session_key);
            pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
            const auto r = run(s, server, {bytes_of(50, 4)});
            INFO((s.error() ? s.error()->message() : std::string("ok")));
            REQUIRE_FALSE(s.error().has_value());
            CHECK(s.info().encryption);
            CHECK(s.info().cipher == c);
            REQUIRE(r.answers.size() == 1);
            CHECK(r.answers[0] == script.pipe_answer);
            CHECK_FALSE(server.client_signature_bad);
        }
    }
}

TEST_CASE("an SMB 3.0 server's encryption runs AES-128-CCM")
{
    test::server_script script;
    script.dialect = dialect::smb3_0;
    script.encrypt_session = true;
    script.pipe_answer = bytes_of(64, 5);
    test::scripted_smb_server server(script, openssl_crypto(), session_key);
    pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
    const auto r = run(s, server, {bytes_of(64, 6)});
    REQUIRE_FALSE(s.error().has_value());
    CHECK(s.info().cipher == cipher::aes128_ccm);
    CHECK(r.answers.size() == 1);
}

TEST_CASE("an interim STATUS_PENDING answer is followed by the final one, and the session keeps reading for it")
{
    test::server_script script;
    script.pending_ioctl = true;
    script.pipe_answer = bytes_of(100, 7);
    test::scripted_smb_server server(script, openssl_crypto(), session_key);
    pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
    const auto r = run(s, server, {bytes_of(10, 8)});
    REQUIRE_FALSE(s.error().has_value());
    CHECK(s.info().pending_interims == 1);
    REQUIRE(r.answers.size() == 1);
    CHECK(r.answers[0] == script.pipe_answer);
}

TEST_CASE("a STATUS_PENDING that never completes ends in the driver's timeout, typed in the transceive phase")
{
    test::server_script script;
    script.pending_never_completes = true;
    test::scripted_smb_server server(script, openssl_crypto(), session_key);
    pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
    const auto r = run(s, server, {bytes_of(10, 8)});
    CHECK(r.timed_out);
    REQUIRE(s.error().has_value());
    CHECK(s.error()->code == errc::timeout);
    CHECK(s.error()->phase == phase::transceive);
}

TEST_CASE("an IOCTL answer that overflows is completed by READs, and a message past MaxTransact goes by WRITE then READ")
{
    test::server_script script;
    script.max_size = 4096;
    script.ioctl_overflow_at = 1000;
    script.pipe_answer = bytes_of(10000, 9);
    test::scripted_smb_server server(script, openssl_crypto(), session_key);
    auto o = options();
    pipe_session s(o, std::make_unique<test::two_leg_context>(session_key));
    const auto big = bytes_of(9000, 10);
    const auto r = run(s, server, {bytes_of(100, 11), big});
    INFO((s.error() ? s.error()->message() : std::string("ok")));
    REQUIRE_FALSE(s.error().has_value());
    REQUIRE(r.answers.size() == 2);
    CHECK(r.answers[0] == script.pipe_answer);
    CHECK(r.answers[1] == script.pipe_answer);
    CHECK(server.writes == 3); // 9000 octets in 4096-octet WRITEs
    CHECK(server.reads >= 3 + 3);
    std::vector<std::byte> expected = bytes_of(100, 11);
    expected.insert(expected.end(), big.begin(), big.end());
    CHECK(server.pipe_received == expected);
}

TEST_CASE("hostile servers end in typed failures: no credits, a bad signature, an oversized answer, a refused null session")
{
    SUBCASE("no credit granted after the session is up")
    {
        test::server_script script;
        script.grant = 1; // one credit per answer: the client never holds more than one
        script.grant_after_setup = 0;
        test::scripted_smb_server server(script, openssl_crypto(), session_key);
        pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
        run(s, server, {});
        REQUIRE(s.error().has_value());
        CHECK(s.error()->code == errc::credits_exhausted);
        CHECK(s.error()->phase == phase::create); // TREE_CONNECT spent the last credit and got none
    }
    SUBCASE("a TREE_CONNECT answer whose signature does not verify")
    {
        test::server_script script;
        script.corrupt_signature = command::tree_connect;
        test::scripted_smb_server server(script, openssl_crypto(), session_key);
        pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
        run(s, server, {});
        REQUIRE(s.error().has_value());
        CHECK(s.error()->code == errc::bad_signature);
        CHECK(s.error()->phase == phase::tree_connect);
    }
    SUBCASE("an IOCTL answer (the pipe's own traffic) whose signature does not verify")
    {
        test::server_script script;
        script.pipe_answer = bytes_of(100, 1);
        script.corrupt_signature = command::ioctl;
        test::scripted_smb_server server(script, openssl_crypto(), session_key);
        pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
        const auto r = run(s, server, {bytes_of(10, 1)});
        REQUIRE(s.error().has_value());
        CHECK(s.error()->code == errc::bad_signature);
        CHECK(s.error()->phase == phase::transceive);
        CHECK(r.answers.empty()); // nothing of the forged answer reaches DCE/RPC
    }
    SUBCASE("a final SESSION_SETUP whose signature does not verify")
    {
        test::server_script script;
        script.corrupt_signature = command::session_setup;
        test::scripted_smb_server server(script, openssl_crypto(), session_key);
        pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
        run(s, server, {});
        REQUIRE(s.error().has_value());
        CHECK(s.error()->code == errc::bad_signature);
    }
    SUBCASE("an IOCTL output longer than MaxOutputResponse")
    {
        test::server_script script;
        script.pipe_answer = bytes_of(100, 1);
        script.ioctl_extra_output = 70000;
        script.max_size = 1u << 20;
        test::scripted_smb_server server(script, openssl_crypto(), session_key);
        pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
        run(s, server, {bytes_of(10, 1)});
        REQUIRE(s.error().has_value());
        CHECK(s.error()->code == errc::limit_exceeded);
    }
    SUBCASE("a server that refuses the null session")
    {
        test::server_script script;
        script.refuse_null_session = true;
        test::scripted_smb_server server(script, openssl_crypto(), session_key);
        pipe_session s(options(), nullptr);
        run(s, server, {});
        REQUIRE(s.error().has_value());
        CHECK(s.error()->code == errc::access_denied);
        CHECK(s.error()->auth == epm::auth_errc::anonymous_refused);
        CHECK(s.error()->phase == phase::session_setup);
    }
    SUBCASE("a session key the server does not share: its answers do not verify")
    {
        test::server_script script;
        test::scripted_smb_server server(script, openssl_crypto(), std::vector<std::byte>(16, std::byte{1}));
        pipe_session s(options(), std::make_unique<test::two_leg_context>(session_key));
        run(s, server, {});
        REQUIRE(s.error().has_value());
        CHECK(s.error()->code == errc::bad_signature);
    }
}

TEST_CASE("a null session the server accepts runs unsigned, and without crypto 3.1.1 is not offered")
{
    test::server_script script;
    script.dialect = dialect::smb3_0_2;
    script.pipe_answer = bytes_of(30, 2);
    test::scripted_smb_server server(script, openssl_crypto(), session_key);
    auto o = options();
    o.crypto = nullptr;
    pipe_session s(o, nullptr);
    const auto r = run(s, server, {bytes_of(30, 3)});
    INFO((s.error() ? s.error()->message() : std::string("ok")));
    REQUIRE_FALSE(s.error().has_value());
    CHECK_FALSE(s.info().signing);
    CHECK(r.answers.size() == 1);
}
