#include <epmdump/dcerpc/fault.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
// Feeds chunks through framer + assembler and collects the messages; errors fail the test.
std::vector<message> assemble(const std::vector<std::span<const std::byte>>& chunks,
                              std::size_t max_message = default_max_message)
{
    pdu_framer f;
    message_assembler a(max_message);
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
    CHECK_FALSE(a.in_progress());
    return out;
}

std::vector<std::byte> samba_response_stream()
{
    return concat({hex(vectors::samba_response_first), hex(vectors::samba_response_last)});
}

std::vector<std::byte> samba_stub()
{
    auto a = hex(vectors::samba_response_first);
    auto b = hex(vectors::samba_response_last);
    return concat({std::span<const std::byte>(a).subspan(24), std::span<const std::byte>(b).subspan(24)});
}

// Feeds whole PDUs to an assembler and returns the result of the last add().
result<std::optional<message>> feed_pdus(message_assembler& a, const std::vector<std::vector<std::byte>>& pdus)
{
    result<std::optional<message>> last = std::optional<message>{};
    std::uint64_t offset = 0;
    for (const auto& pdu : pdus)
    {
        auto h = decode_common_header(pdu).value();
        last = a.add(pdu_frame{h, pdu, offset});
        offset += pdu.size();
        if (!last) break;
    }
    return last;
}
} // namespace

TEST_CASE("Samba two-fragment response reassembles into one message with the joined stub")
{
    auto stream = samba_response_stream();
    auto msgs = assemble({stream});
    REQUIRE(msgs.size() == 1);
    const auto& m = msgs[0];
    CHECK(m.type == pdu_type::response);
    CHECK(m.call_id == 1);
    CHECK(m.fragments == 2);
    CHECK(m.alloc_hint == 4828);
    CHECK(m.stub.size() == 4828);
    CHECK(m.stub == samba_stub());
    CHECK(m.pdu.empty());
}

TEST_CASE("Samba two-fragment response split at every byte boundary reassembles identically")
{
    auto stream = samba_response_stream();
    const auto expect = samba_stub();
    const std::span<const std::byte> s(stream);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut)
    {
        auto msgs = assemble({s.first(cut), s.subspan(cut)});
        REQUIRE(msgs.size() == 1);
        REQUIRE(msgs[0].stub == expect);
    }
}

TEST_CASE("big-endian multi-fragment response reassembles to the same stub as the little-endian one")
{
    const auto stub = pattern(20000, 9);
    response_params p;
    p.max_xmit_frag = 1432;
    auto le = encode_response(5, p, stub, ndr::little_endian_ascii);
    auto be = encode_response(5, p, stub, ndr::big_endian_ascii);
    auto a = assemble({le});
    auto b = assemble({be});
    REQUIRE(a.size() == 1);
    REQUIRE(b.size() == 1);
    CHECK(a[0].stub == stub);
    CHECK(b[0].stub == stub);
    CHECK(a[0].fragments == b[0].fragments);
    CHECK(b[0].first.drep == ndr::big_endian_ascii);
}

TEST_CASE("multi-fragment request reassembles with its opnum, context and object")
{
    const auto stub = pattern(9000, 2);
    const auto object = must_uuid("00112233-4455-6677-8899-aabbccddeeff");
    auto bytes = encode_request(3, 1, 2, stub, object, 4280);
    auto msgs = assemble({bytes});
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].type == pdu_type::request);
    CHECK(msgs[0].opnum == 2);
    CHECK(msgs[0].context_id == 1);
    CHECK(msgs[0].object == object);
    CHECK(msgs[0].fragments == 3);
    CHECK(msgs[0].stub == stub);
}

