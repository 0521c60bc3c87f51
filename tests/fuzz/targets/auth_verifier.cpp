// The auth verifier of any PDU (split_body: auth_length, sec_trailer, auth_pad_length) and the
// protected request/response encoders the session and the test server use ([MS-RPCE]
// 2.2.2.11-12). Input: one PDU.
// Properties:
//  - split_body's parts tile the PDU: body, auth_pad_length octets, 8-octet sec_trailer,
//    auth_length octets of auth_value, ending at frag_length;
//  - the body and verifier re-appended with 16-octet padding from the body's start split back
//    to the same body, trailer (padding aside) and auth_value, the body and padding a multiple of 16;
//  - a request or response stub re-encoded in protected form at a fragment size from the input
//    gives fragments within that size whose layout matches what decoding finds, and whose
//    stubs join back to the original.
#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>

#include "fuzz_support.hpp"

#include <algorithm>

using namespace epmdump;
using namespace epmdump::dcerpc;

namespace {

bool same_bytes(std::span<const std::byte> a, std::span<const std::byte> b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::size_t body_start_of(const common_header& h)
{
    switch (h.type)
    {
    case pdu_type::request: return common_header_size + 8 + ((h.flags & pfc_object_uuid) ? 16 : 0);
    case pdu_type::response: return common_header_size + 8;
    case pdu_type::fault: return common_header_size + 16;
    case pdu_type::auth3: return common_header_size + 4;
    default: return common_header_size;
    }
}

template <class Decode>
void check_protected(std::span<const std::byte> bytes, const std::vector<protected_fragment>& layout,
                     std::span<const std::byte> stub, std::size_t frag, const verifier_plan& plan, Decode decode)
{
    std::vector<std::byte> joined;
    for (const auto& f : layout)
    {
        EPMDUMP_FUZZ_CHECK(f.end <= bytes.size() && f.start < f.body && f.body <= f.trailer && f.trailer + 8 == f.signature);
        EPMDUMP_FUZZ_CHECK(f.end - f.start <= frag);
        EPMDUMP_FUZZ_CHECK((f.trailer - f.body) % auth_pad_alignment == 0);
        const auto pdu = bytes.subspan(f.start, f.end - f.start);
        auto h = decode_common_header(pdu);
        EPMDUMP_FUZZ_CHECK(h.has_value() && h->frag_length == pdu.size() && h->auth_length == plan.signature_length);
        auto d = decode(*h, pdu);
        EPMDUMP_FUZZ_CHECK(d.has_value() && d->auth.has_value());
        auto t = d->auth->trailer;
        t.auth_pad_length = plan.trailer.auth_pad_length;
        EPMDUMP_FUZZ_CHECK(t == plan.trailer);
        EPMDUMP_FUZZ_CHECK(d->stub.size() + d->auth->trailer.auth_pad_length == f.trailer - f.body);
        joined.insert(joined.end(), d->stub.begin(), d->stub.end());
    }
    EPMDUMP_FUZZ_CHECK(same_bytes(joined, stub));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto input = fuzz::as_bytes(data, size);
    auto h = decode_common_header(input);
    if (!h) return 0;
    const std::size_t start = body_start_of(*h);
    auto parts = split_body(*h, input, start);
    if (!parts) return 0;
    EPMDUMP_FUZZ_CHECK(parts->body_offset == start);
    const std::size_t body_end = parts->body_offset + parts->body.size();
    if (!parts->auth)
    {
        EPMDUMP_FUZZ_CHECK(h->auth_length == 0 && body_end == h->frag_length);
        return 0;
    }
    const auto& a = *parts->auth;
    EPMDUMP_FUZZ_CHECK(body_end + a.trailer.auth_pad_length + sec_trailer_size + a.auth_value.size() == h->frag_length);
    EPMDUMP_FUZZ_CHECK(a.auth_value.size() == h->auth_length);

    // Re-append: the original prefix and body, then 16-octet padding from the body's start.
    std::vector<std::byte> again(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(body_end));
    append_auth_verifier(again, a.trailer, a.auth_value, auth_pad_alignment, start);
    auto h2 = decode_common_header(again);
    EPMDUMP_FUZZ_CHECK(h2.has_value());
    auto parts2 = split_body(*h2, again, start);
    EPMDUMP_FUZZ_CHECK(parts2.has_value() && parts2->auth.has_value());
    EPMDUMP_FUZZ_CHECK(same_bytes(parts2->body, parts->body));
    EPMDUMP_FUZZ_CHECK(same_bytes(parts2->auth->auth_value, a.auth_value));
    EPMDUMP_FUZZ_CHECK((parts2->body.size() + parts2->auth->trailer.auth_pad_length) % auth_pad_alignment == 0);
    auto t2 = parts2->auth->trailer;
    t2.auth_pad_length = a.trailer.auth_pad_length;
    EPMDUMP_FUZZ_CHECK(t2 == a.trailer);

    // The protected encoders, for a call PDU's stub.
    if (h->type != pdu_type::request && h->type != pdu_type::response) return 0;
    const std::uint16_t frag = static_cast<std::uint16_t>(must_recv_frag_size + a.trailer.auth_context_id % 8192);
    // A verifier has an auth_value (auth_length 0 would read as none): 1 to 512 octets.
    const verifier_plan plan{a.trailer, 1 + a.auth_value.size() % 512};
    std::vector<protected_fragment> layout;
    if (h->type == pdu_type::request)
    {
        auto bytes = encode_request(h->call_id, request_params{0, 0, std::nullopt, frag}, parts->body, plan, layout, h->drep);
        check_protected(bytes, layout, parts->body, frag, plan, decode_request);
    }
    else
    {
        auto bytes = encode_response(h->call_id, response_params{0, 0, frag}, parts->body, plan, layout, h->drep);
        check_protected(bytes, layout, parts->body, frag, plan, decode_response);
    }
    return 0;
}
