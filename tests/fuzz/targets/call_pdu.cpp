// Call and control PDUs through decode_pdu: request, response, fault, shutdown, co_cancel,
// orphaned, auth3 (and the auth verifier split every one of them does).
// Input: one PDU.
// Properties:
//  - request/response: encode_request/encode_response of the decoded fields and stub, cut
//    into fragments of a size taken from the input, framed and joined again by pdu_framer and
//    message_assembler, give back the same stub, opnum, context and object UUID;
//  - fault and control PDUs: decode -> encode -> decode keeps every field the encoder takes.
#include <epmdump/dcerpc/any_pdu.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>

#include "fuzz_support.hpp"

#include <algorithm>

using namespace epmdump;
using namespace epmdump::dcerpc;

namespace {

// Frames and joins an encoded call; exactly one message must come out, with nothing left over.
message reassemble(std::span<const std::byte> bytes)
{
    pdu_framer framer;
    message_assembler assembler;
    std::optional<message> out;
    EPMDUMP_FUZZ_CHECK(framer.feed(bytes).has_value());
    for (;;)
    {
        auto f = framer.next();
        EPMDUMP_FUZZ_CHECK(f.has_value());
        if (!*f) break;
        auto m = assembler.add(**f);
        EPMDUMP_FUZZ_CHECK(m.has_value());
        if (*m)
        {
            EPMDUMP_FUZZ_CHECK(!out.has_value());
            out = std::move(**m);
        }
    }
    EPMDUMP_FUZZ_CHECK(framer.idle());
    EPMDUMP_FUZZ_CHECK(out.has_value());
    return std::move(*out);
}

bool same_bytes(std::span<const std::byte> a, std::span<const std::byte> b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// Fragment size from the input, never below the C706 minimum the encoders raise it to.
std::uint16_t fragment_size(const common_header& h)
{
    return static_cast<std::uint16_t>(must_recv_frag_size + h.call_id % 8192);
}

void check(const request_pdu& p)
{
    const auto& h = p.header;
    request_params params{p.context_id, p.opnum, p.object, fragment_size(h)};
    const auto bytes = encode_request(h.call_id, params, p.stub, h.drep);
    const auto m = reassemble(bytes);
    EPMDUMP_FUZZ_CHECK(m.type == pdu_type::request);
    EPMDUMP_FUZZ_CHECK(m.call_id == h.call_id);
    EPMDUMP_FUZZ_CHECK(m.context_id == p.context_id && m.opnum == p.opnum && m.object == p.object);
    EPMDUMP_FUZZ_CHECK(m.first.drep == h.drep);
    EPMDUMP_FUZZ_CHECK(same_bytes(m.stub, p.stub));
}

void check(const response_pdu& p)
{
    const auto& h = p.header;
    response_params params{p.context_id, p.cancel_count, fragment_size(h)};
    const auto bytes = encode_response(h.call_id, params, p.stub, h.drep);
    const auto m = reassemble(bytes);
    EPMDUMP_FUZZ_CHECK(m.type == pdu_type::response);
    EPMDUMP_FUZZ_CHECK(m.call_id == h.call_id && m.context_id == p.context_id);
    EPMDUMP_FUZZ_CHECK(m.first.drep == h.drep);
    EPMDUMP_FUZZ_CHECK(same_bytes(m.stub, p.stub));
}

void check(const fault_pdu& p)
{
    const auto& h = p.header;
    fault_params params{p.status, p.context_id, p.cancel_count, h.flags, p.alloc_hint};
    auto bytes = encode_fault(h.call_id, params, h.drep);
    fuzz::append_same_auth(bytes, p.auth);
    auto again = decode_pdu(bytes);
    EPMDUMP_FUZZ_CHECK(again.has_value());
    const auto* f = std::get_if<fault_pdu>(&*again);
    EPMDUMP_FUZZ_CHECK(f != nullptr);
    EPMDUMP_FUZZ_CHECK(f->status == p.status && f->context_id == p.context_id && f->cancel_count == p.cancel_count);
    EPMDUMP_FUZZ_CHECK(f->alloc_hint == p.alloc_hint && f->header.flags == h.flags && f->header.call_id == h.call_id);
    EPMDUMP_FUZZ_CHECK(fuzz::same_auth(f->auth, p.auth));
}

void check(const control_pdu& p)
{
    const auto& h = p.header;
    auto bytes = encode_control(h.type, h.call_id, h.flags, h.drep);
    fuzz::append_same_auth(bytes, p.auth);
    auto again = decode_pdu(bytes);
    EPMDUMP_FUZZ_CHECK(again.has_value());
    const auto* c = std::get_if<control_pdu>(&*again);
    EPMDUMP_FUZZ_CHECK(c != nullptr);
    EPMDUMP_FUZZ_CHECK(c->header.type == h.type && c->header.flags == h.flags && c->header.call_id == h.call_id);
    EPMDUMP_FUZZ_CHECK(fuzz::same_auth(c->auth, p.auth));
}

template <class T>
void check(const T&)
{
    // bind, bind_ack, bind_nak: their own targets check them.
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto decoded = decode_pdu(fuzz::as_bytes(data, size));
    if (!decoded) return 0;
    std::visit([](const auto& p) { check(p); }, *decoded);
    return 0;
}
