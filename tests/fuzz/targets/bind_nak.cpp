// bind_nak bodies (decode_bind_nak): reason, optional version list, optional signature.
// Input: one PDU; its PTYPE is forced to bind_nak.
// Property: decode -> encode (same drep) -> decode gives the same parameters.
#include <epmdump/dcerpc/bind_nak.hpp>

#include "fuzz_support.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto pdu = fuzz::force_type(fuzz::as_bytes(data, size), pdu_type::bind_nak, pdu_type::bind_nak);
    if (!pdu) return 0;
    auto decoded = decode_bind_nak(pdu->header, pdu->bytes);
    if (!decoded) return 0;

    const auto& h = pdu->header;
    auto again = encode_bind_nak(h.call_id, decoded->params, h.drep);
    auto h2 = decode_common_header(again);
    EPMDUMP_FUZZ_CHECK(h2.has_value());
    EPMDUMP_FUZZ_CHECK(h2->type == h.type && h2->call_id == h.call_id && h2->drep == h.drep);
    auto redecoded = decode_bind_nak(*h2, again);
    EPMDUMP_FUZZ_CHECK(redecoded.has_value());
    EPMDUMP_FUZZ_CHECK(redecoded->params == decoded->params);
    return 0;
}
