// The sans-I/O session with a security context: the legs (bind, bind_ack, rpc_auth3 or
// alter_context), protected calls, and the typed refusals, against a peer written here with the
// codec and the deterministic test mechanism (support/test_mechanism.hpp: framing, padding,
// legs and level checks, not crypto).
#include "support/sample_entries.hpp"
#include "support/test_mechanism.hpp"

#include <epmdump/session/lookup_session.hpp>
#include <epmdump/dcerpc/any_pdu.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/bind_nak.hpp>
#include <epmdump/dcerpc/control_pdu.hpp>
#include <epmdump/dcerpc/fault.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/response.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_status.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::client;

namespace {

// What the peer does differently from a correct server.
struct peer_quirks
{
    std::optional<std::uint8_t> answer_level;
    bool corrupt_signature = false;
    bool echo_header_sign = true;
    std::optional<std::uint16_t> nak;           // bind_nak reason instead of bind_ack
    std::optional<std::uint32_t> call_fault;    // fault to the first call
    std::uint16_t frag = 1432;                  // response fragment size
};

// A server for one association speaking the test mechanism, PDU by PDU.
struct peer
{
    peer_quirks quirks;
    std::vector<epm::endpoint_entry> entries = test::sample_entries(40); // several fragments at 1432
    dcerpc::sec_trailer trailer;
    bool header_sign = false;
    bool established = false;
    test::mech_keys keys{false};
    int verified = 0;
    int auth3s = 0;
    int alters = 0;
    std::vector<std::size_t> request_frag_lengths;

    dcerpc::sec_trailer ours() const
    {
        auto t = trailer;
        if (quirks.answer_level) t.auth_level = *quirks.answer_level;
        return t;
    }

    std::vector<std::byte> ack(std::uint32_t call_id, bool alter, std::string_view token) const
    {
        dcerpc::bind_ack_params a;
        a.max_xmit_frag = quirks.frag;
        a.max_recv_frag = quirks.frag;
        a.secondary_address = alter ? "" : "135";
        a.results.push_back(dcerpc::context_result{dcerpc::result_acceptance, 0, dcerpc::ndr20_syntax()});
        if (!alter) a.results.push_back(dcerpc::context_result{dcerpc::result_negotiate_ack, 0, {}});
        if (header_sign) a.flags |= dcerpc::pfc_support_header_sign;
        auto out = alter ? dcerpc::encode_alter_context_resp(call_id, a) : dcerpc::encode_bind_ack(call_id, a);
        dcerpc::append_auth_verifier(out, ours(), test::mech_token(token));
        return out;
    }

    std::vector<std::byte> answer(std::span<const std::byte> pdu)
    {
        auto h = dcerpc::decode_common_header(pdu);
        REQUIRE(h.has_value());
        switch (h->type)
        {
        case dcerpc::pdu_type::bind:
        {
            auto b = dcerpc::decode_bind(*h, pdu);
            REQUIRE(b.has_value());
            REQUIRE(b->auth.has_value());
            CHECK(test::is_token(b->auth->auth_value, test::mech_init));
            CHECK((b->params.flags & dcerpc::pfc_support_header_sign) != 0);
            if (quirks.nak)
            {
                dcerpc::bind_nak_params nak;
                nak.provider_reject_reason = *quirks.nak;
                return dcerpc::encode_bind_nak(h->call_id, nak);
            }
            trailer = b->auth->trailer;
            header_sign = quirks.echo_header_sign;
            return ack(h->call_id, false, test::mech_challenge);
        }
        case dcerpc::pdu_type::alter_context:
        {
            auto b = dcerpc::decode_bind(*h, pdu);
            REQUIRE(b.has_value());
            REQUIRE(b->auth.has_value());
            CHECK(test::is_token(b->auth->auth_value, test::mech_alter));
            ++alters;
            established = true;
            return ack(h->call_id, true, test::mech_done);
        }
        case dcerpc::pdu_type::auth3:
        {
            auto a = dcerpc::decode_auth3(*h, pdu);
            REQUIRE(a.has_value());
            REQUIRE(a->auth.has_value());
            CHECK(test::is_token(a->auth->auth_value, test::mech_auth3));
            CHECK(a->auth->trailer == dcerpc::sec_trailer{trailer.auth_type, trailer.auth_level, 0, 0, trailer.auth_context_id});
            CHECK(((h->flags & dcerpc::pfc_support_header_sign) != 0) == header_sign); // as Windows does
            ++auth3s;
            established = true;
            return {};
        }
        case dcerpc::pdu_type::request: return answer_request(*h, pdu);
        default: FAIL("unexpected PDU"); return {};
        }
    }

