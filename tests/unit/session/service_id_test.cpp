// Naming what answers on a port that is no DCE/RPC server: the real answers of Samba's LDAP,
// KDC, kpasswd and smbd, of OpenSSL, Python's http.server and banner scripts to our probes
// (service_answers.hpp says where each came from), spec-built messages where no server here
// sends one, and the probes themselves.
#include "service_answers.hpp"

#include <epmdump/session/service_id.hpp>
#include <epmdump/session/service_requests.hpp>
#include <epmdump/core/hex.hpp>
#include <support/test_files.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using epmdump::client::recognize_service;
using epmdump::client::service_probes_for;
using epmdump::epm::service_kind;
using epmdump::test::from_hex;
using epmdump::test::to_bytes;

namespace {

struct named_as
{
    service_kind kind;
    std::string looks_like;
};

// What recognize_service says of these bytes, "" / unknown when it says nothing.
named_as name_of(std::span<const std::byte> bytes)
{
    const auto g = recognize_service(bytes);
    if (!g) return {service_kind::unknown, ""};
    return {g->kind, g->looks_like};
}

named_as name_of_hex(std::string_view hex) { return name_of(from_hex(hex)); }

} // namespace

TEST_CASE("the probes are the bytes the real servers answered")
{
    using namespace service_answers;
    CHECK(epmdump::client::smb2_negotiate_request() == from_hex(sent_smb2_negotiate));
    CHECK(epmdump::client::nbss_session_request() == from_hex(sent_nbss_session_request));
    CHECK(epmdump::client::ldap_anonymous_bind_request() == from_hex(sent_ldap_anonymous_bind));
    CHECK(epmdump::client::tls_client_hello() == from_hex(sent_tls_client_hello));
    CHECK(epmdump::client::kerberos_as_request() == from_hex(sent_kerberos_as_request));
    CHECK(epmdump::client::kpasswd_request() == from_hex(sent_kpasswd_request));
    CHECK(epmdump::client::http_get_request() == to_bytes("GET / HTTP/1.0\r\n\r\n"));
}

TEST_CASE("the probes' own length fields agree with their sizes")
{
    const auto be = [](const std::vector<std::byte>& b, std::size_t at, std::size_t n) {
        std::size_t v = 0;
        for (std::size_t i = 0; i < n; ++i) v = v * 256 + static_cast<unsigned>(b[at + i]);
        return v;
    };
    const auto hello = epmdump::client::tls_client_hello();
    CHECK(be(hello, 3, 2) == hello.size() - 5); // record length
    CHECK(be(hello, 6, 3) == hello.size() - 9); // handshake length
    for (const auto& framed : {epmdump::client::smb2_negotiate_request(), epmdump::client::kerberos_as_request(),
                               epmdump::client::kpasswd_request()})
        CHECK(be(framed, 0, 4) == framed.size() - 4);
    const auto session = epmdump::client::nbss_session_request();
    CHECK(be(session, 2, 2) == session.size() - 4);
    CHECK(session.size() == 4 + 34 + 34); // two encoded 16-octet names
    const auto ldap = epmdump::client::ldap_anonymous_bind_request();
    CHECK(static_cast<std::size_t>(ldap[1]) == ldap.size() - 2);
}

TEST_CASE("Samba's LDAP bindResponse on 389 and 3268 is LDAP with its result code")
{
    const auto n = name_of_hex(service_answers::samba_ldap_389_bind_response);
    CHECK(n.kind == service_kind::ldap);
    CHECK(n.looks_like == "LDAP bindResponse, resultCode success (0)");
}

TEST_CASE("an LDAP notice of disconnection is named as one")
{
    // RFC 4511 4.4.1: extendedResp, messageID 0, resultCode protocolError (2), empty matchedDN and
    // diagnosticMessage, responseName 1.3.6.1.4.1.1466.20036 (built from the RFC: no server here sends it).
    const std::string op = "0a0102" "0400" "0400" "8a16" + epmdump::to_hex(to_bytes("1.3.6.1.4.1.1466.20036"));
    const auto n = name_of_hex("3024" "020100" "781f" + op);
    CHECK(n.kind == service_kind::ldap);
    CHECK(n.looks_like == "LDAP notice of disconnection, resultCode protocolError (2)");
}

