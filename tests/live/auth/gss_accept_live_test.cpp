// The contexts epmdump_auth makes, accepted by real GSS-API holding the AD DC's own keys (its
// keytab, exported by auth-peer.sh) as Samba's RPC server accepts them (MIT GSS-API, DCE style):
// the three legs, and every PDU protection both ways with the buffer layout Samba uses
// (auth/kerberos/gssapi_helper.c): sealed = wrap_iov HEADER | SIGN_ONLY | DATA | SIGN_ONLY,
// signed = a MIC over the contiguous PDU. A changed byte, a replay or a downgrade never passes.
#include "auth_peer.hpp"

#include <epmdump/auth/credentials.hpp>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include <array>
#include <memory>
#include <vector>

using namespace epmdump;
using namespace epmdump::test;
using epm::auth_errc;
using bytes = std::vector<std::byte>;

namespace {

// The server side: the DC's keys, one context.
class acceptor
{
public:
    explicit acceptor(const std::string& keytab)
    {
        gss_key_value_element_desc element{"keytab", keytab.c_str()};
        gss_key_value_set_desc store{1, &element};
        OM_uint32 minor = 0;
        REQUIRE(gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_ACCEPT, &store,
                                      &cred_, nullptr, nullptr) == GSS_S_COMPLETE);
    }
    acceptor(const acceptor&) = delete;
    acceptor& operator=(const acceptor&) = delete;
    ~acceptor()
    {
        OM_uint32 minor = 0;
        if (context_ != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &context_, GSS_C_NO_BUFFER);
        gss_release_cred(&minor, &cred_);
    }

    // One leg: the client's token in, ours out.
    bytes accept(const bytes& token)
    {
        gss_buffer_desc in{token.size(), const_cast<std::byte*>(token.data())};
        gss_buffer_desc out{0, nullptr};
        OM_uint32 minor = 0;
        const OM_uint32 major = gss_accept_sec_context(&minor, &context_, cred_, &in, GSS_C_NO_CHANNEL_BINDINGS, nullptr,
                                                       nullptr, &out, &flags_, nullptr, nullptr);
        REQUIRE_MESSAGE(!GSS_ERROR(major), "gss_accept_sec_context: major " << major << " minor " << minor);
        complete_ = major == GSS_S_COMPLETE;
        bytes result(static_cast<std::byte*>(out.value), static_cast<std::byte*>(out.value) + out.length);
        gss_release_buffer(&minor, &out);
        return result;
    }
    bool complete() const { return complete_; }
    OM_uint32 flags() const { return flags_; }
    gss_ctx_id_t context() const { return context_; }

    std::size_t seal_length() const
    {
        std::array<gss_iov_buffer_desc, 2> v{{{GSS_IOV_BUFFER_TYPE_HEADER, {0, nullptr}}, {GSS_IOV_BUFFER_TYPE_DATA, {0, nullptr}}}};
        OM_uint32 minor = 0;
        int conf = 0;
        REQUIRE(gss_wrap_iov_length(&minor, context_, 1, GSS_C_QOP_DEFAULT, &conf, v.data(), v.size()) == GSS_S_COMPLETE);
        return v[0].buffer.length;
    }
    // Samba's seal and unseal: the verifier is the whole token (the wrap's HEADER).
    OM_uint32 wrap(bool conf_wanted, const bytes& header, bytes& body, const bytes& trailer, bytes& signature)
    {
        auto v = layout(signature, header, body, trailer);
        OM_uint32 minor = 0;
        int conf = 0;
        v[0].buffer = {0, nullptr};
        if (OM_uint32 major = gss_wrap_iov_length(&minor, context_, conf_wanted, GSS_C_QOP_DEFAULT, &conf, v.data(), v.size()); major != 0)
            return major;
        signature.assign(v[0].buffer.length, std::byte{0});
        v[0].buffer = {signature.size(), signature.data()};
        return gss_wrap_iov(&minor, context_, conf_wanted, GSS_C_QOP_DEFAULT, &conf, v.data(), v.size());
    }
    OM_uint32 unwrap(const bytes& header, bytes& body, const bytes& trailer, bytes signature, int& conf)
    {
        auto v = layout(signature, header, body, trailer);
        OM_uint32 minor = 0;
        gss_qop_t qop = 0;
        return gss_unwrap_iov(&minor, context_, &conf, &qop, v.data(), v.size());
    }
    // Samba's sign and check: a MIC over header, body and trailer as one buffer.
    bytes mic(const bytes& pdu)
    {
        gss_buffer_desc in{pdu.size(), const_cast<std::byte*>(pdu.data())};
        gss_buffer_desc out{0, nullptr};
        OM_uint32 minor = 0;
        REQUIRE(gss_get_mic(&minor, context_, GSS_C_QOP_DEFAULT, &in, &out) == GSS_S_COMPLETE);
        bytes result(static_cast<std::byte*>(out.value), static_cast<std::byte*>(out.value) + out.length);
        gss_release_buffer(&minor, &out);
        return result;
    }
    OM_uint32 verify(const bytes& pdu, const bytes& signature)
    {
        gss_buffer_desc message{pdu.size(), const_cast<std::byte*>(pdu.data())};
        gss_buffer_desc token{signature.size(), const_cast<std::byte*>(signature.data())};
        OM_uint32 minor = 0;
        gss_qop_t qop = 0;
        return gss_verify_mic(&minor, context_, &message, &token, &qop);
    }

private:
    static std::array<gss_iov_buffer_desc, 4> layout(bytes& signature, const bytes& header, bytes& body, const bytes& trailer)
    {
        return {{{GSS_IOV_BUFFER_TYPE_HEADER, {signature.size(), signature.data()}},
                 {GSS_IOV_BUFFER_TYPE_SIGN_ONLY, {header.size(), const_cast<std::byte*>(header.data())}},
                 {GSS_IOV_BUFFER_TYPE_DATA, {body.size(), body.data()}},
                 {GSS_IOV_BUFFER_TYPE_SIGN_ONLY, {trailer.size(), const_cast<std::byte*>(trailer.data())}}}};
    }

