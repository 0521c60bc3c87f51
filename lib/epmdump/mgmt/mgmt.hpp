#pragma once
// The DCE/RPC management interface (C706 App. N "rpc_mgmt", [MS-RPCE] 3.1.1.5.x): what a server
// says it serves. Only the read-only calls epmdump makes: rpc_mgmt_inq_if_ids (opnum 0) and
// rpc_mgmt_inq_princ_name (opnum 4). Opnum 3 (stop_server_listening) is deliberately absent.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/ndr/drep.hpp>
#include <epmdump/ndr/writer.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace epmdump::mgmt {

// afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0
dcerpc::syntax_id mgmt_interface() noexcept;

inline constexpr std::uint16_t opnum_inq_if_ids = 0;
inline constexpr std::uint16_t opnum_inq_princ_name = 4;

// authn_proto values for inq_princ_name ([MS-RPCE] 2.2.1.1.7 security providers).
inline constexpr std::uint32_t rpc_c_authn_gss_negotiate = 9;
inline constexpr std::uint32_t rpc_c_authn_winnt = 10;

// rpc_mgmt_inq_if_ids: the request stub is empty. The response is
// [out] rpc_if_id_vector_p_t *if_id_vector (a unique pointer to a conformant struct
// {count; [size_is(count)] rpc_if_id_p_t if_id[]}, each element a unique pointer to
// {uuid, u16 vers_major, u16 vers_minor}), then error_status_t.
struct inq_if_ids_response
{
    bool vector_present = false;            // the if_id_vector pointer was not NULL
    std::vector<dcerpc::syntax_id> if_ids;  // the non-NULL elements, in order
    std::uint32_t null_elements = 0;        // NULL element pointers (legal, carry nothing)
    std::uint32_t status = 0;
    friend bool operator==(const inq_if_ids_response&, const inq_if_ids_response&) = default;
};

result<inq_if_ids_response> decode_inq_if_ids_response(std::span<const std::byte> stub, ndr::drep rep,
                                                       ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20);
// The server side (tests, the scripted server). vector_present false writes a NULL pointer.
void encode_inq_if_ids_response(const inq_if_ids_response& response, ndr::writer& out);

// rpc_mgmt_inq_princ_name: [in] authn_proto, [in] princ_name_size; [out, string,
// size_is(princ_name_size)] char princ_name[] (a conformant varying string), error_status_t.
struct inq_princ_name_request
{
    std::uint32_t authn_proto = rpc_c_authn_winnt;
    std::uint32_t princ_name_size = 256; // characters, NUL included
    friend bool operator==(const inq_princ_name_request&, const inq_princ_name_request&) = default;
};

struct inq_princ_name_response
{
    std::string princ_name; // without the NUL; bytes as sent (untrusted)
    std::uint32_t status = 0;
    friend bool operator==(const inq_princ_name_response&, const inq_princ_name_response&) = default;
};

void encode_inq_princ_name_request(const inq_princ_name_request& request, ndr::writer& out);
result<inq_princ_name_request> decode_inq_princ_name_request(std::span<const std::byte> stub, ndr::drep rep,
                                                             ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20);

// max_chars bounds the string (NUL included): a longer one is limit_exceeded.
result<inq_princ_name_response> decode_inq_princ_name_response(std::span<const std::byte> stub, ndr::drep rep,
                                                               ndr::transfer_syntax syntax = ndr::transfer_syntax::ndr20,
                                                               std::size_t max_chars = 1024);
// max_count: the conformance (the request's princ_name_size), raised to the string's length.
void encode_inq_princ_name_response(const inq_princ_name_response& response, ndr::writer& out,
                                    std::uint32_t max_count = 256);

} // namespace epmdump::mgmt
