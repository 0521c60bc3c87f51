// bind_ack and alter_context_resp bodies (decode_bind_ack), secondary address in ASCII or EBCDIC.
// Input: one PDU; octet 2's low bit picks bind_ack (0) or alter_context_resp (1).
// Property: decode -> encode (same drep, same verifier) -> decode gives the same parameters.
#include <epmdump/dcerpc/bind_ack.hpp>

#include "fuzz_support.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto pdu = fuzz::force_type(fuzz::as_bytes(data, size), pdu_type::bind_ack, pdu_type::alter_context_resp);
    if (!pdu) return 0;
    auto decoded = decode_bind_ack(pdu->header, pdu->bytes);
    if (!decoded) return 0;
    const auto& p = decoded->params;
    EPMDUMP_FUZZ_CHECK(p.secondary_address.size() < max_secondary_address);
    EPMDUMP_FUZZ_CHECK(p.secondary_address.find('\0') == std::string::npos);

    const auto& h = pdu->header;
    auto again = h.type == pdu_type::bind_ack ? encode_bind_ack(h.call_id, p, h.drep)
                                              : encode_alter_context_resp(h.call_id, p, h.drep);
    fuzz::append_same_auth(again, decoded->auth);
    auto h2 = decode_common_header(again);
    EPMDUMP_FUZZ_CHECK(h2.has_value());
    EPMDUMP_FUZZ_CHECK(h2->type == h.type && h2->call_id == h.call_id && h2->drep == h.drep);
    auto redecoded = decode_bind_ack(*h2, again);
    EPMDUMP_FUZZ_CHECK(redecoded.has_value());
    EPMDUMP_FUZZ_CHECK(redecoded->params == p);
    EPMDUMP_FUZZ_CHECK(fuzz::same_auth(redecoded->auth, decoded->auth));
    return 0;
}