    gss_cred_id_t cred_ = GSS_C_NO_CREDENTIAL;
    gss_ctx_id_t context_ = GSS_C_NO_CONTEXT;
    OM_uint32 flags_ = 0;
    bool complete_ = false;
};

bytes of(std::initializer_list<unsigned> values)
{
    bytes out;
    for (auto v : values) out.push_back(static_cast<std::byte>(v));
    return out;
}

bytes concat(const bytes& a, const bytes& b, const bytes& c)
{
    bytes out(a);
    out.insert(out.end(), b.begin(), b.end());
    out.insert(out.end(), c.begin(), c.end());
    return out;
}

// A request's common header + request header (24 bytes), a stub with its padding, a sec_trailer.
const bytes request_header = of({0x05, 0x00, 0x00, 0x03, 0x10, 0x00, 0x00, 0x00, 0x74, 0x00, 0x4c, 0x00,
                                 0x02, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00});
const bytes stub = of({0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x00, 0x00, 0x00,
                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf4, 0x01, 0x00, 0x00,
                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
const bytes sec_trailer = of({0x10, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});

struct established
{
    std::shared_ptr<const client::security_provider> provider;
    std::unique_ptr<client::security_context> context;
    std::unique_ptr<acceptor> server;
    int client_tokens = 0;
};

// Runs the legs to the end, the way the session will: each token to the other side.
established establish(const auth_peer& p, epm::auth_type type)
{
    auth::credentials c;
    c.type = type;
    c.user = p.user;
    c.password = auth::secret(std::string_view(p.password));
    auto provider = auth::make_security_provider(std::move(c));
    REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().detail));
    established e{*provider, nullptr, std::make_unique<acceptor>(p.keytab)};
    auto context = e.provider->new_context(p.host);
    REQUIRE(context.has_value());
    e.context = std::move(*context);
    bytes server_token;
    for (int round = 0; round < 4; ++round)
    {
        auto leg = e.context->step(server_token);
        REQUIRE_MESSAGE(leg.has_value(), (leg ? "" : leg.error().detail));
        if (!leg->token.empty())
        {
            ++e.client_tokens;
            server_token = e.server->accept(leg->token);
        }
        if (leg->complete)
        {
            if (!e.server->complete() && !server_token.empty()) FAIL("the server has more to say after the client completed");
            break;
        }
    }
    REQUIRE(e.server->complete());
    return e;
}

// `check` on an established context of each GSS-API auth type: Kerberos (16) and SPNEGO (9).
template <typename Check>
void for_each_type(const auth_peer& p, Check check)
{
    for (auto type : {epm::auth_type::kerberos, epm::auth_type::negotiate})
    {
        CAPTURE(epm::to_string(type));
        auto e = establish(p, type);
        check(e);
    }
}

} // namespace

TEST_CASE("Kerberos, DCE style: AP-REQ, AP-REP, then our AP-REP (rpc_auth3), accepted with the DC's keys")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    auto e = establish(p, epm::auth_type::kerberos);
    CHECK(e.client_tokens == 2); // bind and rpc_auth3; the server's AP-REP came between
    CHECK((e.server->flags() & GSS_C_DCE_STYLE) != 0);
    CHECK((e.server->flags() & GSS_C_CONF_FLAG) != 0);
    CHECK((e.server->flags() & GSS_C_INTEG_FLAG) != 0);
    CHECK((e.server->flags() & GSS_C_MUTUAL_FLAG) != 0);
    CHECK(e.context->verifier_length(true) == e.server->seal_length());
    CHECK(e.context->verifier_length(false) > 0);
    CHECK(e.context->verifier_length(false) < e.context->verifier_length(true));
    MESSAGE("sealed verifier " << e.context->verifier_length(true) << " bytes, signature " << e.context->verifier_length(false));
}

