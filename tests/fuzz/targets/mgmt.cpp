// The management interface's answers (lib/epmdump/mgmt): the rpc_mgmt_inq_if_ids response
// (rpc_if_id_vector_p_t: a unique pointer to a conformant array of unique pointers) and the
// rpc_mgmt_inq_princ_name request and response.
// Input: one option byte (fuzz::stub_options), one selector byte (low 2 bits), then the stub.
// Properties: decode -> encode (same drep and syntax) -> decode gives the same value; the
// interfaces kept never outnumber the pointers the stub can hold (no allocation beyond the input).
#include <epmdump/mgmt/mgmt.hpp>

#include "fuzz_support.hpp"

using namespace epmdump;
using namespace epmdump::mgmt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::input_reader in(fuzz::as_bytes(data, size));
    const auto o = in.u8();
    const auto which = in.u8() & 3;
    const auto stub = in.rest();
    const auto rep = fuzz::stub_options::drep_of(o);
    const auto syntax = fuzz::stub_options::syntax_of(o);
    const std::size_t max_chars = (o & fuzz::stub_options::small_limits) ? 8 : 1024;

    switch (which)
    {
    case 0:
    case 3:
    {
        if (auto r = decode_inq_if_ids_response(stub, rep, syntax))
            EPMDUMP_FUZZ_CHECK(r->if_ids.size() + r->null_elements <= stub.size() / 4);
        fuzz::check_round_trip(stub, rep, syntax, [&](auto s) { return decode_inq_if_ids_response(s, rep, syntax); },
                   [](const auto& v, ndr::writer& w) { encode_inq_if_ids_response(v, w); });
        break;
    }
    case 1:
        fuzz::check_round_trip(stub, rep, syntax, [&](auto s) { return decode_inq_princ_name_response(s, rep, syntax, max_chars); },
                   [](const auto& v, ndr::writer& w) { encode_inq_princ_name_response(v, w); });
        break;
    default:
        fuzz::check_round_trip(stub, rep, syntax, [&](auto s) { return decode_inq_princ_name_request(s, rep, syntax); },
                   [](const auto& v, ndr::writer& w) { encode_inq_princ_name_request(v, w); });
        break;
    }
    return 0;
}
