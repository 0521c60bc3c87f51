// Windows peers, read from ../shared/pcaps (captures without a stated licence stay there):
// the three-context bind with NDR64 and bind-time feature negotiation, its negotiate_ack
// bind_ack, NTLM alter_context/auth3/request, and an 11-fragment ept_lookup response whose
// fragments share and straddle TCP segments. Skipped where ../shared is absent.
#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/packet_decoder.hpp>
#include <epmdump/dcerpc/any_pdu.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/names.hpp>
#include <epmdump/dcerpc/negotiation.hpp>
#include <epmdump/dcerpc/syntax.hpp>

#include "dcerpc_test_util.hpp"

#include <map>

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
struct segment
{
    std::uint64_t frame = 0;
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::vector<std::byte> payload;
};

// TCP payloads per frame, in file order (these captures have no retransmissions).
std::optional<std::vector<segment>> tcp_payloads(const std::string& name)
{
    auto path = shared_file("pcaps/" + name);
    if (!path) return std::nullopt;
    auto file = capture::capture_file::open(*path);
    REQUIRE(file.has_value());
    std::vector<segment> out;
    for (;;)
    {
        auto rec = file->next();
        REQUIRE(rec.has_value());
        if (!*rec) break;
        auto p = capture::decode_packet(file->link_type(), (*rec)->data);
        if (p.kind != capture::packet_kind::tcp || p.segment.payload.empty()) continue;
        out.push_back({(*rec)->frame_number, p.segment.src_port, p.segment.dst_port, to_vector(p.segment.payload)});
    }
    return out;
}

const segment& frame(const std::vector<segment>& all, std::uint64_t n)
{
    for (const auto& s : all)
        if (s.frame == n) return s;
    FAIL("no TCP payload in frame " << n);
    return all.front();
}