TEST_CASE("a TLS 1.3 ServerHello is named with the version its supported_versions extension gives")
{
    for (auto hex : {service_answers::samba_ldaps_636_server_hello, service_answers::openssl_s_server_tls13_server_hello})
    {
        const auto n = name_of_hex(hex);
        CHECK(n.kind == service_kind::tls);
        CHECK(n.looks_like == "TLS handshake: ServerHello, TLS 1.3, cipher suite 0x1301");
    }
    const auto twelve = name_of_hex(service_answers::openssl_s_server_tls12_server_hello);
    CHECK(twelve.kind == service_kind::tls);
    CHECK(twelve.looks_like == "TLS handshake: ServerHello, TLS 1.2, cipher suite 0xc02b");
}

TEST_CASE("a ServerHello cut before its extensions names no version rather than the legacy 1.2")
{
    const auto whole = from_hex(service_answers::samba_ldaps_636_server_hello);
    const auto cut = std::span(whole).first(epmdump::epm::max_first_bytes);
    const auto n = name_of(cut);
    CHECK(n.kind == service_kind::tls);
    CHECK(n.looks_like == "TLS handshake: ServerHello");
}

TEST_CASE("a TLS alert is named with its level and description")
{
    const auto n = name_of_hex(service_answers::openssl_s_server_handshake_failure);
    CHECK(n.kind == service_kind::tls);
    CHECK(n.looks_like == "TLS alert: fatal handshake_failure (40)");
    CHECK(name_of_hex("150301000201ff").looks_like == "TLS alert: warning 255");
}

TEST_CASE("the KDC's KRB-ERROR over TCP is Kerberos with its error code")
{
    const auto n = name_of_hex(service_answers::samba_kdc_88_krb_error);
    CHECK(n.kind == service_kind::kerberos);
    CHECK(n.looks_like == "Kerberos KRB-ERROR KDC_ERR_C_PRINCIPAL_UNKNOWN (6)");
}

TEST_CASE("a kpasswd reply holding a KRB-ERROR is Kerberos")
{
    const auto n = name_of_hex(service_answers::samba_kpasswd_464_reply);
    CHECK(n.kind == service_kind::kerberos);
    CHECK(n.looks_like == "Kerberos kpasswd reply: KRB-ERROR KDC_ERR_BAD_PVNO (2)");
}

TEST_CASE("smbd's SMB2 NEGOTIATE response is SMB with its dialect, and without it when cut")
{
    const auto whole = from_hex(service_answers::samba_smbd_445_negotiate_response);
    const auto n = name_of(whole);
    CHECK(n.kind == service_kind::smb);
    CHECK(n.looks_like == "SMB2 NEGOTIATE response, dialect 3.0.2");
    const auto cut = name_of(std::span(whole).first(epmdump::epm::max_first_bytes));
    CHECK(cut.kind == service_kind::smb);
    CHECK(cut.looks_like == "SMB2 NEGOTIATE response");
}

TEST_CASE("NetBIOS session service answers are SMB")
{
    const auto yes = name_of_hex(service_answers::samba_smbd_139_session_response);
    CHECK(yes.kind == service_kind::smb);
    CHECK(yes.looks_like == "NetBIOS session service: positive session response");
    // RFC 1002 4.3.4 NEGATIVE SESSION RESPONSE, "called name not present" (what Windows says to a
    // name it does not hold).
    const auto no = name_of_hex("8300000182");
    CHECK(no.kind == service_kind::smb);
    CHECK(no.looks_like == "NetBIOS session service: negative session response, called name not present (130)");
    CHECK(name_of_hex("85000000").kind == service_kind::smb); // keep-alive
    CHECK(name_of_hex("82000001").kind == service_kind::unknown); // a positive response has no body
}

TEST_CASE("an SMB1 answer after the NBSS header is SMB1 with its command and status")
{
    // [MS-CIFS] 2.2.3.1 header: \xffSMB, Command 0x72 NEGOTIATE, Status STATUS_SUCCESS (the first
    // 13 octets of an SMB1 negotiate response; built from the spec).
    const auto n = name_of_hex("00000055" "ff534d42" "72" "00000000" "98");
    CHECK(n.kind == service_kind::smb);
    CHECK(n.looks_like == "SMB1 NEGOTIATE, status 0x00000000");
}

TEST_CASE("an HTTP status line is HTTP and looks like the status line")
{
    const auto n = name_of_hex(service_answers::python_http_server_get);
    CHECK(n.kind == service_kind::http);
    CHECK(n.looks_like == "HTTP/1.0 200 OK");
    const auto html = name_of_hex(service_answers::python_http_server_client_hello);
    CHECK(html.kind == service_kind::http);
    CHECK(html.looks_like == "an HTML page without an HTTP status line");
}