    std::vector<std::byte> answer_request(const dcerpc::common_header& h, std::span<const std::byte> pdu)
    {
        REQUIRE(established);
        request_frag_lengths.push_back(h.frag_length);
        std::vector<std::byte> copy(pdu.begin(), pdu.end());
        if (trailer.auth_level >= 3)
        {
            auto r = dcerpc::decode_request(h, pdu);
            REQUIRE(r.has_value());
            REQUIRE(r->auth.has_value());
            CHECK(r->auth->trailer.auth_level == trailer.auth_level);
            // [MS-RPCE] 2.2.2.12: the stub and its padding fill whole 16-octet blocks.
            CHECK((r->stub.size() + r->auth->trailer.auth_pad_length) % 16 == 0);
            const std::size_t signature = copy.size() - h.auth_length;
            const std::size_t sec = signature - 8;
            const std::span<std::byte> all(copy);
            const auto header = header_sign ? all.subspan(0, 24) : std::span<std::byte>{};
            const auto tr = header_sign ? all.subspan(sec, 8) : std::span<std::byte>{};
            REQUIRE(keys.verify(trailer.auth_level == 6, header, all.subspan(24, sec - 24), tr, all.subspan(signature)));
            ++verified;
        }
        else
            CHECK(h.auth_length == 0);
        auto r = dcerpc::decode_request(h, copy);
        REQUIRE(r.has_value());
        if (quirks.call_fault)
        {
            dcerpc::fault_params f;
            f.status = *quirks.call_fault;
            return dcerpc::encode_fault(h.call_id, f);
        }
        epm::ept_lookup_response page;
        page.entries = entries;
        page.num_ents = static_cast<std::uint32_t>(entries.size());
        page.status = epm::ept_s_not_registered;
        ndr::writer stub;
        epm::encode_ept_lookup_response(page, stub, 500);
        dcerpc::response_params p{0, 0, quirks.frag};
        if (trailer.auth_level < 3) return dcerpc::encode_response(h.call_id, p, stub.buffer());
        std::vector<dcerpc::protected_fragment> layout;
        auto out = dcerpc::encode_response(h.call_id, p, stub.buffer(), {ours(), test::mech_signature_length}, layout);
        const std::span<std::byte> all(out);
        for (const auto& f : layout)
        {
            CHECK(f.end - f.start <= quirks.frag);
            const auto header = header_sign ? all.subspan(f.start, f.body - f.start) : std::span<std::byte>{};
            const auto tr = header_sign ? all.subspan(f.trailer, 8) : std::span<std::byte>{};
            keys.sign(trailer.auth_level == 6, header, all.subspan(f.body, f.trailer - f.body), tr,
                      all.subspan(f.signature, f.end - f.signature));
            if (quirks.corrupt_signature) out[f.signature + 3] ^= std::byte{0x40};
        }
        return out;
    }
};

std::string error_text(const rpc_session& s) { return s.error() ? s.error()->message() : std::string(); }

client_options auth_options(const std::shared_ptr<test::test_provider>& provider, epm::auth_level level)
{
    client_options o;
    o.max_recv_frag = 1432;
    o.max_xmit_frag = 1432;
    o.security = provider;
    o.auth_level = level;
    return o;
}

struct outcome
{
    std::vector<std::vector<std::byte>> written;
    int legs_run = 0;
};

// Drives the session against the peer; authenticate actions run the job in place.
outcome converse(lookup_session& s, peer& p)
{
    outcome out;
    s.set_auth_target("dc1.epmtest.lan");
    auto act = s.start();
    std::vector<std::byte> pending;
    for (int guard = 0; act.type != next_action::kind::done && guard < 100; ++guard)
    {
        switch (act.type)
        {
        case next_action::kind::authenticate:
            CHECK(act.phase == phase::auth);
            ++out.legs_run;
            act = s.on_authenticated(s.pending_auth().run());
            break;
        case next_action::kind::write:
        {
            out.written.emplace_back(act.data.begin(), act.data.end());
            // The written bytes may hold several PDUs (fragments): answer each whole request once.
            std::span<const std::byte> rest = out.written.back();
            while (!rest.empty())
            {
                auto h = dcerpc::decode_common_header(rest);
                REQUIRE(h.has_value());
                auto answer = p.answer(rest.first(h->frag_length));
                pending.insert(pending.end(), answer.begin(), answer.end());
                rest = rest.subspan(h->frag_length);
            }
            act = s.on_written();
            break;
        }
        case next_action::kind::read:
        {
            REQUIRE_FALSE(pending.empty());
            auto bytes = std::move(pending);
            pending.clear();
            act = s.on_read(bytes);
            break;
        }
        case next_action::kind::done: break;
        }
    }
    CHECK(act.type == next_action::kind::done);
    return out;
}

} // namespace

