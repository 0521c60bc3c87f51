#include <epmdump/dcerpc/response.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
response_pdu must_decode_response(std::span<const std::byte> pdu)
{
    auto h = decode_common_header(pdu);
    REQUIRE_OK(h);
    auto r = decode_response(*h, pdu);
    REQUIRE_OK(r);
    return *r;
}
} // namespace

TEST_CASE("Samba capture response decodes as a FIRST fragment and a LAST fragment of one call")
{
    auto first_bytes = hex(vectors::samba_response_first);
    auto last_bytes = hex(vectors::samba_response_last);
    auto first = must_decode_response(first_bytes);
    auto last = must_decode_response(last_bytes);
    CHECK(first.header.flags == pfc_first_frag);
    CHECK(last.header.flags == pfc_last_frag);
    CHECK(first.header.call_id == 1);
    CHECK(last.header.call_id == 1);
    CHECK(first.header.frag_length == 4280);
    CHECK(last.header.frag_length == 596);
    CHECK(first.stub.size() == 4280 - 24);
    CHECK(last.stub.size() == 596 - 24);
    CHECK(first.alloc_hint == 0x12dc);
    CHECK(last.alloc_hint == 0x023c);
    CHECK(last.stub.size() == last.alloc_hint);
    CHECK(first.context_id == 0);
    CHECK(first.cancel_count == 0);
}

TEST_CASE("encode_response re-creates the Samba fragments from the joined stub")
{
    auto first_bytes = hex(vectors::samba_response_first);
    auto last_bytes = hex(vectors::samba_response_last);
    auto stub = concat({std::span<const std::byte>(first_bytes).subspan(24), std::span<const std::byte>(last_bytes).subspan(24)});
    response_params p;
    p.max_xmit_frag = 4280;
    auto bytes = encode_response(1, p, stub);
    // Samba's alloc_hint on the first fragment is the whole stub; ours too.
    CHECK(bytes == concat({first_bytes, last_bytes}));
}

TEST_CASE("zeek capture response with an NTLMSSP verifier yields alloc_hint stub bytes")
{
    auto r = must_decode_response(hex(vectors::zeek_response_ntlm));
    CHECK(r.header.auth_length == 16);
    CHECK(r.stub.size() == r.alloc_hint);
    REQUIRE(r.auth.has_value());
    CHECK(r.auth->trailer.auth_pad_length == 12);
    CHECK(r.auth->trailer.auth_type == 10);
}

TEST_CASE("big-endian response decodes to the same values as its little-endian twin")
{
    response_params p;
    p.context_id = 3;
    p.cancel_count = 1;
    const auto stub = pattern(100);
    const auto le = encode_response(0x11223344, p, stub, ndr::little_endian_ascii);
    const auto be = encode_response(0x11223344, p, stub, ndr::big_endian_ascii);
    auto a = must_decode_response(le);
    auto b = must_decode_response(be);
    CHECK(b.header.drep == ndr::big_endian_ascii);
    CHECK(a.header.call_id == b.header.call_id);
    CHECK(a.alloc_hint == b.alloc_hint);
    CHECK(a.context_id == b.context_id);
    CHECK(a.cancel_count == b.cancel_count);
    CHECK(to_vector(a.stub) == to_vector(b.stub));
}

TEST_CASE("response shorter than its frag_length is truncated at the end of the input")
{
    auto pdu = hex(vectors::samba_response_last);
    auto h = decode_common_header(pdu).value();
    auto r = decode_response(h, std::span<const std::byte>(pdu).first(100));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::truncated);
    CHECK(r.error().offset == 100);
}

TEST_CASE("response ignores bytes after frag_length")
{
    auto pdu = hex(vectors::samba_response_last);
    auto longer = pdu;
    longer.push_back(std::byte{0xAA});
    auto a = must_decode_response(pdu);
    auto b = must_decode_response(longer);
    CHECK(to_vector(a.stub) == to_vector(b.stub));
}