TEST_CASE("non-fragmented PDUs pass through the assembler whole")
{
    auto stream = concat({hex(vectors::samba_bind_ack), hex(vectors::samba_request), hex(vectors::suricata_fault)});
    auto msgs = assemble({stream});
    REQUIRE(msgs.size() == 3);
    CHECK(msgs[0].type == pdu_type::bind_ack);
    CHECK(msgs[0].pdu == hex(vectors::samba_bind_ack));
    auto ack = decode_bind_ack(msgs[0].first, msgs[0].pdu);
    REQUIRE_OK(ack);
    CHECK(ack->params.secondary_address == "135");
    CHECK(msgs[1].type == pdu_type::request);
    CHECK(msgs[1].fragments == 1);
    CHECK(msgs[1].stub.size() == 40);
    CHECK(msgs[2].type == pdu_type::fault);
    CHECK(decode_fault(msgs[2].first, msgs[2].pdu).value().status == 0x1c010002u);
}

TEST_CASE("a FIRST fragment while a message is open is a fragment_sequence error")
{
    message_assembler a;
    auto first = hex(vectors::samba_response_first);
    auto r = feed_pdus(a, {first, first});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::fragment_sequence);
    CHECK(r.error().offset == first.size());
    CHECK_FALSE(a.in_progress());
}

TEST_CASE("a middle or last fragment with no FIRST is a fragment_sequence error")
{
    message_assembler a;
    auto r = feed_pdus(a, {hex(vectors::samba_response_last)});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::fragment_sequence);
    auto middle = encode_response(1, {0, 0, 1432}, pattern(5000));
    pdu_framer f;
    (void)f.feed(middle);
    (void)f.next();                 // skip the FIRST
    auto second = f.next().value(); // a middle fragment
    REQUIRE(second.has_value());
    CHECK(second->header.flags == 0);
    auto m = a.add(*second);
    REQUIRE_FALSE(m.has_value());
    CHECK(m.error().code == codec_errc::fragment_sequence);
}

TEST_CASE("a fragment of another call_id or PTYPE interleaved into an open message is rejected")
{
    auto first = hex(vectors::samba_response_first);
    SUBCASE("other call_id")
    {
        auto last = hex(vectors::samba_response_last);
        last[12] = std::byte{2};
        message_assembler a;
        auto r = feed_pdus(a, {first, last});
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == codec_errc::fragment_sequence);
    }
    SUBCASE("other PTYPE")
    {
        auto req = encode_request(1, 0, 2, pattern(8));
        req[3] = std::byte{pfc_last_frag};
        message_assembler a;
        auto r = feed_pdus(a, {first, req});
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == codec_errc::fragment_sequence);
    }
}

TEST_CASE("the assembler recovers after an error and assembles the next message")
{
    message_assembler a;
    auto first = hex(vectors::samba_response_first);
    auto last = hex(vectors::samba_response_last);
    REQUIRE_FALSE(feed_pdus(a, {first, first}).has_value());
    auto r = feed_pdus(a, {first, last});
    REQUIRE_OK(r);
    REQUIRE(r->has_value());
    CHECK((*r)->stub == samba_stub());
}

TEST_CASE("a message over the size cap is limit_exceeded")
{
    auto stream = samba_response_stream();
    message_assembler a(4828 - 1);
    auto first = hex(vectors::samba_response_first);
    auto last = hex(vectors::samba_response_last);
    auto r = feed_pdus(a, {first, last});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::limit_exceeded);
    CHECK(r.error().offset == first.size());
    message_assembler exact(4828);
    auto ok = feed_pdus(exact, {first, last});
    REQUIRE_OK(ok);
    CHECK(ok->has_value());
}

TEST_CASE("a fault for the open call ends it and passes through")
{
    message_assembler a;
    auto first = hex(vectors::samba_response_first);
    fault_params p;
    p.status = 0x6f7;
    auto r = feed_pdus(a, {first, encode_fault(1, p)});
    REQUIRE_OK(r);
    REQUIRE(r->has_value());
    CHECK((*r)->type == pdu_type::fault);
    CHECK_FALSE(a.in_progress());
}
