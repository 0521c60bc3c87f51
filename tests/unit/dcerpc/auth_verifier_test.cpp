// The verifier's wire rules ([MS-RPCE] 2.2.2.10-12): protected requests and responses cut so
// that every fragment, verifier included, fits max_xmit_frag; padding to 16 octets from the
// stub's start; rpc_auth3 with its 4 pad octets.
#include <epmdump/dcerpc/control_pdu.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>

#include "dcerpc_test_util.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;

namespace {
std::vector<std::byte> counting(std::size_t n)
{
    std::vector<std::byte> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(i * 7);
    return out;
}
} // namespace

TEST_CASE("a protected request is cut so every fragment with its padding, sec_trailer and signature fits max_xmit_frag")
{
    const auto stub = counting(5000);
    const verifier_plan plan{sec_trailer{16, 6, 0, 0, 1}, 60}; // a Kerberos-sized wrap token
    std::vector<protected_fragment> layout;
    const auto bytes = encode_request(9, request_params{0, 2, std::nullopt, 1432}, stub, plan, layout);
    REQUIRE(layout.size() == 4);
    std::vector<std::byte> joined;
    std::size_t at = 0;
    for (std::size_t i = 0; i < layout.size(); ++i)
    {
        const auto& f = layout[i];
        CHECK(f.start == at);
        CHECK(f.end - f.start <= 1432);
        CHECK(f.body == f.start + 24);
        CHECK((f.trailer - f.body) % 16 == 0); // the stub and its padding: whole 16-octet blocks
        CHECK(f.signature == f.trailer + 8);
        CHECK(f.end == f.signature + 60);
        const std::span<const std::byte> pdu(bytes.data() + f.start, f.end - f.start);
        auto h = decode_common_header(pdu);
        REQUIRE_OK(h);
        CHECK(h->auth_length == 60);
        CHECK(h->first_frag() == (i == 0));
        CHECK(h->last_frag() == (i + 1 == layout.size()));
        auto r = decode_request(*h, pdu);
        REQUIRE_OK(r);
        REQUIRE(r->auth.has_value());
        CHECK(r->auth->trailer.auth_type == 16);
        CHECK(r->auth->trailer.auth_level == 6);
        CHECK(r->auth->trailer.auth_context_id == 1);
        CHECK(r->stub.size() + r->auth->trailer.auth_pad_length == f.trailer - f.body);
        CHECK(r->alloc_hint == stub.size() - joined.size());
        joined.insert(joined.end(), r->stub.begin(), r->stub.end());
        at = f.end;
    }
    CHECK(at == bytes.size());
    CHECK(joined == stub);
}

TEST_CASE("a protected response reassembles to its stub once each fragment's verifier is stripped")
{
    const auto stub = counting(3001);
    std::vector<protected_fragment> layout;
    const auto bytes = encode_response(4, response_params{0, 0, 1432}, stub, {sec_trailer{10, 5, 0, 0, 7}, 16}, layout);
    CHECK(layout.size() == 3);
    pdu_framer framer;
    message_assembler assembler;
    REQUIRE_OK(framer.feed(bytes));
    std::optional<message> m;
    for (;;)
    {
        auto f = framer.next();
        REQUIRE_OK(f);
        if (!*f) break;
        auto got = assembler.add(**f);
        REQUIRE_OK(got);
        if (*got) m = std::move(**got);
    }
    REQUIRE(m.has_value());
    CHECK(m->fragments == 3);
    CHECK(m->stub == stub);
}

TEST_CASE("rpc_auth3 carries 4 pad octets, then the sec_trailer and the token, and decodes back")
{
    const std::vector<std::byte> token = counting(90);
    const sec_trailer t{16, 5, 0, 0, 1};
    const auto pdu = encode_auth3(3, t, token);
    REQUIRE(pdu.size() == 16 + 4 + 8 + 90);
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    CHECK(h->type == pdu_type::auth3);
    CHECK(h->frag_length == pdu.size());
    CHECK(h->auth_length == 90);
    CHECK(h->call_id == 3);
    CHECK(pdu[20] == std::byte{16});
    CHECK(pdu[21] == std::byte{5});
    CHECK(pdu[22] == std::byte{0}); // already 4-aligned: no padding
    auto a = decode_auth3(*h, pdu);
    REQUIRE_OK(a);
    REQUIRE(a->auth.has_value());
    CHECK(a->auth->trailer == t);
    CHECK(std::equal(a->auth->auth_value.begin(), a->auth->auth_value.end(), token.begin(), token.end()));
}

TEST_CASE("padding counted from the stub start differs from padding counted from the PDU start")
{
    // A 24-octet request header is 8 mod 16: a 16-octet stub needs no padding from its own
    // start, where counting from the PDU start would add 8 ([MS-RPCE] 2.2.2.11; Windows and Samba).
    std::vector<protected_fragment> layout;
    const auto bytes = encode_request(1, request_params{0, 2, std::nullopt, 5840}, counting(16),
                                      {sec_trailer{9, 6, 0, 0, 1}, 16}, layout);
    REQUIRE(layout.size() == 1);
    CHECK(layout[0].trailer - layout[0].body == 16);
    CHECK(bytes[layout[0].trailer + 2] == std::byte{0}); // auth_pad_length
}
