// rpc_auth3 ([MS-RPCE] 2.2.2.10): decode_auth3 and encode_auth3. Input: one PDU; its PTYPE is
// forced to auth3.
// Property: a decoded auth3 with a verifier re-encodes (same call_id and drep) to a PDU that
// decodes to the same sec_trailer (padding aside) and auth_value; one without has auth_length 0.
#include <epmdump/dcerpc/control_pdu.hpp>

#include "fuzz_support.hpp"

#include <algorithm>

using namespace epmdump;
using namespace epmdump::dcerpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto pdu = fuzz::force_type(fuzz::as_bytes(data, size), pdu_type::auth3, pdu_type::auth3);
    if (!pdu) return 0;
    auto decoded = decode_auth3(pdu->header, pdu->bytes);
    if (!decoded) return 0;
    if (!decoded->auth)
    {
        EPMDUMP_FUZZ_CHECK(pdu->header.auth_length == 0);
        return 0;
    }
    const auto& a = *decoded->auth;
    auto again = encode_auth3(pdu->header.call_id, a.trailer, a.auth_value, pdu->header.flags, 0, 0, pdu->header.drep);
    auto h2 = decode_common_header(again);
    EPMDUMP_FUZZ_CHECK(h2.has_value());
    EPMDUMP_FUZZ_CHECK(h2->type == pdu_type::auth3 && h2->call_id == pdu->header.call_id && h2->drep == pdu->header.drep &&
                       h2->flags == pdu->header.flags);
    auto redecoded = decode_auth3(*h2, again);
    EPMDUMP_FUZZ_CHECK(redecoded.has_value() && redecoded->auth.has_value());
    auto t = redecoded->auth->trailer;
    EPMDUMP_FUZZ_CHECK(t.auth_pad_length == 0); // 20 octets: the trailer is already 4-aligned
    t.auth_pad_length = a.trailer.auth_pad_length;
    EPMDUMP_FUZZ_CHECK(t == a.trailer);
    EPMDUMP_FUZZ_CHECK(std::equal(a.auth_value.begin(), a.auth_value.end(), redecoded->auth->auth_value.begin(),
                                  redecoded->auth->auth_value.end()));
    return 0;
}
