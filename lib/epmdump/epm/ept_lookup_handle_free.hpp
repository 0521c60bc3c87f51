#pragma once
// ept_lookup_handle_free, opnum 4 (C706 App. O): releases a lookup handle when a client stops
// paging early. (Opnum 1 is ept_delete; sending that by mistake gets fault 0x6d8.)
#include <epmdump/core/codec_error.hpp>
#include <epmdump/epm/context_handle.hpp>
#include <epmdump/ndr/drep.hpp>
#include <epmdump/ndr/writer.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace epmdump::epm {

struct ept_lookup_handle_free_response
{
    context_handle entry_handle; // null once freed
    std::uint32_t status = 0;
    friend bool operator==(const ept_lookup_handle_free_response&, const ept_lookup_handle_free_response&) = default;
};

void encode_ept_lookup_handle_free_request(const context_handle& entry_handle, ndr::writer& out);
result<context_handle> decode_ept_lookup_handle_free_request(std::span<const std::byte> stub, ndr::drep rep,
                                                             ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20);

void encode_ept_lookup_handle_free_response(const ept_lookup_handle_free_response& response, ndr::writer& out);
result<ept_lookup_handle_free_response> decode_ept_lookup_handle_free_response(
    std::span<const std::byte> stub, ndr::drep rep, ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20);

} // namespace epmdump::epm