TEST_CASE("SSH banners and 220 greetings are named by their first line, control bytes cut off")
{
    const auto ssh = name_of_hex(service_answers::ssh_banner);
    CHECK(ssh.kind == service_kind::ssh);
    CHECK(ssh.looks_like == "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
    const auto smtp = name_of_hex(service_answers::smtp_greeting);
    CHECK(smtp.kind == service_kind::smtp);
    CHECK(smtp.looks_like == "220 mail.example.test ESMTP Postfix (Debian/GNU)");
    const auto hostile = name_of(to_bytes(std::string("220 evil\x1b[2Jtext\r\n", 18)));
    CHECK(hostile.looks_like == "220 evil");
    const auto long_line = name_of(to_bytes("SSH-2.0-" + std::string(500, 'x')));
    CHECK(long_line.looks_like.size() <= 120);
}

TEST_CASE("bytes of no service we know, or too few to tell, are not named")
{
    CHECK_FALSE(recognize_service({}));
    CHECK_FALSE(recognize_service(to_bytes("+OK POP3 server ready\r\n")));
    CHECK_FALSE(recognize_service(to_bytes("HTTP/1.")));
    CHECK_FALSE(recognize_service(from_hex("16")));
    CHECK_FALSE(recognize_service(from_hex("0000")));
    // A DCE/RPC bind_nak header (C706 12.6.4.11): DCE/RPC is the caller's business, not a service guess.
    CHECK_FALSE(recognize_service(from_hex("05000d0310000000180000000100000004000000")));
    // LDAP-looking SEQUENCEs whose protocolOp is no LDAP operation, or one in the wrong form
    // (abandonRequest is primitive, [APPLICATION 16] 0x50).
    CHECK_FALSE(recognize_service(from_hex("30050201017a00")));
    CHECK_FALSE(recognize_service(from_hex("30050201017000")));
}

TEST_CASE("every prefix of a real answer is named as the whole is, or not named at all")
{
    using namespace service_answers;
    for (auto hex : {samba_ldap_389_bind_response, samba_ldaps_636_server_hello, samba_kdc_88_krb_error,
                     samba_kpasswd_464_reply, samba_smbd_445_negotiate_response, samba_smbd_139_session_response,
                     python_http_server_get, openssl_s_server_tls12_server_hello, openssl_s_server_handshake_failure,
                     ssh_banner, smtp_greeting})
    {
        const auto whole = from_hex(hex);
        const auto kind = name_of(whole).kind;
        REQUIRE(kind != service_kind::unknown);
        for (std::size_t n = 0; n < whole.size(); ++n)
        {
            const auto part = name_of(std::span(whole).first(n));
            CHECK((part.kind == kind || part.kind == service_kind::unknown));
        }
    }
}

TEST_CASE("each port's probes lead with its usual service, then every other kind once")
{
    const auto kinds = [](std::uint16_t port) {
        std::vector<service_kind> out;
        for (const auto& p : service_probes_for(port)) out.push_back(p.kind);
        return out;
    };
    using k = service_kind;
    CHECK(kinds(445) == std::vector{k::smb, k::http, k::tls, k::ldap, k::kerberos});
    CHECK(kinds(139) == std::vector{k::smb, k::smb, k::http, k::tls, k::ldap, k::kerberos});
    CHECK(service_probes_for(139).front().request == epmdump::client::nbss_session_request());
    CHECK(kinds(389) == std::vector{k::ldap, k::http, k::tls, k::smb, k::kerberos});
    CHECK(kinds(3268) == kinds(389));
    CHECK(kinds(636) == std::vector{k::tls, k::http, k::smb, k::ldap, k::kerberos});
    CHECK(kinds(3269) == kinds(636));
    CHECK(kinds(88) == std::vector{k::kerberos, k::http, k::tls, k::smb, k::ldap});
    CHECK(kinds(464) == std::vector{k::kerberos, k::kerberos, k::http, k::tls, k::smb, k::ldap});
    CHECK(service_probes_for(464).front().request == epmdump::client::kpasswd_request());
    CHECK(kinds(80) == std::vector{k::http, k::tls, k::smb, k::ldap, k::kerberos});
    CHECK(kinds(49152) == kinds(80));
    for (std::uint32_t port = 0; port <= 65535; port += 97)
    {
        const auto probes = service_probes_for(static_cast<std::uint16_t>(port));
        CHECK(probes.size() <= 6);
        const auto listed = kinds(static_cast<std::uint16_t>(port));
        const std::set<k> distinct(listed.begin(), listed.end());
        CHECK(distinct.size() == 5);
        for (const auto& p : probes) CHECK((!p.request.empty() && p.request.size() <= 512));
    }
}
