#pragma once
// Splits one call's stub into fragments no longer than max_xmit_frag (internal).
#include <epmdump/dcerpc/auth_verifier.hpp>
#include <epmdump/dcerpc/pdu_type.hpp>
#include <epmdump/ndr/writer.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace epmdump::dcerpc::detail {

// Calls emit(flags, alloc_hint, chunk) once per fragment, in order; appends nothing itself.
// Every chunk but the last is a multiple of 8 bytes so the receiver's reassembled stub keeps
// the sender's NDR alignment whatever it does per fragment.
template <class Emit>
void for_each_fragment(std::span<const std::byte> stub, std::size_t header_size, std::uint16_t max_xmit_frag,
                       Emit&& emit)
{
    const std::size_t frag = std::max<std::size_t>(max_xmit_frag, must_recv_frag_size);
    const std::size_t per_fragment = (frag - header_size) & ~std::size_t{7};
    std::size_t at = 0;
    do
    {
        const std::size_t n = std::min(per_fragment, stub.size() - at);
        std::uint8_t flags = 0;
        if (at == 0) flags |= pfc_first_frag;
        if (at + n == stub.size()) flags |= pfc_last_frag;
        emit(flags, static_cast<std::uint32_t>(stub.size() - at), stub.subspan(at, n));
        at += n;
    } while (at < stub.size());
}

// A call's stub as protected fragments: each leaves room for up to 15 octets of padding, the
// sec_trailer and the signature within max_xmit_frag ([MS-RPCE] 2.2.2.11-12: max_xmit_frag
// counts the verifier too). start(flags, alloc_hint) returns a writer holding the fragment's
// header and call fields; the signature is left zero and its place recorded in `layout`.
template <class Start>
std::vector<std::byte> protected_fragments(std::span<const std::byte> stub, std::size_t header_size,
                                           std::uint16_t max_xmit_frag, const verifier_plan& plan,
                                           std::vector<protected_fragment>& layout, Start&& start)
{
    std::vector<std::byte> out;
    layout.clear();
    const std::size_t room = header_size + (auth_pad_alignment - 1) + sec_trailer_size + plan.signature_length;
    const std::vector<std::byte> blank(plan.signature_length);
    for_each_fragment(stub, room, max_xmit_frag,
                      [&](std::uint8_t flags, std::uint32_t alloc_hint, std::span<const std::byte> chunk) {
                          ndr::writer w = start(flags, alloc_hint);
                          w.bytes(chunk);
                          patch_lengths(w, 0);
                          auto pdu = w.take();
                          append_auth_verifier(pdu, plan.trailer, blank, auth_pad_alignment, header_size);
                          protected_fragment f;
                          f.start = out.size();
                          f.body = f.start + header_size;
                          f.end = f.start + pdu.size();
                          f.signature = f.end - plan.signature_length;
                          f.trailer = f.signature - sec_trailer_size;
                          layout.push_back(f);
                          out.insert(out.end(), pdu.begin(), pdu.end());
                      });
    return out;
}

} // namespace epmdump::dcerpc::detail
