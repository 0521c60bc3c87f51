#pragma once
// ept_lookup, opnum 2 (C706 App. O; [MS-RPCE] 2.2.1.2.4): request and response stubs.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/epm/context_handle.hpp>
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/ndr/drep.hpp>
#include <epmdump/ndr/writer.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace epmdump::epm {

// inquiry_type
inline constexpr std::uint32_t rpc_c_ep_all_elts = 0; // object, Ifid and vers_option are ignored
inline constexpr std::uint32_t rpc_c_ep_match_by_if = 1;
inline constexpr std::uint32_t rpc_c_ep_match_by_obj = 2;
inline constexpr std::uint32_t rpc_c_ep_match_by_both = 3;

// vers_option
inline constexpr std::uint32_t rpc_c_vers_all = 1;
inline constexpr std::uint32_t rpc_c_vers_compatible = 2;
inline constexpr std::uint32_t rpc_c_vers_exact = 3;
inline constexpr std::uint32_t rpc_c_vers_major_only = 4;
inline constexpr std::uint32_t rpc_c_vers_upto = 5;

struct ept_lookup_request
{
    std::uint32_t inquiry_type = rpc_c_ep_all_elts;
    std::optional<uuid> object;         // [in, ptr] UUID*: nullopt = NULL pointer
    std::optional<syntax_id> interface; // [in, ptr] RPC_IF_ID*: nullopt = NULL pointer
    std::uint32_t vers_option = rpc_c_vers_all;
    context_handle entry_handle;        // null on the first call
    std::uint32_t max_ents = ept_max_ents;
    friend bool operator==(const ept_lookup_request&, const ept_lookup_request&) = default;
};

struct ept_lookup_response
{
    context_handle entry_handle;        // null: the server has nothing more
    std::uint32_t num_ents = 0;
    std::vector<endpoint_entry> entries;
    std::uint32_t status = 0;           // ept_s_not_registered ends the enumeration; entries still count
    friend bool operator==(const ept_lookup_response&, const ept_lookup_response&) = default;
};

// Appends the request stub to `out` (its drep and transfer syntax decide the encoding).
// max_ents above 500 is written as given: the range check is the caller's business.
void encode_ept_lookup_request(const ept_lookup_request& request, ndr::writer& out);
result<ept_lookup_request> decode_ept_lookup_request(std::span<const std::byte> stub, ndr::drep rep,
                                                     ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20);

// Layout: handle(20), num_ents, then entries[] as a top-level conformant-varying array with no
// referent id (max_count, offset, actual_count inline), each entry = object GUID, tower
// pointer, annotation varying string; the towers (twr_t) follow the array; then status.
// Every entry is filled from its tower (interface, transfer syntax, binding, octets).
result<ept_lookup_response> decode_ept_lookup_response(std::span<const std::byte> stub, ndr::drep rep,
                                                       ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20,
                                                       const decode_limits& limits = {});

// The server side, for fakes and round-trip tests. Entries with an empty `tower` get a NULL
// tower pointer. max_count is the array's conformance (the request's max_ents); it is raised
// to entries.size() when smaller. num_ents is written as entries.size().
void encode_ept_lookup_response(const ept_lookup_response& response, ndr::writer& out,
                                std::uint32_t max_count = ept_max_ents);

} // namespace epmdump::epm