TEST_CASE("an authenticated lookup runs bind, bind_ack and rpc_auth3, then signed and sealed calls at each level")
{
    for (auto level : {epm::auth_level::connect, epm::auth_level::integrity, epm::auth_level::privacy})
    {
        CAPTURE(epm::to_string(level));
        auto provider = std::make_shared<test::test_provider>(test::mech_settings{});
        peer p;
        lookup_session s(auth_options(provider, level), false);
        const auto o = converse(s, p);
        REQUIRE_MESSAGE(!s.error(), error_text(s));
        CHECK(s.entries() == p.entries);
        CHECK(o.legs_run == 2);
        CHECK(p.auth3s == 1);
        CHECK(p.alters == 0);
        CHECK(p.verified == (level == epm::auth_level::connect ? 0 : 1));
        CHECK(s.header_signing());
        REQUIRE(s.authenticated());
        CHECK(s.authenticated()->type == epm::auth_type::kerberos);
        CHECK(s.authenticated()->level == level);
        CHECK(s.authenticated()->principal == "tester@EPMTEST.LAN");
        CHECK(provider->hosts() == std::vector<std::string>{"dc1.epmtest.lan"});
        CHECK(s.stats().response_fragments >= 3); // each fragment verified on its own
        // The bind carries the first token with our type, level and context id.
        auto bind = dcerpc::decode_pdu(o.written.front());
        REQUIRE(bind.has_value());
        const auto& b = std::get<dcerpc::bind_pdu>(*bind);
        REQUIRE(b.auth.has_value());
        CHECK(b.auth->trailer.auth_type == 16);
        CHECK(b.auth->trailer.auth_level == static_cast<std::uint8_t>(level));
    }
}

TEST_CASE("a mechanism that needs another leg gets alter_context and alter_context_resp before the calls")
{
    test::mech_settings m;
    m.type = epm::auth_type::negotiate;
    m.legs = test::mech_legs::alter;
    auto provider = std::make_shared<test::test_provider>(m);
    peer p;
    lookup_session s(auth_options(provider, epm::auth_level::privacy), false);
    const auto o = converse(s, p);
    REQUIRE_MESSAGE(!s.error(), error_text(s));
    CHECK(o.legs_run == 3);
    CHECK(p.alters == 1);
    CHECK(p.auth3s == 0);
    CHECK(p.verified == 1);
    CHECK(s.entries() == p.entries);
    CHECK(s.authenticated()->type == epm::auth_type::negotiate);
}

TEST_CASE("without the header-signing echo the session signs the stub only, and the peer agrees")
{
    auto provider = std::make_shared<test::test_provider>(test::mech_settings{});
    peer p;
    p.quirks.echo_header_sign = false;
    lookup_session s(auth_options(provider, epm::auth_level::integrity), false);
    converse(s, p);
    REQUIRE_MESSAGE(!s.error(), error_text(s));
    CHECK_FALSE(s.header_signing());
    CHECK(p.verified == 1);
}

TEST_CASE("a response verifier at a lower level than asked is a downgrade: bad_verifier")
{
    auto provider = std::make_shared<test::test_provider>(test::mech_settings{});
    peer p;
    p.quirks.answer_level = 5; // integrity, where we asked privacy
    lookup_session s(auth_options(provider, epm::auth_level::privacy), false);
    converse(s, p);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::auth_failed);
    CHECK(s.error()->auth == epm::auth_errc::bad_verifier);
    CHECK(s.error()->detail.find("integrity") != std::string::npos);
    CHECK(s.entries().empty());
}

TEST_CASE("a response whose signature does not verify is bad_verifier and gives no entries")
{
    for (auto level : {epm::auth_level::integrity, epm::auth_level::privacy})
    {
        auto provider = std::make_shared<test::test_provider>(test::mech_settings{});
        peer p;
        p.quirks.corrupt_signature = true;
        lookup_session s(auth_options(provider, level), false);
        converse(s, p);
        REQUIRE(s.error());
        CHECK(s.error()->code == client_errc::auth_failed);
        CHECK(s.error()->auth == epm::auth_errc::bad_verifier);
        CHECK(s.error()->phase == phase::lookup);
        CHECK(s.entries().empty());
    }
}

TEST_CASE("a mechanism failing in its first step is auth_failed with its reason in phase auth, before any byte")
{
    test::mech_settings m;
    m.fail_at_leg = 0;
    auto provider = std::make_shared<test::test_provider>(m);
    peer p;
    lookup_session s(auth_options(provider, epm::auth_level::privacy), false);
    const auto o = converse(s, p);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::auth_failed);
    CHECK(s.error()->phase == phase::auth);
    CHECK(s.error()->auth == epm::auth_errc::clock_skew);
    CHECK(s.error()->message() == "authentication failed: Clock skew too great");
    CHECK(o.written.empty());
}

