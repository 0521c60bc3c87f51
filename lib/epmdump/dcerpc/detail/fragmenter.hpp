#pragma once
// Splits one call's stub into fragments no longer than max_xmit_frag (internal).
#include <epmdump/dcerpc/pdu_type.hpp>

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

} // namespace epmdump::dcerpc::detail
