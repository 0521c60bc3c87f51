// Every real PDU: each prefix, one trailing byte, and a fixed-seed batch of byte mutations
// through decode_pdu, the framer and the assembler.
#include <epmdump/dcerpc/any_pdu.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

#include <random>

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
std::vector<std::vector<std::byte>> real_pdus()
{
    std::vector<std::vector<std::byte>> out;
    for (auto v : {vectors::samba_bind, vectors::samba_bind_ack, vectors::samba_request, vectors::samba_response_first,
                   vectors::samba_response_last, vectors::suricata_bind_no_flags, vectors::suricata_request_opnum42,
                   vectors::suricata_fault, vectors::zeek_request_ntlm, vectors::zeek_response_ntlm})
        out.push_back(hex(v));
    return out;
}

// Synthetic PDUs for the types no capture of ours holds.
std::vector<std::vector<std::byte>> synthetic_pdus()
{
    const dcerpc::syntax_id epm_v3{*parse_uuid("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};
    std::vector<std::vector<std::byte>> out;
    bind_ack_params ack;
    ack.secondary_address = "135";
    ack.results = {{result_provider_rejection, 2, {}}, {result_acceptance, 0, ndr64_syntax()}, {result_negotiate_ack, 3, {}}};
    out.push_back(encode_bind_ack(2, ack, ndr::big_endian_ascii));
    out.push_back(encode_bind_nak(3, {reject_protocol_version_not_supported, {{5, 0}}, nil_uuid()}));
    bind_params b;
    b.contexts = make_contexts(epm_v3, {true, 3});
    out.push_back(encode_alter_context(4, b, ndr::big_endian_ascii));
    auto req = encode_request(5, 0, 3, pattern(40), must_uuid("00112233-4455-6677-8899-aabbccddeeff"));
    append_auth_verifier(req, {10, 6, 0, 0, 9}, pattern(16), 16);
    out.push_back(req);
    out.push_back(encode_control(pdu_type::auth3, 6));
    out.push_back(encode_shutdown(7));
    return out;
}

// A decoded PDU's views must lie inside the input.
bool inside(std::span<const std::byte> view, std::span<const std::byte> input)
{
    if (view.empty()) return true;
    return view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size();
}

bool views_inside(const any_pdu& p, std::span<const std::byte> input)
{
    return std::visit(
        [&](const auto& v) {
            bool ok = true;
            if constexpr (requires { v.stub; }) ok = ok && inside(v.stub, input);
            if constexpr (requires { v.auth; })
                if (v.auth) ok = ok && inside(v.auth->auth_value, input);
            return ok;
        },
        p);
}
} // namespace

TEST_CASE("every real and synthetic PDU decodes whole, with views inside the input")
{
    auto all = real_pdus();
    for (auto& p : synthetic_pdus()) all.push_back(p);
    for (const auto& pdu : all)
    {
        auto d = decode_pdu(pdu);
        REQUIRE_OK(d);
        CHECK(views_inside(*d, pdu));
    }
}

TEST_CASE("every prefix of every real PDU is truncated, never a value or a crash")
{
    auto all = real_pdus();
    for (auto& p : synthetic_pdus()) all.push_back(p);
    for (const auto& pdu : all)
    {
        test::for_each_prefix(pdu, [](std::span<const std::byte> cut) {
            auto d = decode_pdu(cut);
            REQUIRE_FALSE(d.has_value());
            REQUIRE(d.error().code == codec_errc::truncated);
            REQUIRE(d.error().offset <= cut.size());
        });
    }
}

TEST_CASE("a trailing byte after frag_length changes nothing")
{
    for (const auto& pdu : real_pdus())
    {
        const auto longer = with_trailing_byte(pdu);
        auto a = decode_pdu(pdu);
        auto b = decode_pdu(longer);
        REQUIRE_OK(a);
        REQUIRE_OK(b);
        CHECK(a->index() == b->index());
        CHECK(views_inside(*b, std::span<const std::byte>(longer).first(pdu.size())));
    }
}

TEST_CASE("fixed-seed random byte mutations of every PDU never crash and never escape the input")
{
    auto all = real_pdus();
    for (auto& p : synthetic_pdus()) all.push_back(p);
    std::mt19937 rng(20261124);
    std::size_t decoded = 0, rejected = 0;
    for (int round = 0; round < 4000; ++round)
    {
        auto pdu = all[rng() % all.size()];
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e)
        {
            // Bias towards the header and the fixed fields, where lengths and counts live.
            const std::size_t at = (rng() % 2 == 0) ? rng() % std::min<std::size_t>(pdu.size(), 48) : rng() % pdu.size();
            pdu[at] = std::byte(static_cast<unsigned char>(rng()));
        }
        if (rng() % 4 == 0) pdu.resize(rng() % (pdu.size() + 1));
        const exact_bytes block(pdu);
        const std::span<const std::byte> input = block.span();
        auto d = decode_pdu(input);
        if (d)
        {
            ++decoded;
            REQUIRE(views_inside(*d, input));
        }
        else
        {
            ++rejected;
        }
        // The same bytes through the stream side.
        pdu_framer f({65535, 1 << 20});
        message_assembler a(1 << 16);
        if (f.feed(input))
        {
            for (int guard = 0; guard < 8; ++guard)
            {
                auto p = f.next();
                if (!p || !*p) break;
                (void)a.add(**p);
            }
        }
    }
    CHECK(decoded + rejected == 4000);
    CHECK(decoded > 0);
    CHECK(rejected > 0);
}