TEST_CASE("Kerberos privacy: our sealed request opens on the server, the server's sealed response opens here")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    for_each_type(p, [](established& e) {
        bytes body = stub;
        bytes signature(e.context->verifier_length(true));
        REQUIRE(e.context->protect(true, request_header, body, sec_trailer, signature).has_value());
        CHECK(body != stub); // sealed in place
        int conf = 0;
        REQUIRE(e.server->unwrap(request_header, body, sec_trailer, signature, conf) == GSS_S_COMPLETE);
        CHECK(conf == 1);
        CHECK(body == stub);

        bytes reply = stub;
        bytes reply_signature;
        REQUIRE(e.server->wrap(true, request_header, reply, sec_trailer, reply_signature) == GSS_S_COMPLETE);
        bytes replayed = reply;
        REQUIRE(e.context->unprotect(true, request_header, reply, sec_trailer, reply_signature).has_value());
        CHECK(reply == stub);
        // The same response again: a replay.
        auto again = e.context->unprotect(true, request_header, replayed, sec_trailer, reply_signature);
        REQUIRE_FALSE(again.has_value());
        CHECK(again.error().reason == auth_errc::bad_verifier);
    });
}

TEST_CASE("Kerberos privacy: a changed byte of the verifier, the header or the sec_trailer, or a response only signed, is bad_verifier")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    auto e = establish(p, epm::auth_type::kerberos);
    for (int what = 0; what < 3; ++what)
    {
        CAPTURE(what);
        bytes header = request_header, trailer = sec_trailer, body = stub, signature;
        REQUIRE(e.server->wrap(true, header, body, trailer, signature) == GSS_S_COMPLETE);
        auto& victim = what == 0 ? signature : what == 1 ? header : trailer;
        victim[victim.size() - 1] ^= std::byte{0x01};
        auto r = e.context->unprotect(true, header, body, trailer, signature);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().reason == auth_errc::bad_verifier);
    }
    // A downgrade: the server's token signs but does not seal.
    bytes body = stub, signature;
    REQUIRE(e.server->wrap(false, request_header, body, sec_trailer, signature) == GSS_S_COMPLETE);
    auto r = e.context->unprotect(true, request_header, body, sec_trailer, signature);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().reason == auth_errc::bad_verifier);
}

TEST_CASE("Kerberos integrity: our signature verifies as a MIC over the whole PDU, and the server's verifies here")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    for_each_type(p, [](established& e) {
        bytes body = stub;
        bytes signature(e.context->verifier_length(false));
        REQUIRE(e.context->protect(false, request_header, body, sec_trailer, signature).has_value());
        CHECK(body == stub); // signed, not sealed
        CHECK(e.server->verify(concat(request_header, body, sec_trailer), signature) == GSS_S_COMPLETE);

        const auto reply_signature = e.server->mic(concat(request_header, stub, sec_trailer));
        CHECK(reply_signature.size() == e.context->verifier_length(false));
        bytes reply = stub;
        REQUIRE(e.context->unprotect(false, request_header, reply, sec_trailer, reply_signature).has_value());
        // A changed stub byte under the same signature.
        const auto next_signature = e.server->mic(concat(request_header, stub, sec_trailer));
        reply[8] ^= std::byte{0x80};
        auto r = e.context->unprotect(false, request_header, reply, sec_trailer, next_signature);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().reason == auth_errc::bad_verifier);
    });
}

TEST_CASE("session_key is the key the acceptor holds too (GSS_C_INQ_SSPI_SESSION_KEY), Kerberos and SPNEGO")
{
    REQUIRE_AUTH_PEER(p);
    krb5_world w(p.krb5_config);
    for_each_type(p, [](established& e) {
        OM_uint32 minor = 0;
        gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
        REQUIRE(gss_inquire_sec_context_by_oid(&minor, e.server->context(), GSS_C_INQ_SSPI_SESSION_KEY, &set) ==
                GSS_S_COMPLETE);
        REQUIRE(set != GSS_C_NO_BUFFER_SET);
        REQUIRE(set->count >= 1);
        const auto* key = static_cast<const std::byte*>(set->elements[0].value);
        const bytes servers(key, key + set->elements[0].length);
        gss_release_buffer_set(&minor, &set);
        const auto ours = e.context->session_key();
        CHECK(servers.size() >= 16); // an AES or RC4 key
        CHECK(bytes(ours.begin(), ours.end()) == servers);
    });
}
