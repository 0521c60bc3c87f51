#pragma once
// ept_map, opnum 3 (C706 App. O; [MS-RPCE] 2.2.1.2.5): "where is interface X over protseq Y".
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
#include <string_view>
#include <vector>

namespace epmdump::epm {

struct ept_map_request
{
    std::optional<uuid> object = uuid{};             // Windows clients send a nil UUID, not NULL
    std::optional<std::vector<std::byte>> map_tower; // tower_octet_string; nullopt = NULL pointer
    context_handle entry_handle;
    std::uint32_t max_towers = 4;
    friend bool operator==(const ept_map_request&, const ept_map_request&) = default;
};

// A request for `interface` over `protseq` with port 0 / 0.0.0.0 / empty names, NDR 2.0 in floor 2.
// unsupported when encode_tower cannot build that protseq.
result<ept_map_request> make_ept_map_request(const syntax_id& interface, std::string_view protseq,
                                             std::uint32_t max_towers = 4);

struct ept_map_response
{
    context_handle entry_handle;
    std::uint32_t num_towers = 0;
    std::vector<endpoint_entry> towers; // object nil, annotation empty; the rest from each tower
    std::uint32_t status = 0;
    friend bool operator==(const ept_map_response&, const ept_map_response&) = default;
};

// Referent ids 1 (object) and 2 (tower), as Windows 2003 insists (impacket hept_map).
void encode_ept_map_request(const ept_map_request& request, ndr::writer& out);
result<ept_map_request> decode_ept_map_request(std::span<const std::byte> stub, ndr::drep rep,
                                               ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20,
                                               const decode_limits& limits = {});

// handle(20), num_towers, towers[] (conformant-varying array of twr_p_t), deferred twr_t, status.
result<ept_map_response> decode_ept_map_response(std::span<const std::byte> stub, ndr::drep rep,
                                                 ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20,
                                                 const decode_limits& limits = {});
void encode_ept_map_response(const ept_map_response& response, ndr::writer& out, std::uint32_t max_count = 4);

} // namespace epmdump::epm