TEST_CASE("a mechanism failing on the server's token is auth_failed in phase bind")
{
    test::mech_settings m;
    m.fail_at_leg = 1;
    m.failure = {epm::auth_errc::bad_verifier, "mutual authentication failed"};
    auto provider = std::make_shared<test::test_provider>(m);
    peer p;
    lookup_session s(auth_options(provider, epm::auth_level::integrity), false);
    converse(s, p);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::auth_failed);
    CHECK(s.error()->phase == phase::bind);
    CHECK(s.error()->auth == epm::auth_errc::bad_verifier);
}

TEST_CASE("a bind_nak to an authenticated bind is auth_failed: credentials_refused, with the reason named")
{
    for (std::uint16_t reason : {0, 8, 9})
    {
        auto provider = std::make_shared<test::test_provider>(test::mech_settings{});
        peer p;
        p.quirks.nak = reason;
        lookup_session s(auth_options(provider, epm::auth_level::privacy), false);
        converse(s, p);
        REQUIRE(s.error());
        CHECK(s.error()->code == client_errc::auth_failed);
        CHECK(s.error()->auth == epm::auth_errc::credentials_refused);
        CHECK(s.error()->status == reason);
        CHECK(s.error()->phase == phase::bind);
    }
}

TEST_CASE("access denied with credentials is auth_failed: credentials_refused; a refused level is level_refused")
{
    const std::vector<std::pair<std::uint32_t, epm::auth_errc>> cases = {
        {5, epm::auth_errc::credentials_refused},
        {0x721, epm::auth_errc::credentials_refused},
        {0x1c00001d, epm::auth_errc::level_refused},
        {0x71d, epm::auth_errc::level_refused},
    };
    for (const auto& [status, reason] : cases)
    {
        CAPTURE(status);
        auto provider = std::make_shared<test::test_provider>(test::mech_settings{});
        peer p;
        p.quirks.call_fault = status;
        lookup_session s(auth_options(provider, epm::auth_level::integrity), false);
        converse(s, p);
        REQUIRE(s.error());
        CHECK(s.error()->code == client_errc::auth_failed);
        CHECK(s.error()->auth == reason);
        CHECK(s.error()->status == status);
    }
}

TEST_CASE("access denied without credentials is access_denied: anonymous_refused")
{
    lookup_session s(client_options{}, false);
    auto act = s.start();
    REQUIRE(act.type == next_action::kind::write);
    act = s.on_written();
    dcerpc::bind_ack_params a;
    a.results.push_back(dcerpc::context_result{dcerpc::result_acceptance, 0, dcerpc::ndr20_syntax()});
    a.results.push_back(dcerpc::context_result{dcerpc::result_negotiate_ack, 0, {}});
    const auto ack = dcerpc::encode_bind_ack(1, a);
    act = s.on_read(ack);
    REQUIRE(act.type == next_action::kind::write);
    act = s.on_written();
    dcerpc::fault_params f;
    f.status = 5;
    const auto fault = dcerpc::encode_fault(2, f);
    act = s.on_read(fault);
    CHECK(act.type == next_action::kind::done);
    REQUIRE(s.error());
    CHECK(s.error()->code == client_errc::access_denied);
    CHECK(s.error()->auth == epm::auth_errc::anonymous_refused);
    CHECK(s.error()->phase == phase::lookup);
    CHECK(s.error()->detail.find("rpc_s_access_denied") != std::string::npos);
    CHECK_FALSE(s.authenticated());
}

TEST_CASE("a bind_ack whose verifier names another auth_type or context id is bad_verifier")
{
    for (int variant = 0; variant < 2; ++variant)
    {
        auto provider = std::make_shared<test::test_provider>(test::mech_settings{});
        lookup_session s(auth_options(provider, epm::auth_level::integrity), false);
        auto act = s.start();
        REQUIRE(act.type == next_action::kind::authenticate);
        act = s.on_authenticated(s.pending_auth().run());
        REQUIRE(act.type == next_action::kind::write);
        act = s.on_written();
        dcerpc::bind_ack_params a;
        a.results.push_back(dcerpc::context_result{dcerpc::result_acceptance, 0, dcerpc::ndr20_syntax()});
        a.results.push_back(dcerpc::context_result{dcerpc::result_negotiate_ack, 0, {}});
        auto ack = dcerpc::encode_bind_ack(1, a);
        dcerpc::sec_trailer t{16, 5, 0, 0, 1};
        if (variant == 0) t.auth_type = 10;
        else t.auth_context_id = 77;
        dcerpc::append_auth_verifier(ack, t, test::mech_token(test::mech_challenge));
        act = s.on_read(ack);
        CHECK(act.type == next_action::kind::done);
        REQUIRE(s.error());
        CHECK(s.error()->auth == epm::auth_errc::bad_verifier);
    }
}
