// bind and alter_context bodies (decode_bind).
// Input: one PDU; octet 2's low bit picks bind (0) or alter_context (1).
// Property: decode -> encode (same drep, same verifier) -> decode gives the same parameters.
#include <epmdump/dcerpc/bind.hpp>

#include "fuzz_support.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto pdu = fuzz::force_type(fuzz::as_bytes(data, size), pdu_type::bind, pdu_type::alter_context);
    if (!pdu) return 0;
    auto decoded = decode_bind(pdu->header, pdu->bytes);
    if (!decoded) return 0;
    EPMDUMP_FUZZ_CHECK(decoded->params.flags == pdu->header.flags);

    const auto& h = pdu->header;
    auto again = h.type == pdu_type::bind ? encode_bind(h.call_id, decoded->params, h.drep)
                                          : encode_alter_context(h.call_id, decoded->params, h.drep);
    fuzz::append_same_auth(again, decoded->auth);
    auto h2 = decode_common_header(again);
    EPMDUMP_FUZZ_CHECK(h2.has_value());
    EPMDUMP_FUZZ_CHECK(h2->type == h.type && h2->call_id == h.call_id && h2->drep == h.drep);
    auto redecoded = decode_bind(*h2, again);
    EPMDUMP_FUZZ_CHECK(redecoded.has_value());
    EPMDUMP_FUZZ_CHECK(redecoded->params == decoded->params);
    EPMDUMP_FUZZ_CHECK(fuzz::same_auth(redecoded->auth, decoded->auth));
    return 0;
}
