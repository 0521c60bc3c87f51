// recognize_service (session/service_id.cpp): naming a non-DCE/RPC service from its first bytes.
// Input: one cut byte, then the bytes a port sent.
// Property: a guess has a kind and one short line of printable octets (no control bytes); more
// bytes never change the kind a shorter start was given (the prefix at the cut byte's fraction
// of the input), only its detail.
#include <epmdump/session/service_id.hpp>

#include "fuzz_support.hpp"

using namespace epmdump;

namespace {

EPMDUMP_FUZZ_NO_COVERAGE void check_guess(const client::service_guess& g)
{
    EPMDUMP_FUZZ_CHECK(g.kind != epm::service_kind::unknown);
    EPMDUMP_FUZZ_CHECK(!g.looks_like.empty() && g.looks_like.size() <= 200);
    for (char c : g.looks_like)
        EPMDUMP_FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::input_reader in(fuzz::as_bytes(data, size));
    const std::uint8_t cut_byte = in.u8();
    const auto first = in.rest();
    const auto whole = client::recognize_service(first);
    if (whole) check_guess(*whole);
    const std::size_t cut = first.size() * cut_byte / 255;
    if (const auto part = client::recognize_service(first.first(cut)))
    {
        check_guess(*part);
        EPMDUMP_FUZZ_CHECK(whole && whole->kind == part->kind);
    }
    return 0;
}