const dcerpc::syntax_id epm_v3{*parse_uuid("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};
constexpr const char* ndr64_capture = "ndr64-ept-map-not-registered-ntlm-alter-context.pcapng";
constexpr const char* win10_capture = "win10-impacket-rpcdump-lookup-346-entries-11-frags.pcapng";
} // namespace

TEST_CASE("Windows client bind offers NDR 2.0, NDR64 and bind-time feature negotiation and we encode it identically")
{
    auto segs = tcp_payloads(ndr64_capture);
    if (!segs) EPMDUMP_SKIP("../shared/pcaps is absent");
    const auto& pdu = frame(*segs, 24).payload;
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    auto b = decode_bind(*h, pdu);
    REQUIRE_OK(b);
    REQUIRE(b->params.contexts.size() == 3);
    CHECK(b->params.max_xmit_frag == 5840);
    CHECK(b->params.contexts[0].transfer_syntaxes.at(0) == ndr20_syntax());
    CHECK(b->params.contexts[1].transfer_syntaxes.at(0) == ndr64_syntax());
    CHECK(bind_time_features(b->params.contexts[2].transfer_syntaxes.at(0)) == std::optional<std::uint64_t>{3});

    bind_params p;
    p.contexts = make_contexts(epm_v3, {true, feature_security_context_multiplexing | feature_keep_connection_on_orphan});
    CHECK(encode_bind(h->call_id, p) == pdu);
}

TEST_CASE("Windows bind_ack answers provider rejection, acceptance and negotiate_ack with feature bits 3")
{
    auto segs = tcp_payloads(ndr64_capture);
    if (!segs) EPMDUMP_SKIP("../shared/pcaps is absent");
    const auto& pdu = frame(*segs, 25).payload;
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    auto a = decode_bind_ack(*h, pdu);
    REQUIRE_OK(a);
    CHECK(a->params.max_xmit_frag == 5840);
    CHECK(a->params.max_recv_frag == 5840);
    CHECK(a->params.secondary_address == "135");
    REQUIRE(a->params.results.size() == 3);
    CHECK(a->params.results[0].result == result_provider_rejection);
    CHECK(provider_reason_name(a->params.results[0].reason) == "proposed_transfer_syntaxes_not_supported");
    CHECK(a->params.results[1].accepted());
    CHECK(a->params.results[1].transfer_syntax == ndr64_syntax());
    CHECK(a->params.results[2].result == result_negotiate_ack);
    CHECK(a->params.results[2].reason == 3);
    // Our encoder writes the same bytes from the decoded values.
    CHECK(encode_bind_ack(h->call_id, a->params) == pdu);
    // And the pair negotiates NDR64 on context 1 with both features acknowledged.
    const auto& bind_bytes = frame(*segs, 24).payload;
    auto b = decode_bind(decode_common_header(bind_bytes).value(), bind_bytes);
    REQUIRE_OK(b);
    auto n = negotiate(b->params, a->params);
    REQUIRE_OK(n);
    CHECK(n->ndr64_context == std::optional<std::uint16_t>{1});
    CHECK_FALSE(n->ndr20_context.has_value());
    CHECK(n->features == std::optional<std::uint64_t>{3});
    CHECK(n->max_xmit_frag == 5840);
}

namespace {
// Frames the DCE/RPC flows of the NTLM capture (the EPM on 135, DRSUAPI on 49667) and hands
// each whole PDU to `take`; `client_only`: only what the client sent.
template <class Take>
void for_each_rpc_pdu(const std::vector<segment>& segs, bool client_only, Take take)
{
    std::map<std::pair<std::uint16_t, std::uint16_t>, pdu_framer> flows;
    for (const auto& s : segs)
    {
        const bool to_server = s.dst_port == 135 || s.dst_port == 49667;
        const bool rpc = to_server || (!client_only && (s.src_port == 135 || s.src_port == 49667));
        if (!rpc) continue;
        auto& f = flows[{s.src_port, s.dst_port}];
        REQUIRE_OK(f.feed(s.payload));
        for (;;)
        {
            auto p = f.next();
            REQUIRE_OK(p);
            if (!*p) break;
            take(**p);
        }
    }
}
} // namespace

TEST_CASE("every DCE/RPC PDU of the Windows NTLM conversation frames and decodes")
{
    auto segs = tcp_payloads(ndr64_capture);
    if (!segs) EPMDUMP_SKIP("../shared/pcaps is absent");
    std::map<std::string_view, int> types;
    int with_auth = 0;
    for_each_rpc_pdu(*segs, false, [&](const pdu_frame& p) {
        auto d = decode_pdu(p.bytes);
        REQUIRE_OK(d);
        ++types[pdu_type_name(p.header.type)];
        if (p.header.auth_length != 0) ++with_auth;
    });
    // Counts as tshark 4.0 dissects the same flows.
    CHECK(types["bind"] == 2);
    CHECK(types["bind_ack"] == 3);
    CHECK(types["alter_context"] == 2);
    CHECK(types["alter_context_resp"] == 2);
    CHECK(types["auth3"] == 1);
    CHECK(types["request"] == 9);
    CHECK(types["response"] == 10);
    CHECK(with_auth == 21); // tshark: 21 PDUs with dcerpc.cn_auth_len != 0
}

TEST_CASE("Windows 11-fragment ept_lookup response reassembles to one 45,276-byte stub however it is split")
{
    auto segs = tcp_payloads(win10_capture);
    if (!segs) EPMDUMP_SKIP("../shared/pcaps is absent");
    std::vector<std::byte> server;
    for (const auto& s : *segs)
        if (s.src_port == 135) server.insert(server.end(), s.payload.begin(), s.payload.end());

    auto run = [&](const std::vector<std::span<const std::byte>>& chunks) {
        pdu_framer f;
        message_assembler a;
        std::vector<message> out;
        for (auto c : chunks)
        {
            REQUIRE_OK(f.feed(c));
            for (;;)
            {
                auto p = f.next();
                REQUIRE_OK(p);
                if (!*p) break;
                auto m = a.add(**p);
                REQUIRE_OK(m);
                if (*m) out.push_back(std::move(**m));
            }
        }
        return out;
    };
    // As captured, segment by segment.
    std::vector<std::span<const std::byte>> as_captured;
    for (const auto& s : *segs)
        if (s.src_port == 135) as_captured.emplace_back(s.payload);
    const auto expect = run(as_captured);
    REQUIRE(expect.size() == 2); // bind_ack, then the response
    CHECK(expect[0].type == pdu_type::bind_ack);
    CHECK(expect[1].type == pdu_type::response);
    CHECK(expect[1].fragments == 11);
    CHECK(expect[1].stub.size() == 45276);
    // Then cut at every 97th byte in two.
    const std::span<const std::byte> all(server);
    for (std::size_t cut = 0; cut <= server.size(); cut += 97)
    {
        auto got = run({all.first(cut), all.subspan(cut)});
        REQUIRE(got.size() == 2);
        REQUIRE(got[1].stub == expect[1].stub);
    }
}

TEST_CASE("Windows' NTLM rpc_auth3 and its signed requests re-encode byte for byte: 16-octet padding from the stub start")
{
    auto segs = tcp_payloads(ndr64_capture);
    if (!segs) EPMDUMP_SKIP("../shared/pcaps is absent");
    int auth3s = 0;
    int signed_requests = 0;
    for_each_rpc_pdu(*segs, true, [&](const pdu_frame& p) {
        const auto& h = p.header;
        const std::vector<std::byte> original(p.bytes.begin(), p.bytes.end());
        if (h.type == pdu_type::auth3)
        {
            auto a = decode_auth3(h, original);
            REQUIRE_OK(a);
            REQUIRE(a->auth.has_value());
            CHECK(a->auth->trailer.auth_type == 10); // RPC_C_AUTHN_WINNT
            // Windows fills the 4 octets with its max_xmit_frag/max_recv_frag and keeps
            // PFC_SUPPORT_HEADER_SIGN in the flags, as we do.
            CHECK(h.flags == (pfc_single_frag | pfc_support_header_sign));
            CHECK(encode_auth3(h.call_id, a->auth->trailer, a->auth->auth_value, h.flags, 5840, 5840) == original);
            ++auth3s;
        }
        if (h.type == pdu_type::request && h.auth_length != 0)
        {
            auto r = decode_request(h, original);
            REQUIRE_OK(r);
            REQUIRE(r->auth.has_value());
            CHECK((r->stub.size() + r->auth->trailer.auth_pad_length) % auth_pad_alignment == 0);
            std::vector<protected_fragment> layout;
            auto again = encode_request(h.call_id, request_params{r->context_id, r->opnum, r->object, 5840}, r->stub,
                                        verifier_plan{r->auth->trailer, r->auth->auth_value.size()}, layout);
            REQUIRE(layout.size() == 1);
            // Everything but the signature and the (sealed) padding octets is ours to lay
            // out: take Windows' for those, compare the rest.
            REQUIRE(again.size() == original.size());
            const auto pad_at = static_cast<std::ptrdiff_t>(layout[0].trailer - r->auth->trailer.auth_pad_length);
            std::copy(original.begin() + pad_at, original.begin() + static_cast<std::ptrdiff_t>(layout[0].trailer),
                      again.begin() + pad_at);
            std::copy(r->auth->auth_value.begin(), r->auth->auth_value.end(),
                      again.begin() + static_cast<std::ptrdiff_t>(layout[0].signature));
            CHECK(again == original);
            ++signed_requests;
        }
    });
    CHECK(auth3s == 1);
    CHECK(signed_requests >= 1);
}
